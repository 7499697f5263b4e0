/**
 * PEM decoding (RFC 7468) that takes the shapes cloud CA APIs actually return: CRLF line ends, PEM left inside a JSON
 * document or string (with `\n`, `\r\n` and `\/` escapes), several blocks in one text, explanatory text around them.
 * What it does not bend on is the payload: the base64 must be strict and the labels must match.
 */
import { PkiArgumentError, PkiFormatError } from '../errors.ts'
import { fromBase64 } from '../lib/bytes.ts'
import { checkSize, MAX_LIST_PEM_CHARS } from '../lib/limits.ts'
import { isPemLabel } from './encode.ts'

/**
 * One PEM block: its label (aliases resolved, see {@link decodePem}) and its DER.
 *
 * @example
 * const block: PemBlock = { label: 'CERTIFICATE', der: new Uint8Array([0x30, 0x00]) }
 */
export interface PemBlock {
  label: string
  der: Uint8Array
}

const BEGIN = '-----BEGIN '
const END = '-----END '
const DASHES = '-----'

/**
 * Labels RFC 7468 lets a parser treat as another. Section 7: parsers MAY treat `NEW CERTIFICATE REQUEST` as
 * `CERTIFICATE REQUEST` (Netscape and old Microsoft tools write it). We deliberately do not map `X509 CERTIFICATE` /
 * `X.509 CERTIFICATE` (section 5.1) or `CRL` (section 6): the RFC does not recommend treating those as equivalent, and
 * failing closed on an unexpected type is the safer default.
 */
const ALIASES: Readonly<Record<string, string>> = { 'NEW CERTIFICATE REQUEST': 'CERTIFICATE REQUEST' }

function canonicalLabel(label: string): string {
  return ALIASES[label] ?? label
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  f: '\f',
  b: '\b',
  '/': '/',
  '"': '"',
  '\\': '\\',
}
const HEX4 = /^[0-9a-fA-F]{4}$/

/**
 * One pass of JSON string unescaping (RFC 8259 section 7) over the whole text, leaving unknown escapes as they are.
 * It is safe on any text: a backslash never occurs in a PEM label or in base64, so only junk around the blocks and the
 * escapes we want undone are touched. Linear: one indexOf walk and one join.
 */
function unescapeOnce(text: string): string {
  let i = text.indexOf('\\')
  if (i < 0) return text
  const parts: string[] = []
  let last = 0
  while (i >= 0) {
    const c = text[i + 1] ?? ''
    let replacement: string | undefined = SIMPLE_ESCAPES[c]
    let length = 2
    if (replacement === undefined && c === 'u') {
      const hex = text.slice(i + 2, i + 6)
      // .NET's default JSON encoder writes `+` as \u002B, so \uXXXX does occur inside base64.
      if (HEX4.test(hex)) {
        replacement = String.fromCharCode(Number.parseInt(hex, 16))
        length = 6
      }
    }
    if (replacement === undefined) {
      i = text.indexOf('\\', i + 1)
      continue
    }
    parts.push(text.slice(last, i), replacement)
    last = i + length
    i = text.indexOf('\\', last)
  }
  parts.push(text.slice(last))
  return parts.join('')
}

/**
 * Undoes JSON-style escaping, up to three levels deep (a PEM in a JSON string that was itself put in a JSON string,
 * as API gateways and log pipelines do). Bounded, so still linear.
 */
function unescapeJson(text: string): string {
  let current = text
  for (let pass = 0; pass < 3 && current.includes('\\'); pass++) {
    const next = unescapeOnce(current)
    if (next === current) break
    current = next
  }
  return current
}

/** RFC 7468 section 3 `W`: the whitespace a lax parser ignores anywhere in the base64. */
const WHITESPACE = /[\t\n\v\f\r ]+/g

function decodeBody(body: string, label: string): Uint8Array {
  // `:` is not base64, so a colon means RFC 1421 headers. RFC 7468 section 2 drops them; the one we meet in practice
  // is OpenSSL's legacy encrypted key (Proc-Type: 4,ENCRYPTED + DEK-Info), which we cannot read: say so plainly.
  if (body.includes(':')) {
    if (/Proc-Type|DEK-Info/i.test(body)) {
      throw new PkiFormatError(
        `the ${label} block is a legacy encrypted PEM (Proc-Type/DEK-Info headers, RFC 1421): ` +
          'convert it to PKCS#8 (ENCRYPTED PRIVATE KEY), e.g. `openssl pkcs8 -topk8`',
      )
    }
    throw new PkiFormatError(`the ${label} block has headers, which RFC 7468 section 2 does not permit`)
  }
  const compact = body.replace(WHITESPACE, '')
  if (compact === '') throw new PkiFormatError(`the ${label} block is empty`)
  const der = fromBase64(compact)
  if (der === null) {
    throw new PkiFormatError(
      `the ${label} block is not strict base64 (RFC 4648 section 4: alphabet, padding and zero pad bits)`,
    )
  }
  return der
}

/**
 * Decodes every PEM block in `text`, in order.
 *
 * Accepted around the payload: CRLF or LF line ends; explanatory text before, between and after blocks (RFC 7468
 * section 5.2), even on the BEGIN/END lines themselves (so `{"csr":"-----BEGIN ...-----\n"}` works); JSON escapes
 * (`\n`, `\r\n`, `\/`, `\uXXXX`, up to three levels); whitespace anywhere in the base64 (the lax parser of RFC 7468
 * section 3, which also reads a PEM collapsed onto one line). `NEW CERTIFICATE REQUEST` is returned as
 * `CERTIFICATE REQUEST` (RFC 7468 section 7); no other label is aliased.
 *
 * Throws PkiFormatError when the text is longer than 32 MiB (lib/limits.ts: room for a 16 MiB CRL; checked before
 * anything else), when there is no block, a BEGIN line without a matching END line, an END label that differs
 * from the BEGIN label, an empty body, headers (a legacy `Proc-Type` encrypted key is named as such), base64 that is
 * not strict, or when `o.label` is given and a block has another label. TypeError for wrong argument types,
 * PkiArgumentError (`field` `label`) when `o.label` is not a PEM label.
 *
 * Runs in linear time: only `indexOf` scans and non-backtracking patterns, so hostile input cannot stall it.
 *
 * @example
 * const [csr] = decodePem(response.csr, { label: 'CERTIFICATE REQUEST' })
 * const chain = decodePem(caChainPem).map((b) => b.der)
 */
export function decodePem(text: string, o?: { label?: string }): PemBlock[] {
  if (typeof text !== 'string') throw new TypeError('decodePem: text must be a string')
  if (o !== undefined && (typeof o !== 'object' || o === null)) throw new TypeError('decodePem: o must be an object')
  const wanted = o?.label
  if (wanted !== undefined) {
    if (typeof wanted !== 'string') throw new TypeError('decodePem: o.label must be a string')
    if (!isPemLabel(wanted)) throw new PkiArgumentError('label', 'o.label is not a PEM label (RFC 7468 section 3)')
  }
  const want = wanted === undefined ? undefined : canonicalLabel(wanted)
  checkSize(text, MAX_LIST_PEM_CHARS, 'a PEM text')

  const source = unescapeJson(text)
  const blocks: PemBlock[] = []
  let pos = 0
  for (;;) {
    const begin = source.indexOf(BEGIN, pos)
    if (begin < 0) break
    const labelStart = begin + BEGIN.length
    const labelEnd = source.indexOf(DASHES, labelStart)
    if (labelEnd < 0) throw new PkiFormatError('a -----BEGIN line is not closed by -----')
    const label = source.slice(labelStart, labelEnd)
    if (!isPemLabel(label)) {
      throw new PkiFormatError(`a -----BEGIN line has a malformed label (RFC 7468 section 3): ${show(label)}`)
    }
    const bodyStart = labelEnd + DASHES.length
    const end = source.indexOf(END, bodyStart)
    if (end < 0) throw new PkiFormatError(`the ${label} block has no -----END ${label}----- line`)
    const body = source.slice(bodyStart, end)
    // Searching only inside this body keeps the whole scan linear however many blocks there are.
    if (body.includes(BEGIN)) throw new PkiFormatError(`the ${label} block has no -----END ${label}----- line`)
    const endLabelStart = end + END.length
    const endLabelEnd = source.indexOf(DASHES, endLabelStart)
    if (endLabelEnd < 0) throw new PkiFormatError(`the -----END line of the ${label} block is not closed by -----`)
    const endLabel = source.slice(endLabelStart, endLabelEnd)
    // RFC 7468 section 2 lets parsers ignore the END label; we do not, because a mismatch means a cut-and-paste
    // accident that joined two different blocks.
    if (endLabel !== label) {
      throw new PkiFormatError(`the ${label} block ends with a different label: ${show(endLabel)}`)
    }
    const der = decodeBody(body, label)
    const canonical = canonicalLabel(label)
    if (want !== undefined && canonical !== want) {
      throw new PkiFormatError(`expected a ${want} PEM block, found ${label}`)
    }
    blocks.push({ label: canonical, der })
    pos = endLabelEnd + DASHES.length
  }
  if (blocks.length === 0) {
    throw new PkiFormatError(`no PEM block found (expected -----BEGIN ${want ?? '<label>'}-----)`)
  }
  return blocks
}

function show(label: string): string {
  return JSON.stringify(label.length > 80 ? `${label.slice(0, 80)}...` : label)
}
