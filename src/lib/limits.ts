/**
 * Input size caps for everything pocket-ca reads from outside (PEM text and DER). They are checked before any
 * decoding, so a huge input fails at once with a PkiFormatError instead of costing memory and time first.
 * Nesting depth is capped separately by the DER reader (der/reader.ts, 64 levels).
 *
 * The caps are generous for real objects: a certificate with hundreds of SANs is well under 100 KiB, and the
 * largest public CRLs are a few MiB. They are not exported from the package: a caller needing more splits the input.
 */
import { PkiFormatError } from '../errors.ts'

/**
 * The largest DER certificate, CSR, private or public key we read: 1 MiB.
 *
 * @example
 * checkSize(der, MAX_DER_BYTES, 'a DER certificate')
 */
export const MAX_DER_BYTES = 1024 * 1024

/**
 * The largest DER CRL or PKCS#7 certificate bundle we read: 16 MiB (they grow with the number of entries).
 *
 * @example
 * checkSize(der, MAX_LIST_DER_BYTES, 'a DER CRL')
 */
export const MAX_LIST_DER_BYTES = 16 * 1024 * 1024

/**
 * The longest PEM text accepted where one certificate, CSR or key is expected: 2 MiB. Base64 takes 4 characters per
 * 3 octets plus a line break every 64, about 1.37 times the DER; the rest leaves room for explanatory text and JSON
 * escapes around the block (pem/decode.ts accepts both).
 *
 * @example
 * checkSize(text, MAX_PEM_CHARS, 'a certificate PEM text')
 */
export const MAX_PEM_CHARS = 2 * MAX_DER_BYTES

/**
 * The longest PEM text accepted for a CRL, a PKCS#7 bundle or any text with several blocks: 32 MiB.
 *
 * @example
 * checkSize(text, MAX_LIST_PEM_CHARS, 'a PEM text')
 */
export const MAX_LIST_PEM_CHARS = 2 * MAX_LIST_DER_BYTES

/**
 * Throws PkiFormatError when `input` (DER bytes or PEM text) is longer than `max` (octets or characters).
 *
 * @example
 * checkSize(der, MAX_DER_BYTES, 'a certificate') // throws for a 2 MiB input
 */
export function checkSize(input: string | Uint8Array, max: number, what: string): void {
  if (input.length > max) {
    const unit = typeof input === 'string' ? 'characters' : 'octets'
    throw new PkiFormatError(`${what} of ${input.length} ${unit} is over the limit of ${max}`)
  }
}
