/**
 * A small DER writer (X.690 section 10): every function returns the complete encoding of one value, so building a
 * structure is plain nesting of calls. This is the only code that creates DER in pocket-ca (DESIGN.md principle 2).
 */
import { concatBytes, utf8, utf16be } from '../lib/bytes.ts'

/** Universal tags used by the writer (X.680 section 8.4). */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const

/**
 * The DER length octets: short form below 128, else the minimal long form (X.690 section 10.1).
 *
 * @example
 * encodeLength(5)   // 05
 * encodeLength(300) // 82 01 2C
 */
export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length)
  if (length < 0x100) return Uint8Array.of(0x81, length)
  if (length < 0x10000) return Uint8Array.of(0x82, length >> 8, length & 0xff)
  if (length < 0x1000000) return Uint8Array.of(0x83, length >> 16, (length >> 8) & 0xff, length & 0xff)
  return Uint8Array.of(0x84, length >>> 24, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff)
}

/**
 * One tag-length-value with a single-octet tag, written into one allocation.
 *
 * @example
 * tlv(0x04, Uint8Array.of(1, 2)) // 04 02 01 02
 */
export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  let length = 0
  for (const c of contents) length += c.length
  const header = length < 0x80 ? 2 : length < 0x100 ? 3 : length < 0x10000 ? 4 : length < 0x1000000 ? 5 : 6
  const out = new Uint8Array(header + length)
  out[0] = tag
  out.set(encodeLength(length), 1)
  let offset = header
  for (const c of contents) {
    out.set(c, offset)
    offset += c.length
  }
  return out
}

/**
 * SEQUENCE of already-encoded elements.
 *
 * @example
 * sequence(integer(1), nullValue()) // 30 05 02 01 01 05 00
 */
export function sequence(...elements: Uint8Array[]): Uint8Array {
  return tlv(TAG.SEQUENCE, ...elements)
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
  return a.length - b.length
}

/**
 * SET OF: DER sorts the encoded elements as octet strings, shorter first when one is a prefix (X.690 11.6).
 *
 * @example
 * setOf([integer(2), integer(1)]) // 31 06 02 01 01 02 01 02
 */
export function setOf(elements: readonly Uint8Array[]): Uint8Array {
  return tlv(TAG.SET, ...derSetOrder(elements))
}

/**
 * The elements of a SET OF in DER order (X.690 11.6), for a SET written under another tag (IMPLICIT), such as a
 * CSR's `attributes [0] IMPLICIT SET OF Attribute`.
 *
 * @example
 * contextTag(0, true, ...derSetOrder(attributes))
 */
export function derSetOrder(elements: readonly Uint8Array[]): Uint8Array[] {
  return [...elements].sort(compareBytes)
}

/**
 * Context-specific tag `[n]`: constructed for EXPLICIT tagging or constructed IMPLICIT types, primitive otherwise.
 * `contents` are the inner encodings (EXPLICIT) or the content octets (IMPLICIT).
 *
 * @example
 * contextTag(0, true, integer(2)) // A0 03 02 01 02: the [0] EXPLICIT version of a certificate
 */
export function contextTag(n: number, constructed: boolean, ...contents: Uint8Array[]): Uint8Array {
  return tlv(0x80 | (constructed ? 0x20 : 0) | n, ...contents)
}

/**
 * INTEGER from a non-negative number or bigint, or from big-endian unsigned magnitude bytes, minimally encoded
 * (X.690 8.3.2: no redundant leading 00, a 00 added when the high bit would read as a sign).
 *
 * @example
 * integer(128) // 02 02 00 80
 */
export function integer(value: number | bigint | Uint8Array): Uint8Array {
  return tlv(TAG.INTEGER, integerContent(value))
}

/** The content octets of a non-negative INTEGER (shared with IMPLICIT-tagged integers). */
export function integerContent(value: number | bigint | Uint8Array): Uint8Array {
  let bytes: Uint8Array
  if (value instanceof Uint8Array) {
    bytes = value
  } else {
    let n = BigInt(value)
    if (n < 0n) throw new RangeError('the DER writer encodes non-negative integers only')
    const digits: number[] = []
    do {
      digits.unshift(Number(n & 0xffn))
      n >>= 8n
    } while (n > 0n)
    bytes = Uint8Array.from(digits)
  }
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0) start++
  const trimmed = bytes.subarray(start)
  if (trimmed.length === 0) return Uint8Array.of(0)
  return (trimmed[0] as number) & 0x80 ? concatBytes([Uint8Array.of(0), trimmed]) : trimmed
}

/**
 * ENUMERATED (as CRLReason is), a small non-negative value.
 *
 * @example
 * enumerated(1) // 0A 01 01: keyCompromise
 */
export function enumerated(value: number): Uint8Array {
  return tlv(TAG.ENUMERATED, integerContent(value))
}

const TRUE = Uint8Array.of(TAG.BOOLEAN, 1, 0xff)
const FALSE = Uint8Array.of(TAG.BOOLEAN, 1, 0x00)
const NULL = Uint8Array.of(TAG.NULL, 0)

/**
 * BOOLEAN: DER writes TRUE as FF (X.690 11.1). Callers omit DEFAULT FALSE fields rather than write FALSE.
 *
 * @example
 * boolean(true) // 01 01 FF
 */
export function boolean(value: boolean): Uint8Array {
  return value ? TRUE : FALSE
}

/**
 * NULL, as the parameters of RSA algorithm identifiers (RFC 4055 section 5).
 *
 * @example
 * nullValue() // 05 00
 */
export function nullValue(): Uint8Array {
  return NULL
}

/**
 * OCTET STRING.
 *
 * @example
 * octetString(Uint8Array.of(1)) // 04 01 01
 */
export function octetString(bytes: Uint8Array): Uint8Array {
  return tlv(TAG.OCTET_STRING, bytes)
}

/**
 * BIT STRING with `unusedBits` trailing bits unused (0 for keys and signatures).
 *
 * @example
 * bitString(Uint8Array.of(0x86), 1) // 03 02 01 86
 */
export function bitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  return tlv(TAG.BIT_STRING, Uint8Array.of(unusedBits), bytes)
}

/**
 * A named-bit BIT STRING such as KeyUsage: DER drops trailing zero bits (X.690 11.2.2).
 * `bits` lists the bit numbers set (bit 0 is the most significant bit of the first octet).
 *
 * @example
 * namedBits([0, 5, 6]) // 03 02 01 86: digitalSignature, keyCertSign, cRLSign
 */
export function namedBits(bits: readonly number[]): Uint8Array {
  if (bits.length === 0) return Uint8Array.of(TAG.BIT_STRING, 1, 0)
  const highest = Math.max(...bits)
  const bytes = new Uint8Array((highest >> 3) + 1)
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] as number) | (0x80 >> (bit & 7))
  return bitString(bytes, 7 - (highest & 7))
}

/**
 * UTF8String.
 *
 * @example
 * utf8String('é') // 0C 02 C3 A9
 */
export function utf8String(text: string): Uint8Array {
  return tlv(TAG.UTF8_STRING, utf8(text))
}

/**
 * PrintableString; the caller has checked the characters (X.680 41.4).
 *
 * @example
 * printableString('US') // 13 02 55 53
 */
export function printableString(text: string): Uint8Array {
  return tlv(TAG.PRINTABLE_STRING, utf8(text))
}

/**
 * BMPString (UCS-2 big-endian, X.680 41); the caller has checked that every character lies in the Basic
 * Multilingual Plane (no surrogates), as PKCS#9 friendlyName wants it (RFC 2985 5.5.1).
 *
 * @example
 * bmpString('é') // 1E 02 00 E9
 */
export function bmpString(text: string): Uint8Array {
  return tlv(TAG.BMP_STRING, utf16be(text))
}
