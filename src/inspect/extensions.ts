/**
 * Every extension of a certificate, CSR or CRL as plain data: `{ oid, name, critical, value }`, `value` decoded for
 * the extensions listed in {@link EXTENSIONS} and the hex of extnValue for any other. Decoding is strict: the value
 * must be DER (der/reader.ts assertDer) and follow its RFC's syntax, including the SIZE (1..MAX) and "MUST be present"
 * rules BoringSSL checks when it parses a certificate; a known extension that does not is a PkiFormatError. Unknown
 * extensions are not opened, so their contents cannot make a certificate unreadable.
 */
import { REVOCATION_REASONS } from '../ca/revoke.ts'
import { readBasicConstraints, readKeyUsageBits, readSkipCerts, readTime } from '../cert/read.ts'
import { formatSerial } from '../cert/serial.ts'
import { EXT_KEY_USAGES, KEY_USAGE_BITS, type KeyUsage } from '../cert/types.ts'
import {
  assertDer,
  type DerNode,
  readIntegerBytes,
  readOctetString,
  readOid,
  readSingle,
  readSmallInteger,
  readString,
  sequenceOf,
} from '../der/reader.ts'
import { PkiError, PkiFormatError } from '../errors.ts'
import { fromLatin1, toHex } from '../lib/bytes.ts'
import { readRdn } from '../names/decode.ts'
import { formatDn } from '../names/dn.ts'
import { type GeneralNameInfo, readGeneralName, readGeneralNameList } from '../names/general.ts'

/**
 * basicConstraints (RFC 5280 4.2.1.9).
 *
 * @example
 * { ca: true, pathLen: 0 }
 */
export interface BasicConstraintsValue {
  ca: boolean
  pathLen?: number
}

/**
 * authorityKeyIdentifier (RFC 5280 4.2.1.1): `keyId` lower-case hex, `serial` colon hex.
 *
 * @example
 * { keyId: '5f2a…' }
 */
export interface AuthorityKeyIdentifierValue {
  keyId?: string
  issuer?: GeneralNameInfo[]
  serial?: string
}

/**
 * One DistributionPoint (RFC 5280 4.2.1.13); `nameRelativeToIssuer` as an RFC 4514 RDN string.
 *
 * @example
 * { fullName: [{ type: 'uri', value: 'http://crl.example/ca.crl' }] }
 */
export interface DistributionPointValue {
  fullName?: GeneralNameInfo[]
  nameRelativeToIssuer?: string
  reasons?: string[]
  crlIssuer?: GeneralNameInfo[]
}

/**
 * One AccessDescription (RFC 5280 4.2.2.1): `method` is `ocsp`, `caIssuers`, `caRepository`, ... or the OID.
 *
 * @example
 * { method: 'ocsp', location: { type: 'uri', value: 'http://ocsp.example' } }
 */
export interface AccessDescriptionValue {
  method: string
  location: GeneralNameInfo
}

/**
 * One PolicyQualifierInfo (RFC 5280 4.2.1.4): `cps`, `userNotice`, or `value` (hex) for another qualifier.
 *
 * @example
 * { oid: '1.3.6.1.5.5.7.2.1', cps: 'https://example.com/cps' }
 */
export interface PolicyQualifierValue {
  oid: string
  cps?: string
  userNotice?: { organization?: string; noticeNumbers?: number[]; explicitText?: string }
  value?: string
}

/**
 * One PolicyInformation (RFC 5280 4.2.1.4).
 *
 * @example
 * { oid: '2.23.140.1.2.1' }
 */
export interface PolicyValue {
  oid: string
  qualifiers?: PolicyQualifierValue[]
}

/**
 * policyConstraints (RFC 5280 4.2.1.11).
 *
 * @example
 * { requireExplicitPolicy: 0 }
 */
export interface PolicyConstraintsValue {
  requireExplicitPolicy?: number
  inhibitPolicyMapping?: number
}

/**
 * One policy mapping (RFC 5280 4.2.1.5).
 *
 * @example
 * { issuerDomainPolicy: '1.2.3.4', subjectDomainPolicy: '1.2.3.5' }
 */
export interface PolicyMappingValue {
  issuerDomainPolicy: string
  subjectDomainPolicy: string
}

/**
 * nameConstraints (RFC 5280 4.2.1.10); IP subtrees as `address/prefix`.
 *
 * @example
 * { permitted: [{ type: 'dns', value: 'corp.example' }], excluded: [{ type: 'ip', value: '10.0.0.0/8' }] }
 */
export interface NameConstraintsValue {
  permitted?: GeneralNameInfo[]
  excluded?: GeneralNameInfo[]
}

/**
 * issuingDistributionPoint of a CRL (RFC 5280 5.2.5); the booleans default to false.
 *
 * @example
 * { onlyContainsUserCerts: true, onlyContainsCACerts: false, indirectCRL: false, onlyContainsAttributeCerts: false }
 */
export interface IssuingDistributionPointValue {
  fullName?: GeneralNameInfo[]
  nameRelativeToIssuer?: string
  onlyContainsUserCerts: boolean
  onlyContainsCACerts: boolean
  onlySomeReasons?: string[]
  indirectCRL: boolean
  onlyContainsAttributeCerts: boolean
}

/**
 * What `value` holds: see {@link EXTENSIONS} for which shape each extension takes. A string is hex for an
 * extension not decoded, and text for the few whose value is text (a key identifier in hex, a CRL number in
 * decimal, a time in ISO 8601, a Netscape comment); null for the NULL-valued ones (OCSP no-check, CT poison).
 *
 * @example
 * const value: ExtensionValue = ['digitalSignature', 'keyEncipherment'] // keyUsage
 */
export type ExtensionValue =
  | string
  | number
  | null
  | string[]
  | number[]
  | KeyUsage[]
  | GeneralNameInfo[]
  | BasicConstraintsValue
  | AuthorityKeyIdentifierValue
  | DistributionPointValue[]
  | AccessDescriptionValue[]
  | PolicyValue[]
  | PolicyConstraintsValue
  | PolicyMappingValue[]
  | NameConstraintsValue
  | IssuingDistributionPointValue

/**
 * One extension as plain data. `name` is the RFC's name (`subjectAltName`, `basicConstraints`, ...) or null for an
 * extension pocket-ca does not know, whose `value` is then the hex of its extnValue.
 *
 * @example
 * const e: ExtensionInfo = { oid: '2.5.29.19', name: 'basicConstraints', critical: true, value: { ca: true } }
 */
export interface ExtensionInfo {
  oid: string
  name: string | null
  critical: boolean
  value: ExtensionValue
}

const EKU_NAMES = new Map<string, string>([
  ...Object.entries(EXT_KEY_USAGES).map(([name, oid]) => [oid, name] as [string, string]),
  ['2.5.29.37.0', 'anyExtendedKeyUsage'],
])

const ACCESS_METHODS: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.48.1': 'ocsp',
  '1.3.6.1.5.5.7.48.2': 'caIssuers',
  '1.3.6.1.5.5.7.48.3': 'timeStamping',
  '1.3.6.1.5.5.7.48.5': 'caRepository',
}

/** ReasonFlags (RFC 5280 4.2.1.13) in bit order. */
const REASON_FLAGS = [
  'unused',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
  'aACompromise',
]

const REASON_BY_CODE = new Map(Object.entries(REVOCATION_REASONS).map(([name, code]) => [code, name]))

const CPS = '1.3.6.1.5.5.7.2.1'
const USER_NOTICE = '1.3.6.1.5.5.7.2.2'

/** Strict DER value of an extension, one node, nothing after. */
function root(value: Uint8Array): DerNode {
  return readSingle(value)
}

function listOf(node: DerNode, tag = 0x30): DerNode[] {
  return sequenceOf(node, 1, Number.POSITIVE_INFINITY, tag)
}

/** Reads the OPTIONAL fields of a SEQUENCE in their order: `take(tag)` returns the next field if it has that tag. */
function optionalFields(fields: readonly DerNode[], what: string) {
  let i = 0
  return {
    take(tag: number): DerNode | undefined {
      return fields[i]?.tag === tag ? fields[i++] : undefined
    },
    /** Throws unless every field was taken: an unknown or out-of-order field. */
    end(): void {
      if (i !== fields.length) throw new PkiFormatError(`malformed ${what}`)
    },
  }
}

/** The named bits set in a BIT STRING (possibly implicitly tagged). */
function namedBits(node: DerNode, names: readonly string[]): string[] {
  const unused = node.content[0]
  if (node.constructed || unused === undefined || unused > 7 || (unused > 0 && node.content.length === 1)) {
    throw new PkiFormatError('malformed BIT STRING')
  }
  const bytes = node.content.subarray(1)
  const out: string[] = []
  for (let bit = 0; bit < bytes.length * 8 - unused && bit < names.length; bit++) {
    if ((bytes[bit >> 3] as number) & (0x80 >> (bit & 7))) out.push(names[bit] as string)
  }
  return out
}

/** A non-negative INTEGER of at most 20 octets as decimal text (CRL numbers, RFC 5280 5.2.3). */
function crlNumber(value: Uint8Array): string {
  const bytes = readIntegerBytes(root(value))
  if ((bytes[0] as number) & 0x80) throw new PkiFormatError('negative CRL number')
  if (bytes.length > 20 && !(bytes.length === 21 && bytes[0] === 0)) {
    throw new PkiFormatError('CRL number longer than 20 octets (RFC 5280 5.2.3)')
  }
  return BigInt(`0x${toHex(bytes)}`).toString()
}

/** DisplayText (RFC 5280 4.2.1.4): IA5String, VisibleString, BMPString or UTF8String. */
function displayText(node: DerNode): string {
  if (node.tag === 0x1a) {
    if (node.content.some((b) => b < 0x20 || b > 0x7e)) throw new PkiFormatError('malformed VisibleString')
    return fromLatin1(node.content)
  }
  if (node.tag !== 0x16 && node.tag !== 0x1e && node.tag !== 0x0c) throw new PkiFormatError('malformed DisplayText')
  return readString(node)
}

function userNotice(node: DerNode): NonNullable<PolicyQualifierValue['userNotice']> {
  // UserNotice ::= SEQUENCE { noticeRef NoticeReference OPTIONAL, explicitText DisplayText OPTIONAL }
  const fields = sequenceOf(node, 0, 2)
  const out: NonNullable<PolicyQualifierValue['userNotice']> = {}
  const rest = fields[0]?.tag === 0x30 ? fields.slice(1) : fields
  if (rest !== fields) {
    const [organization, numbers] = sequenceOf(fields[0] as DerNode, 2) as [DerNode, DerNode]
    out.organization = displayText(organization)
    out.noticeNumbers = sequenceOf(numbers, 0, Number.POSITIVE_INFINITY).map(readSmallInteger)
  }
  if (rest.length > 1) throw new PkiFormatError('malformed UserNotice')
  if (rest[0]) out.explicitText = displayText(rest[0])
  return out
}

function policyQualifier(node: DerNode): PolicyQualifierValue {
  // RFC 5280 4.2.1.4: PolicyQualifierInfo ::= SEQUENCE { policyQualifierId, qualifier ANY }: both present.
  const [id, qualifier] = sequenceOf(node, 2) as [DerNode, DerNode]
  const oid = readOid(id)
  if (oid === CPS) {
    if (qualifier.tag !== 0x16) throw new PkiFormatError('a CPS pointer must be an IA5String')
    return { oid, cps: readString(qualifier) }
  }
  if (oid === USER_NOTICE) return { oid, userNotice: userNotice(qualifier) }
  return { oid, value: toHex(qualifier.bytes) }
}

function certificatePolicies(value: Uint8Array): PolicyValue[] {
  const seen = new Set<string>()
  return listOf(root(value)).map((info) => {
    const [id, qualifiers] = sequenceOf(info, 1, 2) as [DerNode, DerNode | undefined]
    const oid = readOid(id)
    // RFC 5280 4.2.1.4: "A certificate policy OID MUST NOT appear more than once in a certificate policies extension."
    if (seen.has(oid)) throw new PkiFormatError(`policy ${oid} appears twice`)
    seen.add(oid)
    // policyQualifiers SEQUENCE SIZE (1..MAX): present means at least one.
    return qualifiers ? { oid, qualifiers: listOf(qualifiers).map(policyQualifier) } : { oid }
  })
}

function distributionPointName(node: DerNode): Pick<DistributionPointValue, 'fullName' | 'nameRelativeToIssuer'> {
  // DistributionPointName ::= CHOICE { fullName [0] GeneralNames, nameRelativeToIssuer [1] RDN }, inside an
  // EXPLICIT [0] (the CHOICE cannot be implicitly tagged).
  const [choice] = sequenceOf(node, 1, 1, node.tag) as [DerNode]
  if (choice.tag === 0xa0) return { fullName: readGeneralNameList(choice, 0xa0) }
  if (choice.tag === 0xa1) return { nameRelativeToIssuer: formatDn([readRdn(choice, { opaque: true }, 0xa1)]) }
  throw new PkiFormatError('malformed DistributionPointName')
}

function distributionPoints(value: Uint8Array): DistributionPointValue[] {
  return listOf(root(value)).map((point) => {
    const f = optionalFields(sequenceOf(point, 0, 3), 'DistributionPoint')
    const name = f.take(0xa0)
    const reasons = f.take(0x81)
    const issuer = f.take(0xa2)
    f.end()
    const out: DistributionPointValue = name ? distributionPointName(name) : {}
    if (reasons) out.reasons = namedBits(reasons, REASON_FLAGS)
    if (issuer) out.crlIssuer = readGeneralNameList(issuer, 0xa2)
    // RFC 5280 4.2.1.13: "either distributionPoint or cRLIssuer MUST be present."
    if (!out.fullName && !out.nameRelativeToIssuer && !out.crlIssuer) {
      throw new PkiFormatError('a DistributionPoint needs a distributionPoint or a cRLIssuer')
    }
    return out
  })
}

function accessDescriptions(value: Uint8Array): AccessDescriptionValue[] {
  return listOf(root(value)).map((description) => {
    const [method, location] = sequenceOf(description, 2) as [DerNode, DerNode]
    const oid = readOid(method)
    return { method: ACCESS_METHODS[oid] ?? oid, location: readGeneralName(location) }
  })
}

function authorityKeyIdentifier(value: Uint8Array): AuthorityKeyIdentifierValue {
  const f = optionalFields(sequenceOf(root(value), 0, 3), 'authorityKeyIdentifier')
  const keyId = f.take(0x80)
  const issuer = f.take(0xa1)
  const serial = f.take(0x82)
  f.end()
  const out: AuthorityKeyIdentifierValue = {}
  if (keyId) out.keyId = toHex(keyId.content)
  if (issuer) out.issuer = readGeneralNameList(issuer, 0xa1)
  if (serial) out.serial = formatSerial(readIntegerBytes({ ...serial, tag: 0x02 }))
  // X.509 (10/2019) 9.2.2.1: authorityCertIssuer and authorityCertSerialNumber are both present or both absent.
  if ((out.issuer === undefined) !== (out.serial === undefined)) {
    throw new PkiFormatError('authorityKeyIdentifier: authorityCertIssuer and authorityCertSerialNumber go together')
  }
  return out
}

function subtrees(node: DerNode): GeneralNameInfo[] {
  return listOf(node, node.tag).map((subtree) => {
    // RFC 5280 4.2.1.10: minimum MUST be zero (so absent in DER) and maximum MUST be absent.
    const [base] = sequenceOf(subtree, 1, 1) as [DerNode]
    return readGeneralName(base, { constraint: true })
  })
}

function nameConstraints(value: Uint8Array): NameConstraintsValue {
  // RFC 5280 4.2.1.10: an empty sequence is not allowed; permittedSubtrees, excludedSubtrees, in that order.
  const f = optionalFields(sequenceOf(root(value), 1, 2), 'nameConstraints')
  const permitted = f.take(0xa0)
  const excluded = f.take(0xa1)
  f.end()
  const out: NameConstraintsValue = {}
  if (permitted) out.permitted = subtrees(permitted)
  if (excluded) out.excluded = subtrees(excluded)
  return out
}

function policyConstraints(value: Uint8Array): PolicyConstraintsValue {
  // RFC 5280 4.2.1.11: "Conforming CAs MUST NOT issue certificates where policy constraints is an empty sequence."
  const f = optionalFields(sequenceOf(root(value), 1, 2), 'policyConstraints')
  const require = f.take(0x80)
  const inhibit = f.take(0x81)
  f.end()
  const out: PolicyConstraintsValue = {}
  if (require) out.requireExplicitPolicy = readSkipCerts(require)
  if (inhibit) out.inhibitPolicyMapping = readSkipCerts(inhibit)
  return out
}

function policyMappings(value: Uint8Array): PolicyMappingValue[] {
  return listOf(root(value)).map((mapping) => {
    const [issuer, subject] = sequenceOf(mapping, 2) as [DerNode, DerNode]
    return { issuerDomainPolicy: readOid(issuer), subjectDomainPolicy: readOid(subject) }
  })
}

/** An implicitly tagged BOOLEAN of issuingDistributionPoint: DEFAULT FALSE, so present only as TRUE in DER. */
function flag(node: DerNode | undefined): boolean {
  if (!node) return false
  if (node.content.length !== 1 || node.content[0] !== 0xff) throw new PkiFormatError('a DEFAULT FALSE flag set FALSE')
  return true
}

function issuingDistributionPoint(value: Uint8Array): IssuingDistributionPointValue {
  const f = optionalFields(sequenceOf(root(value), 0, 6), 'issuingDistributionPoint')
  const name = f.take(0xa0)
  const userCerts = f.take(0x81)
  const caCerts = f.take(0x82)
  const reasons = f.take(0x83)
  const indirect = f.take(0x84)
  const attributeCerts = f.take(0x85)
  f.end()
  return {
    ...(name ? distributionPointName(name) : {}),
    onlyContainsUserCerts: flag(userCerts),
    onlyContainsCACerts: flag(caCerts),
    ...(reasons ? { onlySomeReasons: namedBits(reasons, REASON_FLAGS) } : {}),
    indirectCRL: flag(indirect),
    onlyContainsAttributeCerts: flag(attributeCerts),
  }
}

function reasonCode(value: Uint8Array): string {
  const node = readSingle(value, 0x0a)
  const name = REASON_BY_CODE.get(readSmallInteger({ ...node, tag: 0x02 }))
  if (!name) throw new PkiFormatError('unknown CRL reason code (RFC 5280 5.3.1)')
  return name
}

function nullValue(value: Uint8Array): null {
  readSingle(value, 0x05)
  return null
}

interface ExtensionSpec {
  name: string
  decode?: (value: Uint8Array) => ExtensionValue
}

/**
 * The extensions pocket-ca names, and decodes where `decode` is given (the others are shown in hex). Certificate
 * extensions from RFC 5280 4.2, CRL and CRL entry extensions from RFC 5280 5.2 and 5.3, and a few common others.
 *
 * @example
 * EXTENSIONS['2.5.29.17']?.name // 'subjectAltName'
 */
export const EXTENSIONS: Readonly<Record<string, ExtensionSpec>> = {
  '2.5.29.9': { name: 'subjectDirectoryAttributes' },
  '2.5.29.14': { name: 'subjectKeyIdentifier', decode: (v) => toHex(readOctetString(root(v))) },
  '2.5.29.15': {
    name: 'keyUsage',
    decode: (v) => {
      const bits = readKeyUsageBits({ critical: false, value: v }) as Set<number>
      return KEY_USAGE_BITS.filter((_, bit) => bits.has(bit))
    },
  },
  '2.5.29.17': { name: 'subjectAltName', decode: (v) => readGeneralNameList(root(v)) },
  '2.5.29.18': { name: 'issuerAltName', decode: (v) => readGeneralNameList(root(v)) },
  '2.5.29.19': {
    name: 'basicConstraints',
    decode: (v) => {
      const bc = readBasicConstraints({ critical: false, value: v })
      return bc.pathLen === undefined ? { ca: bc.isCa } : { ca: bc.isCa, pathLen: bc.pathLen }
    },
  },
  '2.5.29.20': { name: 'cRLNumber', decode: crlNumber },
  '2.5.29.21': { name: 'reasonCode', decode: reasonCode },
  '2.5.29.24': { name: 'invalidityDate', decode: (v) => readTime(readSingle(v, 0x18)).toISOString() },
  '2.5.29.27': { name: 'deltaCRLIndicator', decode: crlNumber },
  '2.5.29.28': { name: 'issuingDistributionPoint', decode: issuingDistributionPoint },
  '2.5.29.29': { name: 'certificateIssuer', decode: (v) => readGeneralNameList(root(v)) },
  '2.5.29.30': { name: 'nameConstraints', decode: nameConstraints },
  '2.5.29.31': { name: 'cRLDistributionPoints', decode: distributionPoints },
  '2.5.29.32': { name: 'certificatePolicies', decode: certificatePolicies },
  '2.5.29.33': { name: 'policyMappings', decode: policyMappings },
  '2.5.29.35': { name: 'authorityKeyIdentifier', decode: authorityKeyIdentifier },
  '2.5.29.36': { name: 'policyConstraints', decode: policyConstraints },
  '2.5.29.37': {
    name: 'extKeyUsage',
    decode: (v) => listOf(root(v)).map((n) => EKU_NAMES.get(readOid(n)) ?? readOid(n)),
  },
  '2.5.29.46': { name: 'freshestCRL', decode: distributionPoints },
  '2.5.29.54': { name: 'inhibitAnyPolicy', decode: (v) => readSkipCerts(readSingle(v, 0x02)) },
  '1.3.6.1.5.5.7.1.1': { name: 'authorityInfoAccess', decode: accessDescriptions },
  '1.3.6.1.5.5.7.1.11': { name: 'subjectInfoAccess', decode: accessDescriptions },
  // RFC 7633: the TLS extension numbers a certificate promises (5 = status_request, i.e. OCSP must-staple).
  '1.3.6.1.5.5.7.1.24': { name: 'tlsFeature', decode: (v) => listOf(root(v)).map(readSmallInteger) },
  '1.3.6.1.5.5.7.48.1.5': { name: 'ocspNoCheck', decode: nullValue },
  // RFC 6962 3.3: SCTs are a TLS-encoded list inside an OCTET STRING; shown in hex.
  '1.3.6.1.4.1.11129.2.4.2': { name: 'ctSignedCertificateTimestamps' },
  '1.3.6.1.4.1.11129.2.4.3': { name: 'ctPrecertificatePoison', decode: nullValue },
  '2.16.840.1.113730.1.1': { name: 'netscapeCertType' },
  '2.16.840.1.113730.1.13': {
    name: 'netscapeComment',
    decode: (v) => readString(readSingle(v, 0x16)),
  },
}

/**
 * Decodes one extension's extnValue (see {@link EXTENSIONS}); PkiFormatError, naming the extension, when a known one
 * is malformed.
 *
 * @example
 * decodeExtension('2.5.29.19', true, Uint8Array.of(0x30, 3, 1, 1, 0xff))
 * // { oid: '2.5.29.19', name: 'basicConstraints', critical: true, value: { ca: true } }
 */
export function decodeExtension(oid: string, critical: boolean, value: Uint8Array): ExtensionInfo {
  const spec = Object.hasOwn(EXTENSIONS, oid) ? EXTENSIONS[oid] : undefined
  if (!spec?.decode) return { oid, name: spec?.name ?? null, critical, value: toHex(value) }
  try {
    assertDer(value)
    return { oid, name: spec.name, critical, value: spec.decode(value) }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    if (e instanceof PkiError && !(e instanceof PkiFormatError)) throw e
    throw new PkiFormatError(`${spec.name} (${oid}): ${message}`, { cause: e })
  }
}

/**
 * Decodes every extension of a map read by `readExtensionList`, in order.
 *
 * @example
 * decodeExtensions(parts.extensions).map((e) => e.name) // ['basicConstraints', 'keyUsage', ...]
 */
export function decodeExtensions(
  extensions: ReadonlyMap<string, { critical: boolean; value: Uint8Array }>,
): ExtensionInfo[] {
  return [...extensions].map(([oid, e]) => decodeExtension(oid, e.critical, e.value))
}
