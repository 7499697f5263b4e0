/** PEM encoding (RFC 7468): the textual form every certificate, CSR, CRL and key we hand out takes. */
import { PkiArgumentError } from '../errors.ts'
import { toBase64 } from '../lib/bytes.ts'

/**
 * RFC 7468 section 3: `label = [ labelchar *( ["-" / SP] labelchar ) ]`, `labelchar` is any printable ASCII character
 * except `-`. The grammar allows an empty label, but an empty label names no type, so we refuse it. The separators are
 * not labelchars, so this pattern cannot backtrack: it runs in linear time on any input.
 */
const LABEL = /^[\x21-\x2c\x2e-\x7e]+(?:[- ][\x21-\x2c\x2e-\x7e]+)*$/

/**
 * Whether `label` is a PEM label by the RFC 7468 section 3 grammar (and not empty). Internal: shared by encode and
 * decode, not exported from the package.
 *
 * @example
 * isPemLabel('CERTIFICATE REQUEST') // true
 * isPemLabel('BAD--LABEL') // false
 */
export function isPemLabel(label: string): boolean {
  return LABEL.test(label)
}

/**
 * Encodes DER as PEM (RFC 7468 section 2, the strict `stricttextualmsg` form of section 3): the BEGIN line, the base64
 * in lines of exactly 64 characters (the last may be shorter), the END line, each ended by `\n`.
 *
 * Throws TypeError when `label` is not a string or `der` not a Uint8Array, and PkiArgumentError (`field` `label` or
 * `der`) for a label outside the RFC 7468 grammar or empty DER.
 *
 * @example
 * const pem = encodePem('CERTIFICATE', der)
 * // '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n'
 */
export function encodePem(label: string, der: Uint8Array): string {
  if (typeof label !== 'string') throw new TypeError('encodePem: label must be a string')
  if (!(der instanceof Uint8Array)) throw new TypeError('encodePem: der must be a Uint8Array')
  if (!isPemLabel(label)) {
    throw new PkiArgumentError('label', `not a PEM label (RFC 7468 section 3): ${JSON.stringify(label.slice(0, 80))}`)
  }
  // An empty body is not a PEM we could read back (decodePem refuses it), so we never write one.
  if (der.length === 0) throw new PkiArgumentError('der', 'nothing to encode: der is empty')
  const b64 = toBase64(der)
  const lines: string[] = [`-----BEGIN ${label}-----`]
  // RFC 7468 section 2: generators MUST wrap the base64 at exactly 64 characters.
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64))
  lines.push(`-----END ${label}-----`, '')
  return lines.join('\n')
}
