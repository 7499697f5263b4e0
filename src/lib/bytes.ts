/** Internal byte helpers shared by the DER writer, PEM and key code. Not exported from the package. */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/**
 * Concatenates byte arrays into one new array.
 *
 * @example
 * concatBytes([Uint8Array.of(1), Uint8Array.of(2, 3)]) // Uint8Array [1, 2, 3]
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

/**
 * Lower-case hex, no separators.
 *
 * @example
 * toHex(Uint8Array.of(0x0a, 0xff)) // '0aff'
 */
export function toHex(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += HEX[b]
  return s
}

/**
 * Parses hex (even length; `:` separators are allowed and ignored); TypeError for anything else.
 *
 * @example
 * fromHex('0a:FF') // Uint8Array [0x0a, 0xff]
 */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/:/g, '')
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new TypeError('not a hex string')
  const out = new Uint8Array(clean.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16)
  return out
}

const B64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const B64_INDEX = new Int16Array(128).fill(-1)
for (let i = 0; i < B64_CHARS.length; i++) B64_INDEX[B64_CHARS.charCodeAt(i)] = i

/**
 * Standard base64 with padding (RFC 4648 section 4).
 *
 * @example
 * toBase64(Uint8Array.of(1, 2)) // 'AQI='
 */
export function toBase64(bytes: Uint8Array): string {
  // btoa (every runtime we support has it) over Latin-1 text is several times faster than building base64 in JS.
  return btoa(fromLatin1(bytes))
}

/**
 * Strict base64: only the standard alphabet, length a multiple of 4, padding only at the end, and zero bits where
 * the padding cuts a character (so one text has one meaning). Returns null when the text is not such base64.
 *
 * @example
 * fromBase64('AQI=') // Uint8Array [1, 2]
 * fromBase64('AQJ=') // null: nonzero padding bits
 */
export function fromBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const out = new Uint8Array((text.length / 4) * 3 - pad)
  let o = 0
  for (let i = 0; i < text.length; i += 4) {
    let n = 0
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j)
      const last = i + 4 === text.length
      if (c === 61 /* = */ && last && j >= 4 - pad) {
        n <<= 6
        continue
      }
      const v = c < 128 ? (B64_INDEX[c] as number) : -1
      if (v < 0) return null
      n = (n << 6) | v
    }
    out[o++] = n >> 16
    if (o < out.length) out[o++] = (n >> 8) & 255
    else if (pad === 2 && (n & 0xffff) !== 0) return null
    if (o < out.length) out[o++] = n & 255
    else if (pad === 1 && (n & 0xff) !== 0) return null
  }
  return out
}

/** Octets per String.fromCharCode call: spreading a whole large array would overflow the stack (RangeError). */
const CHUNK = 0x2000

/**
 * Decodes octets as ISO 8859-1, each octet the code point of the same value (U+0000..U+00FF). Not
 * `TextDecoder('latin1')`, which the WHATWG Encoding Standard maps to windows-1252 (0x80..0x9F differ). Works in
 * chunks, so any length decodes.
 *
 * @example
 * fromLatin1(Uint8Array.of(0x61, 0xe9)) // 'aé'
 */
export function fromLatin1(bytes: Uint8Array): string {
  let s = ''
  // apply, not spread: V8 spreads a typed array element by element (~7x slower for a certificate's bytes).
  for (let i = 0; i < bytes.length; i += CHUNK) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[])
  }
  return s
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * UTF-8 encoding of a string.
 *
 * @example
 * utf8('é') // Uint8Array [0xc3, 0xa9]
 */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/**
 * Strict UTF-8 decoding: throws TypeError on malformed input.
 *
 * @example
 * fromUtf8(Uint8Array.of(0xc3, 0xa9)) // 'é'
 */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

/**
 * Constant-shape comparison of two byte arrays (no early exit on the first difference).
 *
 * @example
 * bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2)) // true
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number)
  return diff === 0
}

/**
 * The bytes as a WebCrypto BufferSource without copying (TypeScript's DOM types refuse a view that might sit on a
 * SharedArrayBuffer); a copy only when it really does.
 *
 * @example
 * await crypto.subtle.digest('SHA-256', bufferSource(der))
 */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes)
}

/**
 * UTF-16 big-endian code units of a string, as PKCS#12 writes passwords and BMPString holds text (RFC 7292
 * appendix B.1); characters past U+FFFF become surrogate pairs, as OpenSSL's OPENSSL_utf82uni makes them.
 *
 * @example
 * utf16be('é') // Uint8Array [0x00, 0xe9]
 */
export function utf16be(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2)
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    out[i * 2] = unit >> 8
    out[i * 2 + 1] = unit & 0xff
  }
  return out
}
