/**
 * ECDSA signatures in the two shapes we meet: WebCrypto signs and verifies the raw `r || s` form (each coordinate
 * left-padded to the curve size, W3C Web Cryptography API section 23.4 / IEEE P1363), while X.509, CSRs and CRLs carry
 * the DER `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` of RFC 3279 section 2.2.3 (RFC 5480 section 2.2 /
 * RFC 5758 section 3.2 for the SHA-2 algorithms). Both directions are strict: one signature has exactly one DER
 * encoding (X.690 section 10), so a parser that accepts BER variants makes signatures malleable.
 */
import { PkiArgumentError, PkiFormatError, PkiNotSupportedError } from '../errors.ts'
// The curve sizes come from the key type table. keys/types.ts imports only der/oid.ts and der/writer.ts, neither of
// which imports this file, so there is no import cycle.
import { findKeySpec, KEY_TYPE_SPECS, KEY_TYPES } from '../keys/types.ts'

const SEQUENCE = 0x30
const INTEGER = 0x02

/**
 * The byte length of one coordinate (and of r and s in a raw signature) on a WebCrypto named curve: 32 for P-256, 48
 * for P-384, 66 for P-521 (521 bits round up to 66 bytes). PkiNotSupportedError for any other curve.
 *
 * @example
 * const size = ecdsaCoordinateSize('P-384') // 48
 * const der = ecdsaRawToDer(new Uint8Array(await crypto.subtle.sign(params, key, data)), size)
 */
export function ecdsaCoordinateSize(namedCurve: 'P-256' | 'P-384' | 'P-521'): number {
  if (typeof namedCurve !== 'string') throw new TypeError('ecdsaCoordinateSize: namedCurve must be a string')
  const size = findKeySpec('ECDSA', { namedCurve })?.ecdsaSize
  if (size === undefined) throw new PkiNotSupportedError(`unsupported ECDSA curve: ${JSON.stringify(namedCurve)}`)
  return size
}

function checkArgs(bytes: unknown, size: unknown, name: string): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`)
  if (typeof size !== 'number') throw new TypeError('size must be a number')
  if (!KEY_TYPES.some((t) => KEY_TYPE_SPECS[t].ecdsaSize === size)) {
    throw new PkiArgumentError('size', `size must be 32 (P-256), 48 (P-384) or 66 (P-521), got ${size}`)
  }
}

/**
 * Reads one INTEGER at `offset` (X.690 section 8.3 with the DER rules of section 10.1 / 11) and writes its magnitude,
 * left-padded, into `out` at `at`. Returns the offset after it.
 */
function readInteger(
  der: Uint8Array,
  offset: number,
  limit: number,
  size: number,
  out: Uint8Array,
  at: number,
): number {
  const which = at === 0 ? 'r' : 's'
  if (offset + 2 > limit) throw new PkiFormatError(`ECDSA signature: ${which} is missing`)
  if (der[offset] !== INTEGER) throw new PkiFormatError(`ECDSA signature: ${which} is not an INTEGER`)
  const length = der[offset + 1] as number
  // An INTEGER of at most size + 1 (= 67) bytes always fits the short form; X.690 section 10.1 then forbids the
  // long form, and 0x80 (indefinite) is not allowed in DER at all.
  if (length > 0x7f) throw new PkiFormatError(`ECDSA signature: ${which} has a long-form or indefinite length`)
  if (length === 0) throw new PkiFormatError(`ECDSA signature: ${which} is an empty INTEGER`)
  const start = offset + 2
  const next = start + length
  if (next > limit) throw new PkiFormatError(`ECDSA signature: ${which} runs past the end of the sequence`)
  const first = der[start] as number
  // Two's complement (X.690 section 8.3.3): a set high bit is a negative number; r and s are in [1, n-1].
  if (first & 0x80) throw new PkiFormatError(`ECDSA signature: ${which} is negative`)
  let from = start
  if (first === 0) {
    if (length === 1) throw new PkiFormatError(`ECDSA signature: ${which} is zero`)
    // X.690 section 8.3.2: the first nine bits must not all be zero, so 0x00 only precedes a byte with its high bit
    // set.
    if (((der[start + 1] as number) & 0x80) === 0) {
      throw new PkiFormatError(`ECDSA signature: ${which} is not minimally encoded (needless leading zero)`)
    }
    from = start + 1
  }
  const width = next - from
  if (width > size) throw new PkiFormatError(`ECDSA signature: ${which} is wider than ${size} bytes`)
  out.set(der.subarray(from, next), at + size - width)
  return next
}

/**
 * Converts a DER `Ecdsa-Sig-Value` (RFC 3279 section 2.2.3) into WebCrypto's raw `r || s`, each `size` bytes
 * (see {@link ecdsaCoordinateSize}). Strict DER only (X.690 section 10): PkiFormatError for another outer tag, an
 * indefinite or non-minimal length (the outer length is the short form, or `0x81 nn` with nn >= 128, which only P-521
 * signatures need), bytes after the sequence or after s, r or s missing, empty, negative, zero, with a needless
 * leading 0x00 or wider than `size`. TypeError for wrong argument types, PkiArgumentError for a size other than 32,
 * 48 or 66. It does not check r, s < n: verification refuses those.
 *
 * @example
 * const raw = ecdsaDerToRaw(signatureFromCertificate, ecdsaCoordinateSize('P-256'))
 * const ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, raw, tbs)
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  checkArgs(der, size, 'der')
  if (der.length < 2 || der[0] !== SEQUENCE) throw new PkiFormatError('ECDSA signature: not a DER SEQUENCE')
  let length = der[1] as number
  let offset = 2
  if (length === 0x81) {
    // Long form with one length octet: DER (X.690 section 10.1) allows it only for lengths the short form cannot hold.
    if (der.length < 3) throw new PkiFormatError('ECDSA signature: truncated length')
    length = der[2] as number
    if (length < 0x80) throw new PkiFormatError('ECDSA signature: non-minimal (long-form) sequence length')
    offset = 3
  } else if (length > 0x7f) {
    // 0x80 is BER's indefinite form; 0x82 and up would mean at least 256 bytes (or a padded length), beyond any
    // signature of a curve WebCrypto has (P-521 at most 2 + 2 * 69 = 140 bytes).
    throw new PkiFormatError('ECDSA signature: indefinite or oversized sequence length')
  }
  const end = offset + length
  if (end > der.length) throw new PkiFormatError('ECDSA signature: truncated sequence')
  if (end < der.length) throw new PkiFormatError('ECDSA signature: trailing bytes after the sequence')
  const raw = new Uint8Array(2 * size)
  offset = readInteger(der, offset, end, size, raw, 0)
  offset = readInteger(der, offset, end, size, raw, size)
  if (offset !== end) throw new PkiFormatError('ECDSA signature: extra data inside the sequence after s')
  return raw
}

/** The DER INTEGER for a non-negative big-endian magnitude: leading zeros stripped, 0x00 added before a high bit. */
function integer(magnitude: Uint8Array): Uint8Array {
  let i = 0
  while (i < magnitude.length && magnitude[i] === 0) i++
  const body = magnitude.subarray(i)
  const pad = ((body[0] as number) & 0x80) !== 0 ? 1 : 0
  const out = new Uint8Array(2 + pad + body.length)
  out[0] = INTEGER
  out[1] = pad + body.length
  out.set(body, 2 + pad)
  return out
}

function isZero(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0) return false
  return true
}

/**
 * Converts WebCrypto's raw `r || s` (each `size` bytes) into the minimal DER `Ecdsa-Sig-Value` of RFC 3279 section
 * 2.2.3: INTEGERs without leading zeros except the 0x00 that keeps a set high bit positive, and the long-form length
 * `0x81 nn` when the content exceeds 127 bytes (P-521). PkiFormatError when `raw` is not 2 * `size` bytes or r or s is
 * zero; TypeError for wrong argument types, PkiArgumentError for a size other than 32, 48 or 66.
 *
 * @example
 * const raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, tbs))
 * const signatureValue = ecdsaRawToDer(raw, 32)
 */
export function ecdsaRawToDer(raw: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  checkArgs(raw, size, 'raw')
  if (raw.length !== 2 * size) {
    throw new PkiFormatError(`ECDSA signature: raw r||s must be ${2 * size} bytes, got ${raw.length}`)
  }
  const r = raw.subarray(0, size)
  const s = raw.subarray(size)
  // r and s lie in [1, n-1] (SEC 1 section 4.1.3); zero is never a signature, and would have no positive encoding.
  if (isZero(r) || isZero(s)) throw new PkiFormatError('ECDSA signature: r or s is zero')
  const ri = integer(r)
  const si = integer(s)
  const length = ri.length + si.length
  const header = length > 0x7f ? [SEQUENCE, 0x81, length] : [SEQUENCE, length]
  const out = new Uint8Array(header.length + length)
  out.set(header, 0)
  out.set(ri, header.length)
  out.set(si, header.length + ri.length)
  return out
}
