/**
 * Matching the host a client connects to against a certificate (RFC 9525 section 6): DNS names against the SAN
 * dNSNames only, IP addresses against the SAN iPAddresses only; never the subject common name (RFC 9525 6.2.1 drops
 * the CN fallback, as browsers have).
 */
import { PkiArgumentError } from '../errors.ts'
import { bytesEqual } from '../lib/bytes.ts'
import { normalizeDnsName } from '../names/dns.ts'
import { parseIp } from '../names/ip.ts'

/**
 * The host name a caller asked for, as it is compared: lower case, IDN labels as A-labels (RFC 5891), one trailing
 * dot (an absolute name) dropped. PkiArgumentError on `dnsName` for anything that is not a host name, an IP address
 * literal included (those go in `ip`).
 *
 * @example
 * readHostName('Bücher.Example.') // 'xn--bcher-kva.example'
 */
export function readHostName(dnsName: unknown): string {
  if (typeof dnsName !== 'string') throw new TypeError('dnsName must be a string')
  const host = normalizeDnsName(dnsName.endsWith('.') ? dnsName.slice(0, -1) : dnsName)
  if (host === null) {
    const hint = parseIp(dnsName) ? ': an IP address goes in `ip`' : ''
    throw new PkiArgumentError('dnsName', `not a valid host name${hint}`)
  }
  return host
}

/**
 * The IP address a caller asked for, as octets. PkiArgumentError on `ip` for anything that is not an IPv4 or IPv6
 * address literal.
 *
 * @example
 * readIpAddress('::1').length // 16
 */
export function readIpAddress(ip: unknown): Uint8Array {
  if (typeof ip !== 'string') throw new TypeError('ip must be a string')
  const bytes = parseIp(ip)
  if (!bytes) throw new PkiArgumentError('ip', 'not a valid IPv4 or IPv6 address')
  return bytes
}

/**
 * Whether a presented dNSName matches a host (both lower-case ASCII after {@link readHostName}). RFC 9525 6.3: a
 * wildcard is only the whole left-most label and stands for exactly one label, so `*.example.com` matches
 * `a.example.com` but neither `example.com` nor `a.b.example.com`; `f*.example.com` and `*.com` match nothing
 * (we ask, as browsers do, for at least two labels after the wildcard).
 *
 * @example
 * matchesDnsName('*.example.com', 'a.example.com') // true
 * matchesDnsName('*.example.com', 'a.b.example.com') // false
 */
export function matchesDnsName(presented: string, host: string): boolean {
  const name = presented.toLowerCase()
  if (!name.includes('*')) return name === host
  if (!name.startsWith('*.')) return false
  const base = name.slice(2)
  if (base.includes('*') || !base.includes('.')) return false
  const dot = host.indexOf('.')
  return dot > 0 && host.slice(dot + 1) === base
}

/**
 * Whether one of the SAN iPAddresses is the address (same family, same octets; no IPv4-mapped equivalence).
 *
 * @example
 * matchesIp([Uint8Array.of(10, 0, 0, 1)], Uint8Array.of(10, 0, 0, 1)) // true
 */
export function matchesIp(presented: readonly Uint8Array[], ip: Uint8Array): boolean {
  return presented.some((p) => bytesEqual(p, ip))
}
