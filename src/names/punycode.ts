/**
 * Punycode (RFC 3492): the Bootstring parameters of section 5 and the encoder and decoder of section 6, over Unicode
 * code points (not UTF-16 units). Internal: callers go through {@link normalizeDnsName}.
 */

const BASE = 36
const TMIN = 1
const TMAX = 26
const SKEW = 38
const DAMP = 700
const INITIAL_BIAS = 72
const INITIAL_N = 0x80
// RFC 3492 6.4: the arithmetic must detect overflow; 32-bit limits keep us interoperable with other decoders.
const MAX_INT = 0x7fffffff

/** RFC 3492 6.1. */
function adapt(delta: number, numPoints: number, firstTime: boolean): number {
  let d = firstTime ? Math.floor(delta / DAMP) : Math.floor(delta / 2)
  d += Math.floor(d / numPoints)
  let k = 0
  while (d > ((BASE - TMIN) * TMAX) >> 1) {
    d = Math.floor(d / (BASE - TMIN))
    k += BASE
  }
  return k + Math.floor(((BASE - TMIN + 1) * d) / (d + SKEW))
}

function threshold(k: number, bias: number): number {
  return k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias
}

/** 0..25 -> a..z, 26..35 -> 0..9 (lower-case, as IDNA A-labels are compared lower-case). */
function encodeDigit(d: number): string {
  return String.fromCharCode(d < 26 ? 97 + d : 22 + d)
}

function decodeDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 22
  if (c >= 65 && c <= 90) return c - 65
  if (c >= 97 && c <= 122) return c - 97
  return BASE
}

/**
 * Encodes a string (one label) as Punycode, without the `xn--` prefix; null on overflow. Basic code points keep
 * their case (RFC 3492 5).
 *
 * @example
 * encodePunycode('bücher') // 'bcher-kva'
 */
export function encodePunycode(input: string): string | null {
  const points = Array.from(input, (c) => c.codePointAt(0) as number)
  let output = ''
  for (const p of points) if (p < 0x80) output += String.fromCharCode(p)
  const basic = output.length
  let handled = basic
  if (basic > 0) output += '-'
  let n = INITIAL_N
  let delta = 0
  let bias = INITIAL_BIAS
  while (handled < points.length) {
    let m = Number.POSITIVE_INFINITY
    for (const p of points) if (p >= n && p < m) m = p
    if (m - n > Math.floor((MAX_INT - delta) / (handled + 1))) return null
    delta += (m - n) * (handled + 1)
    n = m
    for (const p of points) {
      if (p < n && ++delta > MAX_INT) return null
      if (p !== n) continue
      let q = delta
      for (let k = BASE; ; k += BASE) {
        const t = threshold(k, bias)
        if (q < t) break
        output += encodeDigit(t + ((q - t) % (BASE - t)))
        q = Math.floor((q - t) / (BASE - t))
      }
      output += encodeDigit(q)
      bias = adapt(delta, handled + 1, handled === basic)
      delta = 0
      handled++
    }
    delta++
    n++
  }
  return output
}

/**
 * Decodes Punycode (without the `xn--` prefix); null when it is not valid Punycode (RFC 3492 6.2 failure cases,
 * plus surrogates and basic code points encoded as deltas, which no encoder produces).
 *
 * @example
 * decodePunycode('bcher-kva') // 'bücher'
 */
export function decodePunycode(input: string): string | null {
  const delimiter = input.lastIndexOf('-')
  const output: number[] = []
  for (let j = 0; j < Math.max(delimiter, 0); j++) {
    const c = input.charCodeAt(j)
    if (c >= 0x80) return null
    output.push(c)
  }
  let n = INITIAL_N
  let i = 0
  let bias = INITIAL_BIAS
  for (let at = delimiter > 0 ? delimiter + 1 : 0; at < input.length; ) {
    const oldi = i
    let w = 1
    for (let k = BASE; ; k += BASE) {
      if (at >= input.length) return null
      const digit = decodeDigit(input.charCodeAt(at++))
      if (digit >= BASE || digit > Math.floor((MAX_INT - i) / w)) return null
      i += digit * w
      const t = threshold(k, bias)
      if (digit < t) break
      if (w > Math.floor(MAX_INT / (BASE - t))) return null
      w *= BASE - t
    }
    const length = output.length + 1
    bias = adapt(i - oldi, length, oldi === 0)
    if (Math.floor(i / length) > MAX_INT - n) return null
    n += Math.floor(i / length)
    i %= length
    if (n < 0x80 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return null
    output.splice(i, 0, n)
    i++
  }
  return String.fromCodePoint(...output)
}
