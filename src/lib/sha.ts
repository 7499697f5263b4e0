/**
 * SHA-256 and SHA-1 (FIPS 180-4), synchronous. WebCrypto's digest is asynchronous, and parseCertificate, parseCsr
 * and parseCrl are synchronous yet report fingerprints, so we hash ourselves. SHA-1 is here because OpenSSL
 * (`openssl x509 -fingerprint`) and many consoles still show SHA-1 fingerprints, and for key identifiers (RFC 5280
 * 4.2.1.2 method 1, cert/create.ts: an identifier, not a security property); nothing is signed or trusted with it.
 * Whole blocks are hashed straight from the input; only the last one or two padded blocks are copied.
 */

/** FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K256 = Uint32Array.of(
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
)

/** One compression step: folds the 64-octet block at `offset` of `bytes` into `state`, using `w` as scratch. */
type Compress = (state: Uint32Array, w: Uint32Array, bytes: Uint8Array, offset: number) => void

function loadWords(w: Uint32Array, bytes: Uint8Array, offset: number): void {
  for (let t = 0; t < 16; t++) {
    const o = offset + t * 4
    w[t] =
      ((bytes[o] as number) << 24) |
      ((bytes[o + 1] as number) << 16) |
      ((bytes[o + 2] as number) << 8) |
      (bytes[o + 3] as number)
  }
}

const compress256: Compress = (state, w, bytes, offset) => {
  loadWords(w, bytes, offset)
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15] as number
    const y = w[t - 2] as number
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)
    w[t] = ((w[t - 16] as number) + s0 + (w[t - 7] as number) + s1) | 0
  }
  let a = state[0] as number
  let b = state[1] as number
  let c = state[2] as number
  let d = state[3] as number
  let e = state[4] as number
  let f = state[5] as number
  let g = state[6] as number
  let h = state[7] as number
  for (let t = 0; t < 64; t++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + (K256[t] as number) + (w[t] as number)) | 0
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0
    h = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = b
    b = a
    a = (t1 + t2) | 0
  }
  state[0] = (state[0] as number) + a
  state[1] = (state[1] as number) + b
  state[2] = (state[2] as number) + c
  state[3] = (state[3] as number) + d
  state[4] = (state[4] as number) + e
  state[5] = (state[5] as number) + f
  state[6] = (state[6] as number) + g
  state[7] = (state[7] as number) + h
}

const compress1: Compress = (state, w, bytes, offset) => {
  loadWords(w, bytes, offset)
  for (let t = 16; t < 80; t++) {
    const x = (w[t - 3] as number) ^ (w[t - 8] as number) ^ (w[t - 14] as number) ^ (w[t - 16] as number)
    w[t] = (x << 1) | (x >>> 31)
  }
  let a = state[0] as number
  let b = state[1] as number
  let c = state[2] as number
  let d = state[3] as number
  let e = state[4] as number
  for (let t = 0; t < 80; t++) {
    // FIPS 180-4 4.1.1 and 4.2.1: Ch, Parity, Maj, Parity over the four rounds of twenty.
    let f: number
    let k: number
    if (t < 20) {
      f = (b & c) | (~b & d)
      k = 0x5a827999
    } else if (t < 40) {
      f = b ^ c ^ d
      k = 0x6ed9eba1
    } else if (t < 60) {
      f = (b & c) | (b & d) | (c & d)
      k = 0x8f1bbcdc
    } else {
      f = b ^ c ^ d
      k = 0xca62c1d6
    }
    const temp = (((a << 5) | (a >>> 27)) + f + e + k + (w[t] as number)) | 0
    e = d
    d = c
    c = (b << 30) | (b >>> 2)
    b = a
    a = temp
  }
  state[0] = (state[0] as number) + a
  state[1] = (state[1] as number) + b
  state[2] = (state[2] as number) + c
  state[3] = (state[3] as number) + d
  state[4] = (state[4] as number) + e
}

/** The Merkle-Damgård driver shared by both: whole blocks in place, then the padding of FIPS 180-4 5.1.1. */
function digest(data: Uint8Array, initial: readonly number[], rounds: number, compress: Compress): Uint8Array {
  const state = Uint32Array.from(initial)
  const w = new Uint32Array(rounds)
  const whole = data.length - (data.length % 64)
  for (let offset = 0; offset < whole; offset += 64) compress(state, w, data, offset)
  // The rest, a 1 bit, zeros, and the message length in bits as a 64-bit big-endian number: one or two blocks.
  const rest = data.length - whole
  const tail = new Uint8Array(rest < 56 ? 64 : 128)
  tail.set(data.subarray(whole))
  tail[rest] = 0x80
  const bitsHigh = Math.floor(data.length / 0x20000000)
  const bitsLow = (data.length * 8) >>> 0
  const end = tail.length
  tail[end - 8] = bitsHigh >>> 24
  tail[end - 7] = bitsHigh >>> 16
  tail[end - 6] = bitsHigh >>> 8
  tail[end - 5] = bitsHigh
  tail[end - 4] = bitsLow >>> 24
  tail[end - 3] = bitsLow >>> 16
  tail[end - 2] = bitsLow >>> 8
  tail[end - 1] = bitsLow
  for (let offset = 0; offset < end; offset += 64) compress(state, w, tail, offset)
  const out = new Uint8Array(state.length * 4)
  for (let i = 0; i < state.length; i++) {
    const v = state[i] as number
    out[i * 4] = v >>> 24
    out[i * 4 + 1] = v >>> 16
    out[i * 4 + 2] = v >>> 8
    out[i * 4 + 3] = v
  }
  return out
}

/**
 * SHA-256 (FIPS 180-4 6.2) of `data`: 32 octets.
 *
 * @example
 * toHex(sha256(utf8('abc'))) // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export function sha256(data: Uint8Array): Uint8Array {
  // FIPS 180-4 5.3.3: the first 32 bits of the fractional parts of the square roots of the first 8 primes.
  return digest(
    data,
    [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19],
    64,
    compress256,
  )
}

/**
 * SHA-1 (FIPS 180-4 6.1) of `data`: 20 octets. For fingerprints only.
 *
 * @example
 * toHex(sha1(utf8('abc'))) // 'a9993e364706816aba3e25717850c26c9cd0d89d'
 */
export function sha1(data: Uint8Array): Uint8Array {
  // FIPS 180-4 5.3.1.
  return digest(data, [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0], 80, compress1)
}
