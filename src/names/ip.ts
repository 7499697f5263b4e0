import { PkiArgumentError } from '../errors.ts'

// Decimal only, and no leading zeros: `010.0.0.1` is octal to inet_aton and decimal to others, so it is refused.
const IPV4_PART = /^(?:0|[1-9][0-9]{0,2})$/
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/
const IPV6_CHARS = /^[0-9a-fA-F:.]+$/

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.')
  if (parts.length !== 4) return null
  const out = new Uint8Array(4)
  for (let i = 0; i < 4; i++) {
    const part = parts[i] as string
    if (!IPV4_PART.test(part) || Number(part) > 255) return null
    out[i] = Number(part)
  }
  return out
}

function parseGroups(text: string): number[] | null {
  if (text === '') return []
  const groups: number[] = []
  for (const g of text.split(':')) {
    if (!IPV6_GROUP.test(g)) return null
    groups.push(Number.parseInt(g, 16))
  }
  return groups
}

/** RFC 4291 2.2: the preferred form, `::` compression (once, for one or more zero groups) and a trailing IPv4. */
function parseIpv6(text: string): Uint8Array | null {
  // Only hex digits, colons and dots: this also refuses zone ids (`%eth0`, RFC 4007 11), brackets and prefixes.
  if (!IPV6_CHARS.test(text)) return null
  let hex = text
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':')
    const v4 = parseIpv4(text.slice(lastColon + 1))
    if (v4 === null) return null
    const high = ((v4[0] as number) << 8) | (v4[1] as number)
    const low = ((v4[2] as number) << 8) | (v4[3] as number)
    hex = `${text.slice(0, lastColon + 1)}${high.toString(16)}:${low.toString(16)}`
  }
  const halves = hex.split('::')
  if (halves.length > 2) return null
  const head = parseGroups(halves[0] as string)
  const tail = halves.length === 2 ? parseGroups(halves[1] as string) : []
  if (head === null || tail === null) return null
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) return null
  const groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail]
  const out = new Uint8Array(16)
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8
    out[2 * i + 1] = g & 0xff
  })
  return out
}

/**
 * Parses an IP address literal: IPv4 dotted quad (four decimal parts 0..255, no leading zeros) or IPv6 in any
 * textual form of RFC 4291 2.2 (full, `::`-compressed, with a trailing dotted quad, any case). Zone ids, brackets,
 * prefixes and surrounding spaces are refused. Returns the 4 or 16 octets an iPAddress GeneralName holds
 * (RFC 5280 4.2.1.6), or null when the text is not such an address.
 *
 * @example
 * parseIp('192.168.0.1') // Uint8Array [192, 168, 0, 1]
 * parseIp('::ffff:1.2.3.4') // 16 octets, ending 0xff, 0xff, 1, 2, 3, 4
 * parseIp('fe80::1%eth0') // null
 */
export function parseIp(text: string): Uint8Array | null {
  if (typeof text !== 'string') throw new TypeError('the IP address must be a string')
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text)
}

/**
 * Formats 4 octets as a dotted quad and 16 octets as the canonical IPv6 text of RFC 5952 section 4: lower-case, no
 * leading zeros, the longest run (the first, on a tie) of two or more zero groups as `::`, and IPv4-mapped addresses
 * (`::ffff:0:0/96`) with a dotted quad (section 5). Any other length is a PkiArgumentError on `ip`.
 *
 * @example
 * formatIp(parseIp('2001:0DB8:0:0:0:0:0:0001') as Uint8Array) // '2001:db8::1'
 * formatIp(new Uint8Array([10, 0, 0, 1])) // '10.0.0.1'
 */
export function formatIp(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('the IP address must be a Uint8Array')
  if (bytes.length === 4) return bytes.join('.')
  if (bytes.length !== 16) throw new PkiArgumentError('ip', `an IP address is 4 or 16 octets, not ${bytes.length}`)
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${bytes.subarray(12).join('.')}`
  }
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] as number) << 8) | (bytes[2 * i + 1] as number))
  let bestStart = -1
  let bestLength = 1 // RFC 5952 4.2.2: `::` never stands for a single zero group
  for (let i = 0; i < 8; i++) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength) {
      bestStart = i
      bestLength = j - i
    }
    i = j
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':')
  if (bestStart < 0) return hex(groups)
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`
}
