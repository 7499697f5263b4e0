import { OID } from '../der/oid.ts'
import { PkiArgumentError } from '../errors.ts'
import { isCountryCode } from './country.ts'
import { normalizeDnsName } from './dns.ts'
import { normalizeEmail } from './email.ts'
import { parseIp } from './ip.ts'
import type { CheckedSubject, NameAttribute, NameAttributeType, X509Parameters } from './types.ts'

/**
 * The subject attributes in the order their RDNs are written (C, ST, L, street, O, OU, CN: most significant first,
 * as OpenSSL and the cloud CAs write them), with their OIDs (RFC 5280 appendix A, X.520) and the cloud CAs' limits.
 */
const ATTRIBUTES: readonly { type: NameAttributeType; oid: string; min: number; max: number }[] = [
  { type: 'country', oid: OID.country, min: 0, max: 2 },
  { type: 'stateProvince', oid: OID.stateProvince, min: 0, max: 128 },
  { type: 'locality', oid: OID.locality, min: 0, max: 128 },
  { type: 'streetAddress', oid: OID.streetAddress, min: 0, max: 128 },
  { type: 'organization', oid: OID.organization, min: 0, max: 64 },
  { type: 'organizationUnit', oid: OID.organizationUnit, min: 0, max: 128 },
  { type: 'commonName', oid: OID.commonName, min: 1, max: 64 },
]

/** Index of the first C0/C1 control character or unpaired surrogate (not encodable as UTF-8), or -1. */
function badCharacter(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return i
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (!(next >= 0xdc00 && next <= 0xdfff)) return i
      i++
    } else if (c >= 0xdc00 && c <= 0xdfff) return i
  }
  return -1
}

function checkCharacters(field: string, text: string): void {
  const at = badCharacter(text)
  if (at >= 0) throw new PkiArgumentError(field, `${field} holds a control character or broken UTF-16 at ${at}`)
}

function requireString(field: string, value: unknown, required: boolean): value is string {
  if (value === undefined && !required) return false
  if (typeof value !== 'string') throw new TypeError(`${field} must be a string`)
  return true
}

/** A checked attribute value, or null for an absent / empty optional one. */
function checkAttribute(type: NameAttributeType, value: string, min: number, max: number): string | null {
  checkCharacters(type, value)
  if (value === '' && min === 0) return null
  const text = value.trim().normalize('NFC')
  if (text === '') throw new PkiArgumentError(type, `${type} must not be blank`)
  if (type === 'country') {
    const code = text.toUpperCase()
    if (!isCountryCode(code)) throw new PkiArgumentError(type, 'country must be an assigned ISO 3166-1 alpha-2 code')
    return code
  }
  const length = Array.from(text).length
  if (length > max) throw new PkiArgumentError(type, `${type} must be ${min}..${max} characters, not ${length}`)
  return text
}

/**
 * The items of `altName` / `ip` with their index in the list as given. A comma-separated string is split on
 * commas; its items are trimmed and empty ones skipped (so `'a.example,'` and `''` are fine). In an array every item
 * must be a string that is not blank.
 */
function listItems(field: string, value: unknown): { text: string; index: number }[] {
  if (value === undefined) return []
  const fromString = typeof value === 'string'
  if (!fromString && !Array.isArray(value)) throw new TypeError(`${field} must be a string or an array of strings`)
  const items: unknown[] = fromString ? value.split(',') : Array.from(value as unknown[])
  const out: { text: string; index: number }[] = []
  items.forEach((item, index) => {
    const where = `${field}[${index}]`
    if (typeof item !== 'string') throw new TypeError(`${where} must be a string`)
    checkCharacters(where, item)
    const text = item.trim()
    if (text !== '') out.push({ text, index })
    else if (!fromString) throw new PkiArgumentError(where, `${where} must not be blank`)
  })
  return out
}

/** Whether the text is an IP literal, also in the forms people paste (`[::1]`, `fe80::1%eth0`). */
function looksLikeIp(text: string): boolean {
  return parseIp(text.replace(/^\[(.*)\]$/, '$1').replace(/%[^%]*$/, '')) !== null
}

/**
 * Validates subject parameters at the public boundary and returns them normalised: the subject attributes in RDN
 * order (C, ST, L, street, O, OU, CN; country as PrintableString per RFC 5280 appendix A, the rest UTF8String per
 * RFC 5280 4.1.2.4), and the alternative names: `altName` items sorted into DNS names (contains no `@`) and e-mail
 * addresses, `ip` items as 4 / 16 octets, each list deduplicated after normalisation, first occurrence kept.
 *
 * Values are checked for control characters, then trimmed and NFC-normalised; lengths count Unicode code points.
 * An optional attribute that is `undefined` or `''` is omitted; one that is blank after trimming is an error.
 * Unknown keys are ignored, as the platform ignores unknown dictionary members.
 *
 * Throws TypeError for wrong types (no object, a missing or non-string commonName, a non-string value or list item)
 * and PkiArgumentError for a bad value, `.field` naming it: `commonName`, ..., `country`, `altName[i]`, `ip[i]`
 * (`i` the index in the list as given, counting the empty items of a comma-separated string).
 *
 * @example
 * const s = checkX509Parameters({ commonName: 'web', altName: 'web.example.com, *.web.example.com, ops@example.com',
 *   ip: '10.0.0.8, 2001:DB8::8', organization: 'Example', country: 'gb' })
 * s.attributes.map((a) => a.value) // ['GB', 'Example', 'web']
 * s.dnsNames // ['web.example.com', '*.web.example.com']
 * s.emails // ['ops@example.com']
 * s.ips.length // 2 (4 and 16 octets)
 */
export function checkX509Parameters(p: X509Parameters): CheckedSubject {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    throw new TypeError('the subject parameters must be an object')
  }
  const record = p as unknown as Record<string, unknown>
  const attributes: NameAttribute[] = []
  for (const { type, oid, min, max } of ATTRIBUTES) {
    const value = record[type]
    if (!requireString(type, value, min > 0)) continue
    const text = checkAttribute(type, value, min, max)
    if (text !== null)
      attributes.push({ type, oid, value: text, stringType: type === 'country' ? 'printable' : 'utf8' })
  }

  // Sets for the deduplication: a list of n names costs O(n), not O(n^2) (Set keeps insertion order).
  const dnsNames = new Set<string>()
  const emails = new Set<string>()
  for (const { text, index } of listItems('altName', record.altName)) {
    const where = `altName[${index}]`
    if (text.includes('@')) {
      const email = normalizeEmail(text)
      if (email === null) throw new PkiArgumentError(where, `${where} is not a valid e-mail address`)
      emails.add(email)
      continue
    }
    // RFC 5280 4.2.1.6 / CA/B BR: an IP address goes in an iPAddress entry, never in a dNSName.
    if (looksLikeIp(text)) throw new PkiArgumentError(where, `${where} is an IP address: put it in ip`)
    const name = normalizeDnsName(text, { wildcard: true })
    if (name === null) throw new PkiArgumentError(where, `${where} is not a valid DNS name`)
    dnsNames.add(name)
  }

  const ips: Uint8Array[] = []
  const seen = new Set<string>()
  for (const { text, index } of listItems('ip', record.ip)) {
    const where = `ip[${index}]`
    const bytes = parseIp(text)
    if (bytes === null) {
      const why = text.includes('%') ? ' (zone ids are not allowed)' : ''
      throw new PkiArgumentError(where, `${where} is not an IPv4 or IPv6 address${why}`)
    }
    const key = bytes.join(',')
    if (!seen.has(key)) {
      seen.add(key)
      ips.push(bytes)
    }
  }
  return { attributes, dnsNames: [...dnsNames], emails: [...emails], ips }
}
