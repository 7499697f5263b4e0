import { decodePunycode, encodePunycode } from './punycode.ts'

// UTS #46 section 2.3 treats these full stops as label separators too, so a name typed with an ideographic or
// full-width dot is split where its user meant it to be.
const LABEL_SEPARATOR = /[.\u3002\uff0e\uff61]/
const ASCII = /^[\x20-\x7e]*$/
// RFC 1034 3.5 / RFC 1123 2.1 LDH label: letters, digits and hyphens, 1..63 octets, no hyphen at either end.
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
// An approximation of RFC 5892 PVALID without its tables: letters, combining marks (never first, RFC 5891 4.2.3.2)
// and decimal digits, hyphens inside. Symbols, punctuation, spaces and controls are DISALLOWED there, and so here.
const U_LABEL = /^[\p{L}\p{Nd}](?:[\p{L}\p{M}\p{Nd}-]*[\p{L}\p{M}\p{Nd}])?$/u
const NUMERIC = /^[0-9]+$/
const MAX_NAME_OCTETS = 253 // RFC 1035 2.3.4: 255 octets in wire form, i.e. 253 in text without the final dot

/** A U-label as RFC 5891 4.2.3 wants it: already mapped (lower-case, NFC), non-ASCII, no `??--`, at most 63. */
function isULabel(label: string): boolean {
  const points = Array.from(label)
  return (
    !ASCII.test(label) &&
    points.length <= 63 &&
    label === label.toLowerCase().normalize('NFC') &&
    U_LABEL.test(label) &&
    !(points[2] === '-' && points[3] === '-')
  )
}

/** One label to its lower-case A-label / LDH form, or null. */
function normalizeLabel(label: string): string | null {
  if (ASCII.test(label)) {
    const ldh = label.toLowerCase()
    if (!LDH_LABEL.test(ldh)) return null
    // RFC 5891 4.2.3.1 / CA/B BR 7.1.4.2: `??--` labels are reserved; the one allowed kind is an A-label, and only
    // if it decodes to a valid U-label whose encoding it is (so one name has one spelling).
    if (ldh.slice(2, 4) === '--') {
      if (!ldh.startsWith('xn--')) return null
      const unicode = decodePunycode(ldh.slice(4))
      if (unicode === null || !isULabel(unicode) || encodePunycode(unicode) !== ldh.slice(4)) return null
    }
    return ldh
  }
  // The mapping step of RFC 5895 / UTS #46, reduced to what the platform gives us: lower-case, then NFC.
  const mapped = label.toLowerCase().normalize('NFC')
  if (ASCII.test(mapped)) return normalizeLabel(mapped) // e.g. U+212A KELVIN SIGN lower-cases to 'k'
  if (!isULabel(mapped)) return null
  const encoded = encodePunycode(mapped)
  if (encoded === null || encoded.length > 59) return null
  return `xn--${encoded}`
}

/**
 * Checks and normalises a DNS name for a dNSName (RFC 5280 4.2.1.6: preferred name syntax, RFC 1034 3.5): LDH labels
 * of 1..63 octets, at most 253 octets in all, no trailing dot, a top-level label that is not all digits (RFC 3696
 * 2, which also keeps IPv4 literals out). Unicode labels are lower-cased, NFC-normalised and converted to punycode
 * A-labels (RFC 5891); existing `xn--` labels must be valid A-labels. With `wildcard: true` the whole left-most label
 * may be `*`, followed by at least two labels (RFC 6125 6.4.3, CA/B BR: no `*.com`). Returns the lower-cased name,
 * or null if it is not a valid name.
 *
 * @example
 * normalizeDnsName('WWW.Example.COM') // 'www.example.com'
 * normalizeDnsName('bücher.example') // 'xn--bcher-kva.example'
 * normalizeDnsName('*.example.com', { wildcard: true }) // '*.example.com'
 * normalizeDnsName('*.com', { wildcard: true }) // null
 * normalizeDnsName('10.0.0.1') // null
 */
export function normalizeDnsName(name: string, o?: { wildcard?: boolean }): string | null {
  if (typeof name !== 'string') throw new TypeError('the DNS name must be a string')
  const labels = name.split(LABEL_SEPARATOR)
  const wildcard = labels[0] === '*'
  if (wildcard && (o?.wildcard !== true || labels.length < 3)) return null
  const out: string[] = []
  for (const label of wildcard ? labels.slice(1) : labels) {
    const normal = normalizeLabel(label)
    if (normal === null) return null
    out.push(normal)
  }
  if (NUMERIC.test(out[out.length - 1] as string)) return null
  const result = (wildcard ? '*.' : '') + out.join('.')
  return result.length <= MAX_NAME_OCTETS ? result : null
}
