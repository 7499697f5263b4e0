/**
 * The few DER readings the bench needs to prepare inputs for the bare WebCrypto line (outside the timed loops),
 * kept here so the bench does not depend on src/ internals.
 */

/** One TLV: its tag, its whole encoding and its contents. */
export interface Tlv {
  tag: number
  bytes: Uint8Array
  content: Uint8Array
}

/** Reads the TLV at `offset` (definite lengths only, as DER has). */
export function readTlv(der: Uint8Array, offset = 0): Tlv {
  const tag = der[offset] as number
  let length = der[offset + 1] as number
  let start = offset + 2
  if (length & 0x80) {
    const count = length & 0x7f
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + (der[start + i] as number)
    start += count
  }
  return { tag, bytes: der.subarray(offset, start + length), content: der.subarray(start, start + length) }
}

/** The elements of a constructed TLV's contents. */
export function childrenOf(tlv: Tlv): Tlv[] {
  const out: Tlv[] = []
  let offset = 0
  while (offset < tlv.content.length) {
    const child = readTlv(tlv.content, offset)
    out.push(child)
    offset += child.bytes.length
  }
  return out
}

/** The DER of the first PEM block in `pem`. */
export function pemDer(pem: string): Uint8Array {
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
  return new Uint8Array(Buffer.from(body, 'base64'))
}

/** A DER Ecdsa-Sig-Value as WebCrypto's r||s, each `size` octets. */
export function ecdsaRaw(der: Uint8Array, size: number): Uint8Array {
  const [r, s] = childrenOf(readTlv(der)) as [Tlv, Tlv]
  const out = new Uint8Array(2 * size)
  const put = (int: Uint8Array, at: number) => {
    const v = int[0] === 0 ? int.subarray(1) : int
    out.set(v, at + size - v.length)
  }
  put(r.content, 0)
  put(s.content, size)
  return out
}
