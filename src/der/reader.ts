/**
 * A strict reader for the few structures pocket-ca parses itself (PKCS#8, PBES2 parameters, CSR signature input)
 * and for the encoding check every parsed object goes through before the rich reader sees it. Every TLV it reads
 * has a minimal tag and a definite length in the minimal form (X.690 10.1), and lies within its parent; what
 * {@link assertDer} checks beyond that is listed there. It does not check every DER rule (not SET OF order, for one).
 */
import { PkiFormatError } from '../errors.ts'
import { fromLatin1 } from '../lib/bytes.ts'
import { decodeOid } from './oid.ts'

/** One decoded TLV: `bytes` is the whole encoding, `content` its value octets (both views into the input). */
export interface DerNode {
  tag: number
  constructed: boolean
  bytes: Uint8Array
  content: Uint8Array
}

/** Nesting deeper than this is refused, so hostile input cannot exhaust the stack. */
const MAX_DEPTH = 64

/**
 * The largest tag number read in the high-tag-number form: 2^29 - 1, BoringSSL's limit (CBS_ASN1_TAG_NUMBER_MASK).
 * X.509 itself uses no such tags, but they are valid DER and do occur inside opaque fields (an AlgorithmIdentifier's
 * parameters, say), which a parser must skip rather than refuse.
 */
const MAX_TAG_NUMBER = 2 ** 29 - 1

/**
 * The number of identifier octets at `offset`: 1, or more for the high-tag-number form (X.690 8.1.2.4), which must
 * be minimal (no leading 0x80 septet, a number of 31 or more: lower numbers take the one-octet form, X.690 8.1.2.2).
 */
function identifierLength(input: Uint8Array, offset: number): number {
  if (((input[offset] as number) & 0x1f) !== 0x1f) return 1
  let i = offset + 1
  let number = 0
  for (;;) {
    const octet = input[i]
    if (octet === undefined) throw new PkiFormatError('DER: truncated tag')
    if (i === offset + 1 && octet === 0x80) throw new PkiFormatError('DER: tag number not minimally encoded')
    number = number * 128 + (octet & 0x7f)
    if (number > MAX_TAG_NUMBER) throw new PkiFormatError('DER: tag number too large')
    i++
    if (!(octet & 0x80)) break
  }
  if (number < 31) throw new PkiFormatError('DER: a tag number under 31 must use the one-octet form')
  return i - offset
}

/**
 * Reads the TLV at `offset`; PkiFormatError for an indefinite or non-minimal length (X.690 10.1), a length over
 * 4 octets, a non-minimal high tag number, or a value that runs past the end of `input`. A high-tag-number
 * identifier (X.690 8.1.2.4) is read; its node's `tag` is the first identifier octet (low five bits all ones), which
 * no field we decode expects, so such a value is only ever skipped.
 *
 * @example
 * readNode(Uint8Array.of(0x05, 0x00)).tag // 5
 */
export function readNode(input: Uint8Array, offset = 0): DerNode {
  if (offset + 2 > input.length) throw new PkiFormatError('DER: truncated header')
  const tag = input[offset] as number
  const idLength = identifierLength(input, offset)
  if (offset + idLength + 1 > input.length) throw new PkiFormatError('DER: truncated header')
  let length = input[offset + idLength] as number
  let header = idLength + 1
  if (length === 0x80) throw new PkiFormatError('DER: indefinite length (BER) is not DER')
  if (length > 0x80) {
    const count = length & 0x7f
    if (count > 4) throw new PkiFormatError('DER: length too large')
    const at = offset + header
    if (at + count > input.length) throw new PkiFormatError('DER: truncated length')
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + (input[at + i] as number)
    if (input[at] === 0 || length < 0x80) throw new PkiFormatError('DER: length not minimally encoded')
    header += count
  }
  const end = offset + header + length
  if (end > input.length) throw new PkiFormatError('DER: value runs past the end of the input')
  return {
    tag,
    constructed: (tag & 0x20) !== 0,
    bytes: input.subarray(offset, end),
    content: input.subarray(offset + header, end),
  }
}

/**
 * Reads exactly one TLV spanning all of `input` (no trailing data).
 *
 * @example
 * readSingle(der) // throws PkiFormatError if bytes follow the first value
 */
export function readSingle(input: Uint8Array, expectedTag?: number): DerNode {
  const node = readNode(input, 0)
  if (node.bytes.length !== input.length) throw new PkiFormatError('DER: trailing data after the value')
  if (expectedTag !== undefined && node.tag !== expectedTag) {
    throw new PkiFormatError(`DER: expected tag 0x${expectedTag.toString(16)}, found 0x${node.tag.toString(16)}`)
  }
  return node
}

/**
 * The elements of a constructed value, in order.
 *
 * @example
 * children(readSingle(der, 0x30)).length
 */
export function children(node: DerNode): DerNode[] {
  if (!node.constructed) throw new PkiFormatError('DER: expected a constructed value')
  const out: DerNode[] = []
  let offset = 0
  while (offset < node.content.length) {
    const child = readNode(node.content, offset)
    out.push(child)
    offset += child.bytes.length
  }
  return out
}

/**
 * The elements of a SEQUENCE with an expected count range and tag.
 *
 * @example
 * const [version, key] = sequenceOf(node, 2, 3)
 */
export function sequenceOf(node: DerNode, min: number, max = min, tag = 0x30): DerNode[] {
  if (node.tag !== tag)
    throw new PkiFormatError(`DER: expected tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`)
  const items = children(node)
  if (items.length < min || items.length > max) throw new PkiFormatError('DER: unexpected number of elements')
  return items
}

function expectTag(node: DerNode, tag: number, what: string): void {
  if (node.tag !== tag) throw new PkiFormatError(`DER: expected ${what}`)
}

/**
 * A minimally encoded INTEGER that fits a safe JS number (versions, iteration counts, key lengths).
 *
 * @example
 * readSmallInteger(readSingle(Uint8Array.of(2, 1, 5))) // 5
 */
export function readSmallInteger(node: DerNode): number {
  const bytes = readIntegerBytes(node)
  if (bytes.length > 6 || (bytes[0] as number) & 0x80) throw new PkiFormatError('DER: integer out of range')
  let n = 0
  for (const b of bytes) n = n * 256 + b
  return n
}

/**
 * The content octets of an INTEGER after checking minimal encoding (X.690 8.3.2).
 *
 * @example
 * readIntegerBytes(readSingle(Uint8Array.of(2, 2, 0, 0x80))) // Uint8Array [0, 0x80]
 */
export function readIntegerBytes(node: DerNode): Uint8Array {
  expectTag(node, 0x02, 'an INTEGER')
  const c = node.content
  if (c.length === 0) throw new PkiFormatError('DER: empty INTEGER')
  if (c.length > 1 && ((c[0] === 0 && !((c[1] as number) & 0x80)) || (c[0] === 0xff && (c[1] as number) & 0x80))) {
    throw new PkiFormatError('DER: INTEGER not minimally encoded')
  }
  return c
}

/**
 * An OBJECT IDENTIFIER in dotted form.
 *
 * @example
 * readOid(readSingle(Uint8Array.of(6, 3, 0x55, 4, 3))) // '2.5.4.3'
 */
export function readOid(node: DerNode): string {
  expectTag(node, 0x06, 'an OBJECT IDENTIFIER')
  const dotted = decodeOid(node.content)
  if (!dotted) throw new PkiFormatError('DER: malformed OBJECT IDENTIFIER')
  return dotted
}

/**
 * The content of an OCTET STRING.
 *
 * @example
 * readOctetString(readSingle(Uint8Array.of(4, 1, 7))) // Uint8Array [7]
 */
export function readOctetString(node: DerNode): Uint8Array {
  expectTag(node, 0x04, 'an OCTET STRING')
  return node.content
}

/**
 * The bytes of a BIT STRING with no unused bits (keys, signatures).
 *
 * @example
 * readBitStringBytes(readSingle(Uint8Array.of(3, 2, 0, 7))) // Uint8Array [7]
 */
export function readBitStringBytes(node: DerNode): Uint8Array {
  expectTag(node, 0x03, 'a BIT STRING')
  if (node.content[0] !== 0) throw new PkiFormatError('DER: BIT STRING with unused bits where whole octets belong')
  return node.content.subarray(1)
}

/** UTF-8 that keeps a leading U+FEFF (the default decoder would drop it) and throws on malformed input. */
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * X.680 41.4: the PrintableString alphabet (letters, digits, space and ' ( ) + , - . / : = ?), plus `*`, which
 * BoringSSL accepts too because wildcard common names (`*.example.com`) are so often written as PrintableString.
 * Anything else (`&`, `@`, `_`, non-ASCII) is refused, as BoringSSL does.
 */
const PRINTABLE = /^[A-Za-z0-9 '()*+,\-./:=?]*$/

/** The universal tags {@link readString} decodes. */
const STRING_TAGS = new Set([0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e])

/**
 * Whether `tag` is a string type {@link readString} decodes (UTF8String, NumericString, PrintableString,
 * TeletexString, IA5String, VisibleString, UniversalString, BMPString).
 *
 * @example
 * isStringTag(0x0c) // true
 */
export function isStringTag(tag: number): boolean {
  return STRING_TAGS.has(tag)
}

function decodeUtf16or32(content: Uint8Array, width: 2 | 4, what: string): string {
  if (content.length % width) throw new PkiFormatError(`DER: ${what} length is not a multiple of ${width}`)
  const units: string[] = []
  for (let i = 0; i < content.length; i += width) {
    let cp = 0
    for (let j = 0; j < width; j++) cp = cp * 256 + (content[i + j] as number)
    // BMPString is UCS-2 and UniversalString UCS-4 (X.680 41): no surrogates, nothing past U+10FFFF.
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) throw new PkiFormatError(`DER: invalid ${what} character`)
    units.push(String.fromCodePoint(cp))
  }
  return units.join('')
}

/**
 * Decodes a text string value: UTF8String (strict UTF-8), PrintableString (its X.680 alphabet, plus `*`),
 * IA5String (ASCII), NumericString (digits and space), VisibleString (printable ASCII), TeletexString (read as Latin-1, as OpenSSL and BoringSSL do), BMPString (UCS-2 big-endian),
 * UniversalString (UCS-4 big-endian). PkiFormatError for other tags or malformed content.
 *
 * @example
 * readString(readSingle(Uint8Array.of(0x0c, 2, 0xc3, 0xa9))) // 'é'
 */
export function readString(node: DerNode): string {
  const c = node.content
  switch (node.tag) {
    case 0x0c:
      try {
        return utf8Decoder.decode(c)
      } catch (e) {
        throw new PkiFormatError('DER: malformed UTF8String', { cause: e })
      }
    case 0x13: {
      const text = fromLatin1(c)
      if (!PRINTABLE.test(text)) throw new PkiFormatError('DER: a PrintableString holds a character outside its set')
      return text
    }
    case 0x16:
      if (c.some((b) => b > 0x7f)) throw new PkiFormatError('DER: non-ASCII octet in an IA5String')
      return fromLatin1(c)
    // NumericString and VisibleString are rare in names, but a reader that kept them opaque would let a subject
    // slip past a directoryName or e-mail constraint by its string type (RFC 5280 7.1 compares values, not types).
    case 0x12:
      if (c.some((b) => b !== 0x20 && (b < 0x30 || b > 0x39)))
        throw new PkiFormatError('DER: a NumericString holds a non-digit')
      return fromLatin1(c)
    case 0x1a:
      if (c.some((b) => b < 0x20 || b > 0x7e))
        throw new PkiFormatError('DER: a VisibleString holds a non-printing octet')
      return fromLatin1(c)
    case 0x14:
      return fromLatin1(c)
    case 0x1e:
      return decodeUtf16or32(c, 2, 'BMPString')
    case 0x1c:
      return decodeUtf16or32(c, 4, 'UniversalString')
    default:
      throw new PkiFormatError(`DER: tag 0x${node.tag.toString(16)} is not a supported string type`)
  }
}

/**
 * Walks a whole encoding and throws PkiFormatError unless it passes exactly these checks (a subset of DER, X.690
 * section 10; other rules are left to whoever decodes the value):
 * - one value spanning the whole input; every constructed value exactly filled by its children;
 * - minimal tags (X.690 8.1.2); definite lengths in the minimal form (X.690 10.1);
 * - no constructed encoding of a string type (X.690 10.2);
 * - BOOLEAN one octet, 00 or FF (X.690 11.1); NULL empty;
 * - INTEGER non-empty and minimal (X.690 8.3.2);
 * - OBJECT IDENTIFIER minimal, and within the size limits of `decodeOid`;
 * - BIT STRING unused-bit count 0..7, 0 when empty, padding bits zero (X.690 11.2.1);
 * - nesting at most 64 deep.
 * Not checked: SET OF order (X.690 11.6), omission of DEFAULT values (X.690 11.5), string contents and time
 * formats. OCTET STRINGs are not opened (their content is checked by whoever decodes it).
 *
 * @example
 * assertDer(csrDer) // throws on a BER-only encoding
 */
export function assertDer(input: Uint8Array): void {
  walk(readSingle(input), 0)
}

/** X.690 10.2: DER forbids the constructed form of strings (BIT, OCTET, UTF8, Printable, T61, IA5, BMP). */
const CONSTRUCTED_STRING_TAGS = new Set([0x23, 0x24, 0x2c, 0x33, 0x34, 0x36, 0x3e])

function walk(node: DerNode, depth: number): void {
  if (depth > MAX_DEPTH) throw new PkiFormatError('DER: nested too deeply')
  if (node.constructed) {
    if (CONSTRUCTED_STRING_TAGS.has(node.tag)) {
      throw new PkiFormatError('DER: constructed string encoding is BER, not DER')
    }
    for (const child of children(node)) walk(child, depth + 1)
    return
  }
  switch (node.tag) {
    case 0x01:
      if (node.content.length !== 1 || (node.content[0] !== 0 && node.content[0] !== 0xff)) {
        throw new PkiFormatError('DER: BOOLEAN must be one octet, 00 or FF')
      }
      return
    case 0x02:
      readIntegerBytes(node)
      return
    case 0x03: {
      const unused = node.content[0]
      if (unused === undefined || unused > 7 || (unused > 0 && node.content.length === 1)) {
        throw new PkiFormatError('DER: malformed BIT STRING')
      }
      const last = node.content[node.content.length - 1] as number
      if (unused > 0 && last & ((1 << unused) - 1)) throw new PkiFormatError('DER: BIT STRING padding bits not zero')
      return
    }
    case 0x05:
      if (node.content.length !== 0) throw new PkiFormatError('DER: NULL with content')
      return
    case 0x06:
      readOid(node)
      return
  }
}
