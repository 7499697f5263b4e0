/** Checking the name constraints a caller asks a CA to carry (RFC 5280 4.2.1.10) and encoding helpers for them. */
import { PkiArgumentError } from '../errors.ts'
import { normalizeDnsName } from '../names/dns.ts'
import { normalizeEmail } from '../names/email.ts'
import { parseIp } from '../names/ip.ts'
import type { NameAttribute } from '../names/types.ts'
import type { DirectoryNameConstraint, NameConstraints } from './types.ts'

const DIRECTORY_FIELDS: readonly [keyof DirectoryNameConstraint, string][] = [
  ['country', '2.5.4.6'],
  ['stateProvince', '2.5.4.8'],
  ['locality', '2.5.4.7'],
  ['streetAddress', '2.5.4.9'],
  ['organization', '2.5.4.10'],
  ['organizationUnit', '2.5.4.11'],
  ['commonName', '2.5.4.3'],
]

/**
 * A CIDR range as the iPAddress constraint encodes it: address and mask, 4+4 or 16+16 octets; null if malformed
 * or if the address has bits set outside the mask.
 *
 * @example
 * parseCidr('10.0.0.0/8') // { address: [10,0,0,0], mask: [255,0,0,0] }
 */
export function parseCidr(text: string): { address: Uint8Array; mask: Uint8Array } | null {
  const slash = text.lastIndexOf('/')
  if (slash < 0) return null
  const address = parseIp(text.slice(0, slash))
  const prefixText = text.slice(slash + 1)
  if (!address || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return null
  const prefix = Number(prefixText)
  if (prefix > address.length * 8) return null
  const mask = new Uint8Array(address.length)
  for (let bit = 0; bit < prefix; bit++) mask[bit >> 3] = (mask[bit >> 3] as number) | (0x80 >> (bit & 7))
  if (address.some((b, i) => (b & ~(mask[i] as number)) !== 0)) return null
  return { address, mask }
}

/**
 * The RDN attributes of a directory-name constraint, most significant first.
 *
 * @example
 * directoryNameAttributes({ country: 'GB', organization: 'Example' })
 */
export function directoryNameAttributes(d: DirectoryNameConstraint): NameAttribute[] {
  const out: NameAttribute[] = []
  for (const [type, oid] of DIRECTORY_FIELDS) {
    const value = d[type]
    if (value === undefined) continue
    out.push({ type, oid, value, stringType: type === 'country' ? 'printable' : 'utf8' })
  }
  return out
}

function list(field: string, value: unknown): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new TypeError(`${field} must be an array of strings`)
  return value.map((v, i) => {
    if (typeof v !== 'string') throw new TypeError(`${field}[${i}] must be a string`)
    return v.trim()
  })
}

function dnsConstraint(field: string, text: string): string {
  // A leading dot (".example.com": subdomains only) is the form OpenSSL and NSS read; plain covers the domain too.
  const dot = text.startsWith('.') ? '.' : ''
  const name = normalizeDnsName(text.slice(dot.length))
  if (name === null) throw new PkiArgumentError(field, `${field} is not a DNS domain`)
  return dot + name
}

function emailConstraint(field: string, text: string): string {
  if (text.includes('@')) {
    const mailbox = normalizeEmail(text)
    if (mailbox === null) throw new PkiArgumentError(field, `${field} is not an e-mail address`)
    return mailbox
  }
  return dnsConstraint(field, text)
}

function directoryConstraint(field: string, d: unknown): DirectoryNameConstraint {
  if (typeof d !== 'object' || d === null) throw new TypeError(`${field} must be an object`)
  const out: DirectoryNameConstraint = {}
  for (const [type] of DIRECTORY_FIELDS) {
    const value = (d as Record<string, unknown>)[type]
    if (value === undefined) continue
    if (typeof value !== 'string') throw new TypeError(`${field}.${type} must be a string`)
    const text = value.trim()
    if (text.length === 0 || text.length > 128)
      throw new PkiArgumentError(`${field}.${type}`, `${field}.${type} must be 1..128 characters`)
    if (type === 'country' && !/^[A-Z]{2}$/.test(text.toUpperCase())) {
      throw new PkiArgumentError(`${field}.${type}`, 'country must be two letters')
    }
    out[type] = type === 'country' ? text.toUpperCase() : text
  }
  if (Object.keys(out).length === 0) throw new PkiArgumentError(field, `${field} names no attribute`)
  return out
}

/**
 * Validates and normalises name constraints given by a caller; every problem is a PkiArgumentError whose `.field`
 * is `nameConstraints.<list>[<index>]`. Returns null when nothing is constrained.
 *
 * @example
 * checkNameConstraints({ permittedDns: ['Corp.Example'], excludedIps: ['10.0.0.0/8'] })
 * // { permittedDns: ['corp.example'], excludedIps: ['10.0.0.0/8'] }
 */
export function checkNameConstraints(nc: unknown, field = 'nameConstraints'): NameConstraints | null {
  if (nc === undefined || nc === null) return null
  if (typeof nc !== 'object' || Array.isArray(nc)) throw new TypeError(`${field} must be an object`)
  const input = nc as Record<string, unknown>
  const known = new Set([
    'permittedDns',
    'excludedDns',
    'permittedIps',
    'excludedIps',
    'permittedEmails',
    'excludedEmails',
    'permittedDirectoryNames',
    'excludedDirectoryNames',
  ])
  for (const key of Object.keys(input)) {
    if (!known.has(key)) throw new PkiArgumentError(`${field}.${key}`, `unknown name constraint ${key}`)
  }
  const out: NameConstraints = {}
  for (const key of ['permittedDns', 'excludedDns'] as const) {
    const items = list(`${field}.${key}`, input[key]).map((t, i) => dnsConstraint(`${field}.${key}[${i}]`, t))
    if (items.length) out[key] = items
  }
  for (const key of ['permittedEmails', 'excludedEmails'] as const) {
    const items = list(`${field}.${key}`, input[key]).map((t, i) => emailConstraint(`${field}.${key}[${i}]`, t))
    if (items.length) out[key] = items
  }
  for (const key of ['permittedIps', 'excludedIps'] as const) {
    const items = list(`${field}.${key}`, input[key]).map((t, i) => {
      if (!parseCidr(t))
        throw new PkiArgumentError(`${field}.${key}[${i}]`, `${t} is not a CIDR range such as 10.0.0.0/8`)
      return t
    })
    if (items.length) out[key] = items
  }
  for (const key of ['permittedDirectoryNames', 'excludedDirectoryNames'] as const) {
    const value = input[key]
    if (value === undefined) continue
    if (!Array.isArray(value)) throw new TypeError(`${field}.${key} must be an array`)
    const items = value.map((d, i) => directoryConstraint(`${field}.${key}[${i}]`, d))
    if (items.length) out[key] = items
  }
  return Object.keys(out).length ? out : null
}
