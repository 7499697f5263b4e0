/**
 * IDNA2008 label checks without the RFC 5892 tables: what the platform's Unicode regular expressions and
 * normalisation give us, erring on the side of refusing. Internal to `dns.ts`.
 */
import { decodePunycode, encodePunycode } from './punycode.ts'

const ASCII = /^[\x20-\x7e]*$/
// RFC 1034 3.5 / RFC 1123 2.1 LDH label: letters, digits and hyphens, 1..63 octets, no hyphen at either end.
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
// RFC 5892 approximated: letters, combining marks and decimal digits are the PVALID candidates (symbols,
// punctuation, spaces, format and control characters are DISALLOWED), plus the 2.6 PVALID exceptions; hyphens
// only inside, and never a combining mark first (RFC 5891 4.2.3.2).
const CANDIDATE = /^[\p{L}\p{Nd}\u00df\u03c2\u06fd\u06fe\u0f0b\u3007](?:[\p{L}\p{M}\p{Nd}\u06fd\u06fe\u0f0b\u3007-]*)$/u
// RFC 5892 2.6 DISALLOWED exceptions among letters and marks: tatweel, NKo lajanyalan, Hangul tone marks, the
// vertical kana repeat marks.
const EXCEPTION_DISALLOWED = /[\u0640\u07fa\u302e\u302f\u3031-\u3035\u303b]/u
// RFC 5892 appendix A.8/A.9 (CONTEXTO): Arabic-Indic and extended Arabic-Indic digits must not be mixed.
const ARABIC_INDIC = /[\u0660-\u0669]/
const EXTENDED_ARABIC_INDIC = /[\u06f0-\u06f9]/

/** Whether this engine knows the script: an older one lacks the newest, and must still load this module. */
function knownScript(script: string): boolean {
  try {
    new RegExp(`\\p{Script=${script}}`, 'u')
    return true
  } catch {
    return false
  }
}

// RFC 5893 needs Bidi_Class, which JavaScript regular expressions do not offer: right-to-left letters are taken
// from their script, digits from their (short) lists.
const RTL_SCRIPT = new RegExp(
  `[${(
    'Arabic Hebrew Syriac Thaana Nko Samaritan Mandaic Adlam Hanifi_Rohingya Yezidi Mende_Kikakui Old_South_Arabian ' +
    'Old_North_Arabian Imperial_Aramaic Phoenician Kharoshthi Avestan Nabataean Palmyrene Hatran Manichaean ' +
    'Psalter_Pahlavi Inscriptional_Pahlavi Inscriptional_Parthian Lydian Cypriot Sogdian Old_Sogdian Elymaic ' +
    'Chorasmian Old_Hungarian Old_Uyghur Meroitic_Cursive Meroitic_Hieroglyphs'
  )
    .split(' ')
    .filter(knownScript)
    .map((script) => `\\p{Script=${script}}`)
    .join('')}]`,
  'u',
)
const NSM = /^[\p{Mn}\p{Me}]$/u
const EN = /^[0-9\u06f0-\u06f9]$/
const AN = /^[\u0660-\u0669\u{10d30}-\u{10d39}]$/u

type BidiClass = 'L' | 'R' | 'EN' | 'AN' | 'ES' | 'NSM'

function bidiClass(c: string): BidiClass {
  if (EN.test(c)) return 'EN'
  if (AN.test(c)) return 'AN'
  if (c === '-') return 'ES'
  if (NSM.test(c)) return 'NSM'
  return RTL_SCRIPT.test(c) ? 'R' : 'L'
}

/** RFC 5892 2.2 (Unstable): a code point that NFKC / case folding would change is DISALLOWED. */
function isStable(c: string): boolean {
  return c.normalize('NFKC').toLowerCase().normalize('NFKC') === c
}

/** A U-label as RFC 5891 4.2.3 wants it: already mapped, non-ASCII, no `??--`, PVALID-ish code points. */
function isULabel(label: string): boolean {
  const points = Array.from(label)
  return (
    !ASCII.test(label) &&
    points.length <= 63 &&
    label === label.normalize('NFC') &&
    CANDIDATE.test(label) &&
    !label.endsWith('-') &&
    !(points[2] === '-' && points[3] === '-') &&
    !EXCEPTION_DISALLOWED.test(label) &&
    !(ARABIC_INDIC.test(label) && EXTENDED_ARABIC_INDIC.test(label)) &&
    points.every(isStable)
  )
}

/**
 * One label as `{ ascii, unicode }` (the lower-case LDH or A-label, and its U-label form for the bidi check), or
 * null. Unicode input is mapped as far as the platform allows (RFC 5895: lower-case, then NFC); compatibility
 * characters (full-width letters, mathematical letters, ...) are refused rather than silently mapped.
 *
 * @example
 * toALabel('Bücher') // { ascii: 'xn--bcher-kva', unicode: 'bücher' }
 * toALabel('xn--ls8h') // null (an emoji)
 */
export function toALabel(label: string): { ascii: string; unicode: string } | null {
  if (ASCII.test(label)) {
    const ascii = label.toLowerCase()
    if (!LDH_LABEL.test(ascii)) return null
    if (ascii.slice(2, 4) !== '--') return { ascii, unicode: ascii }
    // RFC 5891 4.2.3.1 / CA/B BR 7.1.4.2: `??--` labels are reserved; the one allowed kind is an A-label, and only
    // if it decodes to a valid U-label whose encoding it is (so one name has one spelling).
    if (!ascii.startsWith('xn--')) return null
    const unicode = decodePunycode(ascii.slice(4))
    if (unicode === null || !isULabel(unicode) || encodePunycode(unicode) !== ascii.slice(4)) return null
    return { ascii, unicode }
  }
  const unicode = label.toLowerCase().normalize('NFC')
  if (ASCII.test(unicode)) return toALabel(unicode) // e.g. U+212A KELVIN SIGN lower-cases to 'k'
  if (!isULabel(unicode)) return null
  const encoded = encodePunycode(unicode)
  if (encoded === null || encoded.length > 59) return null // 63 octets with the `xn--` prefix
  return { ascii: `xn--${encoded}`, unicode }
}

/**
 * RFC 5893 section 2, the Bidi Rule, for the labels of a name that holds any right-to-left character: each label
 * starts with L or R; an RTL label holds no L, ends in R, EN or AN (then NSMs) and does not mix EN and AN; an LTR
 * label holds no R or AN and ends in L or EN (then NSMs).
 *
 * @example
 * passesBidiRule(['שלום', 'example']) // true
 * passesBidiRule(['1שלום', 'example']) // false
 */
export function passesBidiRule(labels: readonly string[]): boolean {
  // ASCII holds no R or AN character, so an all-ASCII name is not a Bidi domain name and the rule does not apply.
  if (labels.every((l) => ASCII.test(l))) return true
  const classes = labels.map((l) => Array.from(l, bidiClass))
  if (!classes.some((cs) => cs.some((c) => c === 'R' || c === 'AN'))) return true
  return classes.every((cs) => {
    const last = cs.filter((c) => c !== 'NSM').pop()
    if (cs[0] === 'R') {
      return (
        !cs.includes('L') &&
        (last === 'R' || last === 'EN' || last === 'AN') &&
        !(cs.includes('EN') && cs.includes('AN'))
      )
    }
    return cs[0] === 'L' && !cs.includes('R') && !cs.includes('AN') && (last === 'L' || last === 'EN')
  })
}
