/**
 * Name constraints as read from a CA certificate (RFC 5280 4.2.1.10) and the test of a subject's names against
 * them: used when a CA issues (fail closed) and when a chain is validated.
 */

import type { NameConstraints } from '../cert/types.ts'
import { OID } from '../der/oid.ts'
import { children, type DerNode, readSingle, readSmallInteger, sequenceOf } from '../der/reader.ts'
import { PkiFormatError } from '../errors.ts'
import { fromLatin1 } from '../lib/bytes.ts'
import { type NameEntry, readName, subjectFields } from '../names/decode.ts'
import { normalizeDnsName } from '../names/dns.ts'
import { formatIp } from '../names/ip.ts'
import { entryRdnKeys, rdnKeys, startsWithRdns } from './names.ts'

/**
 * One GeneralSubtree base. `other` stands for a form we do not check (otherName, x400Address, ediPartyName,
 * registeredID): a name of that form under such a constraint is refused (RFC 5280 4.2.1.10, the extension being
 * critical).
 */
export type Subtree =
  | { type: 'dns'; value: string }
  | { type: 'email'; value: string }
  | { type: 'uri'; value: string }
  | { type: 'ip'; address: Uint8Array; mask: Uint8Array }
  | { type: 'dir'; entries: NameEntry[]; rdns: string[] }
  | { type: 'other'; tag: number }

export interface DecodedNameConstraints {
  permitted: Subtree[]
  excluded: Subtree[]
}

function ascii(node: DerNode): string {
  if (node.content.some((b) => b > 0x7f)) throw new PkiFormatError('non-ASCII name constraint')
  return fromLatin1(node.content)
}

/**
 * An rfc822Name constraint as compared: a mailbox keeps its local part as written (RFC 5321 2.4: local parts may be
 * case-sensitive) with the host lower-cased; a host or domain constraint is lower-cased whole.
 */
function emailConstraint(text: string): string {
  const at = text.lastIndexOf('@')
  return at < 0 ? text.toLowerCase() : `${text.slice(0, at)}@${text.slice(at + 1).toLowerCase()}`
}

function readSubtrees(node: DerNode): Subtree[] {
  return children(node).map((subtree) => {
    const [base, ...limits] = sequenceOf(subtree, 1, 3) as [DerNode, ...DerNode[]]
    // RFC 5280: minimum MUST be zero (so absent in DER), maximum MUST be absent.
    for (const limit of limits) {
      if (limit.tag !== 0x80 && limit.tag !== 0x81) throw new PkiFormatError('malformed GeneralSubtree')
      if (limit.tag === 0x81 || readSmallInteger({ ...limit, tag: 0x02 }) !== 0) {
        throw new PkiFormatError('GeneralSubtree minimum/maximum are not allowed')
      }
    }
    switch (base.tag) {
      case 0x81:
        return { type: 'email', value: emailConstraint(ascii(base)) }
      case 0x82:
        return { type: 'dns', value: ascii(base).toLowerCase() }
      case 0x86:
        return { type: 'uri', value: ascii(base).toLowerCase() }
      case 0x87: {
        const n = base.content.length
        if (n !== 8 && n !== 32) throw new PkiFormatError('an iPAddress constraint is 8 or 32 octets')
        return { type: 'ip', address: base.content.subarray(0, n / 2), mask: base.content.subarray(n / 2) }
      }
      case 0xa4: {
        const [name] = children(base)
        if (!name || children(base).length !== 1) throw new PkiFormatError('malformed directoryName constraint')
        return { type: 'dir', entries: readName(name), rdns: rdnKeys(name.bytes) }
      }
      default:
        return { type: 'other', tag: base.tag }
    }
  })
}

/**
 * Decodes a nameConstraints extnValue.
 *
 * @example
 * decodeNameConstraints(ext.value).permitted // [{ type: 'dns', value: 'corp.example' }]
 */
export function decodeNameConstraints(value: Uint8Array): DecodedNameConstraints {
  const out: DecodedNameConstraints = { permitted: [], excluded: [] }
  const parts = sequenceOf(readSingle(value), 1, 2)
  for (const part of parts) {
    if (part.tag === 0xa0 && out.permitted.length === 0) out.permitted = readSubtrees(part)
    else if (part.tag === 0xa1 && out.excluded.length === 0) out.excluded = readSubtrees(part)
    else throw new PkiFormatError('malformed nameConstraints')
  }
  return out
}

/** The names of a certificate (or of a request) that constraints apply to. */
export interface ConstrainedNames {
  subject: NameEntry[]
  /** The subject's RDNs as {@link rdnKeys} reads them; from `subject`, one attribute per RDN, when absent. */
  subjectRdns?: readonly string[]
  dnsNames: readonly string[]
  emails: readonly string[]
  ips: readonly Uint8Array[]
  uris?: readonly string[]
  /** SAN directoryNames, each as RDN keys. */
  dirNames?: readonly (readonly string[])[]
  /** The tags of SAN names of forms not listed above (otherName 0xa0, registeredID 0x88, ...). */
  otherTags?: readonly number[]
}

/**
 * RFC 5280 4.2.1.10: a DNS name satisfies a constraint when adding labels on the left makes it. A leading period
 * (the form OpenSSL and NSS accept) means subdomains only; the empty constraint matches every name.
 */
function dnsMatches(name: string, constraint: string): boolean {
  const n = name.toLowerCase()
  if (constraint === '') return true
  if (constraint.startsWith('.')) return n.endsWith(constraint)
  return n === constraint || n.endsWith(`.${constraint}`)
}

/**
 * Whether a wildcard name (`*.example.com`) could stand for a name inside an excluded subtree: it covers exactly
 * the names one label below its base, so `bad.example.com` (and what lies below it) is hit, `x.bad.example.com` is
 * not. Without this an excluded host could hide behind a wildcard.
 */
function wildcardReaches(name: string, constraint: string): boolean {
  if (!name.startsWith('*.') || constraint.startsWith('.')) return false
  const base = name.slice(2).toLowerCase()
  const dot = constraint.indexOf('.')
  return dot > 0 && constraint.slice(dot + 1) === base
}

function emailMatches(mailbox: string, constraint: string): boolean {
  const at = mailbox.lastIndexOf('@')
  const local = mailbox.slice(0, at)
  const host = mailbox.slice(at + 1).toLowerCase()
  // RFC 5280 4.2.1.10: a mailbox, a host (that host only) or a domain with a leading period (any host below it).
  if (constraint.includes('@')) {
    const c = constraint.lastIndexOf('@')
    return local === constraint.slice(0, c) && host === constraint.slice(c + 1)
  }
  return constraint.startsWith('.') ? host.endsWith(constraint) : host === constraint
}

/** The host of a URI with an authority (RFC 3986 3.2.2), lower-case; null for none or for an IP literal. */
function uriHost(uri: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(uri)
  if (!m) return null
  const authority = (m[1] as string).slice((m[1] as string).lastIndexOf('@') + 1)
  if (authority.startsWith('[')) return null
  const host = authority.replace(/:[0-9]*$/, '').toLowerCase()
  return host === '' || /^[0-9.]+$/.test(host) ? null : host
}

/**
 * RFC 5280 4.2.1.10: a URI constraint applies to the host part; without a leading period it names one host, with
 * one any host below that domain. A URI without a host (`urn:`) or with an IP literal can be in no such subtree.
 */
function uriMatches(uri: string, constraint: string): boolean {
  const host = uriHost(uri)
  if (host === null) return false
  return constraint.startsWith('.') ? host.endsWith(constraint) : host === constraint
}

function ipMatches(ip: Uint8Array, address: Uint8Array, mask: Uint8Array): boolean {
  if (ip.length !== address.length) return false
  return ip.every((b, i) => (b & (mask[i] as number)) === ((address[i] as number) & (mask[i] as number)))
}

/** What a name that breaks a constraint looks like, for the error message. */
export interface ConstraintViolation {
  reason: 'name_not_permitted' | 'name_excluded'
  kind: 'dns' | 'email' | 'uri' | 'ip' | 'dir' | 'other'
  name: string
}

interface Check {
  kind: ConstraintViolation['kind']
  values: { text: string; match: (s: Subtree) => boolean; excluded?: (s: Subtree) => boolean }[]
}

/**
 * Checks names against one CA's constraints; returns the first violation, or null. Permitted subtrees of a kind
 * apply only when the CA lists some of that kind; excluded ones always apply (RFC 5280 4.2.1.10). Names are
 * compared as RFC 5280 7.1 says (DNS names and hosts case-insensitively, directory names RDN by RDN after
 * RFC 4518 preparation).
 *
 * @example
 * findViolation(decoded, { subject, dnsNames: ['www.other.example'], emails: [], ips: [] })
 * // { reason: 'name_not_permitted', kind: 'dns', name: 'www.other.example' }
 */
export function findViolation(nc: DecodedNameConstraints, names: ConstrainedNames): ConstraintViolation | null {
  // RFC 5280 4.2.1.10: an emailAddress in the subject is an rfc822Name for constraint purposes. A common name that
  // reads as a host name is held to the DNS constraints too, as OpenSSL and browsers do, so a constrained CA cannot
  // name a host outside its subtrees through the subject.
  // Fail closed: a subject value we cannot read as text (an unusual string type) cannot be compared, so where the
  // CA constrains that kind of name it counts as outside the constraints rather than slipping past them.
  const opaque = names.subject.find((e) => e.opaque)
  if (opaque) {
    const kind = opaque.oid === OID.emailAddress ? 'email' : 'dir'
    if ([...nc.permitted, ...nc.excluded].some((t) => t.type === kind)) {
      return { reason: 'name_not_permitted', kind, name: opaque.value }
    }
  }
  const emails = [...names.emails, ...names.subject.filter((e) => e.oid === OID.emailAddress).map((e) => e.value)]
  const hostCns = names.subject.flatMap((e) => {
    if (e.oid !== OID.commonName || !e.value.includes('.')) return []
    const host = normalizeDnsName(e.value, { wildcard: true })
    return host ? [host] : []
  })
  const sanDns = new Set(names.dnsNames)
  const dnsNames = [...names.dnsNames, ...hostCns.filter((h) => !sanDns.has(h))]
  // RFC 5280 4.2.1.10: directoryName constraints apply to the subject (when not empty) and to SAN directoryNames.
  const dirNames = [
    ...(names.subject.length > 0
      ? [{ text: names.subject.map((e) => e.value).join(', '), rdns: names.subjectRdns ?? entryRdnKeys(names.subject) }]
      : []),
    ...(names.dirNames ?? []).map((rdns) => ({ text: 'a subjectAltName directoryName', rdns })),
  ].filter((d) => d.rdns.length > 0)
  const checks: Check[] = [
    {
      kind: 'dns',
      values: dnsNames.map((d) => ({
        text: d,
        match: (s) => s.type === 'dns' && dnsMatches(d, s.value),
        excluded: (s) => s.type === 'dns' && (dnsMatches(d, s.value) || wildcardReaches(d, s.value)),
      })),
    },
    {
      kind: 'email',
      values: emails.map((e) => ({ text: e, match: (s) => s.type === 'email' && emailMatches(e, s.value) })),
    },
    {
      kind: 'uri',
      values: (names.uris ?? []).map((u) => ({ text: u, match: (s) => s.type === 'uri' && uriMatches(u, s.value) })),
    },
    {
      kind: 'ip',
      values: names.ips.map((ip) => ({
        text: formatIp(ip),
        match: (s) => s.type === 'ip' && ipMatches(ip, s.address, s.mask),
      })),
    },
    {
      kind: 'dir',
      values: dirNames.map(({ text, rdns }) => ({
        text,
        match: (s) => s.type === 'dir' && startsWithRdns(rdns, s.rdns),
      })),
    },
  ]
  for (const { kind, values } of checks) {
    const permitted = nc.permitted.filter((s) => s.type === kind)
    for (const { text, match, excluded } of values) {
      if (nc.excluded.some(excluded ?? match)) return { reason: 'name_excluded', kind, name: text }
      if (permitted.length > 0 && !permitted.some(match)) return { reason: 'name_not_permitted', kind, name: text }
    }
  }
  // A critical constraint on a form we do not process, and a name of that form: refuse (RFC 5280 4.2.1.10).
  for (const tag of names.otherTags ?? []) {
    const hit = (s: Subtree) => s.type === 'other' && s.tag === tag
    if (nc.excluded.some(hit)) return { reason: 'name_excluded', kind: 'other', name: `GeneralName [${tag & 0x1f}]` }
    if (nc.permitted.some(hit)) {
      return { reason: 'name_not_permitted', kind: 'other', name: `GeneralName [${tag & 0x1f}]` }
    }
  }
  return null
}

/**
 * Name constraints in the caller-facing shape of {@link NameConstraints} (CIDR text, directory names as fields),
 * for inspection. Forms without such a shape (otherName, URI) are left out.
 *
 * @example
 * readNameConstraintsInfo(ext.value) // { permittedDns: ['corp.example'] }
 */
export function readNameConstraintsInfo(value: Uint8Array): NameConstraints {
  const decoded = decodeNameConstraints(value)
  const out: NameConstraints = {}
  const set = <K extends keyof NameConstraints>(key: K, items: NonNullable<NameConstraints[K]>) => {
    if (items.length) out[key] = items
  }
  for (const [kind, list] of [
    ['permitted', decoded.permitted],
    ['excluded', decoded.excluded],
  ] as const) {
    set(
      `${kind}Dns`,
      list.flatMap((s) => (s.type === 'dns' ? [s.value] : [])),
    )
    set(
      `${kind}Emails`,
      list.flatMap((s) => (s.type === 'email' ? [s.value] : [])),
    )
    set(
      `${kind}Ips`,
      list.flatMap((s) => (s.type === 'ip' ? [`${formatIp(s.address)}/${prefixLength(s.mask)}`] : [])),
    )
    set(
      `${kind}DirectoryNames`,
      list.flatMap((s) => (s.type === 'dir' ? [subjectFields(s.entries)] : [])),
    )
  }
  return out
}

/** The prefix length of a network mask: its set bits (a mask from a CIDR range is contiguous). */
function prefixLength(mask: Uint8Array): number {
  let bits = 0
  for (let b of mask) {
    for (; b; b &= b - 1) bits++
  }
  return bits
}
