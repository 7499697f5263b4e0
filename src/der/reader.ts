/**
 * A strict reader for the few structures pocket-ca parses itself (PKCS#8, PBES2 parameters, CSR signature input)
 * and for the encoding check every parsed object goes through before the rich reader sees it. Every TLV it reads
 * has a single-octet tag and a definite length in the minimal form (X.690 10.1), and lies within its parent; what
 * {@link assertDer} checks beyond that is listed there. It does not check every DER rule (not SET OF order, for one).
 */
import { PkiFormatError } from '../errors.ts'
import { fromLatin1, fromUtf8 } from '../lib/bytes.ts'
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
 * Reads the TLV at `offset`; PkiFormatError for a multi-octet tag, an indefinite or non-minimal length (X.690
 * 10.1), a length over 4 octets, or a value that runs past the end of `input`.
 *
 * @example
 * readNode(Uint8Array.of(0x05, 0x00)).tag // 5
 */
export function readNode(input: Uint8Array, offset = 0): DerNode {
  if (offset + 2 > input.length) throw new PkiFormatError('DER: truncated header')
  const tag = input[offset] as number
  if ((tag & 0x1f) === 0x1f) throw new PkiFormatError('DER: multi-octet tags are not used in X.509')
  let length = input[offset + 1] as number
  let header = 2
  if (length === 0x80) throw new PkiFormatError('DER: indefinite length (BER) is not DER')
  if (length > 0x80) {
    const count = length & 0x7f
    if (count > 4) throw new PkiFormatError('DER: length too large')
    if (offset + 2 + count > input.length) throw new PkiFormatError('DER: truncated length')
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + (input[offset + 2 + i] as number)
    if (input[offset + 2] === 0 || length < 0x80) throw new PkiFormatError('DER: length not minimally encoded')
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

/**
 * Decodes a text string value: UTF8String (strict UTF-8), PrintableString and IA5String (ASCII octets only),
 * BMPString (UTF-16BE, even length), TeletexString (read as Latin-1, as OpenSSL does). PkiFormatError for other tags
 * or malformed content. PrintableString's narrower alphabet (X.680 41.4) is not checked.
 *
 * @example
 * readString(readSingle(Uint8Array.of(0x0c, 2, 0xc3, 0xa9))) // 'é'
 */
export function readString(node: DerNode): string {
  try {
    switch (node.tag) {
      case 0x0c:
        return fromUtf8(node.content)
      case 0x13:
      case 0x16:
        if (node.content.some((b) => b > 0x7f)) throw new PkiFormatError('DER: non-ASCII octet in an ASCII string')
        return fromUtf8(node.content)
      case 0x14:
        return fromLatin1(node.content)
      case 0x1e: {
        if (node.content.length % 2) throw new PkiFormatError('DER: odd-length BMPString')
        let s = ''
        for (let i = 0; i < node.content.length; i += 2) {
          s += String.fromCharCode(((node.content[i] as number) << 8) | (node.content[i + 1] as number))
        }
        return s
      }
      default:
        throw new PkiFormatError(`DER: tag 0x${node.tag.toString(16)} is not a supported string type`)
    }
  } catch (e) {
    if (e instanceof PkiFormatError) throw e
    throw new PkiFormatError('DER: malformed string', { cause: e })
  }
}

/**
 * Walks a whole encoding and throws PkiFormatError unless it passes exactly these checks (a subset of DER, X.690
 * section 10; other rules are left to whoever decodes the value):
 * - one value spanning the whole input; every constructed value exactly filled by its children;
 * - single-octet tags; definite lengths in the minimal form (X.690 10.1);
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

function walk(node: DerNode, depth: number): void {
  if (depth > MAX_DEPTH) throw new PkiFormatError('DER: nested too deeply')
  if (node.constructed) {
    // X.690 10.2: DER forbids the constructed form of strings (tags 0x23, 0x24, 0x2c, 0x33, 0x34, 0x36, 0x3e).
    if ([0x23, 0x24, 0x2c, 0x33, 0x34, 0x36, 0x3e].includes(node.tag)) {
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
