/**
 * The AWS Private CA data model on top of pocket-ca's CA records: ARNs, the key and signing algorithm names, the
 * ASN1Subject, and what AWS knows about a CA that a CA record does not (its type, creation time, configuration),
 * kept in the record's `aws` member. The stores keep a record's members as they are (structured clone, JSON), so
 * that member survives a file store or IndexedDB; a CA made by the library or another API has none, and everything
 * is then derived from the record itself.
 */
import type { CertificateAuthority } from '../ca/types.ts'
import { parseCertificate } from '../cert/parse.ts'
import { parseCsr } from '../csr/parse.ts'
import type { KeyType } from '../keys/types.ts'
import type { SubjectFields } from '../names/decode.ts'
import type { X509Parameters } from '../names/types.ts'
import type { CaState } from '../store/types.ts'
import { AWS_ACCOUNT, AwsError } from './aws-protocol.ts'

/**
 * CertificateAuthorityType (API Reference, CreateCertificateAuthority).
 *
 * @example
 * const type: AwsCaType = 'ROOT'
 */
export type AwsCaType = 'ROOT' | 'SUBORDINATE'

/**
 * What the emulator remembers of a CA beyond the CA record, all plain JSON.
 *
 * @example
 * const meta: AwsCaMeta = { type: 'ROOT', createdAt: Date.now(), lastStateChangeAt: Date.now(),
 *   keyAlgorithm: 'EC_prime256v1', signingAlgorithm: 'SHA256WITHECDSA', subject: { CommonName: 'Root' } }
 */
export interface AwsCaMeta {
  type: AwsCaType
  /** Epoch milliseconds. */
  createdAt: number
  lastStateChangeAt: number
  keyAlgorithm: string
  signingAlgorithm: string
  /** The ASN1Subject as given to CreateCertificateAuthority. */
  subject: Record<string, string>
  revocationConfiguration?: unknown
  usageMode?: string
  /** CreateCertificateAuthority's IdempotencyToken. */
  idempotencyToken?: string
  /** A ROOT CA's self-signed certificate (IssueCertificate, RootCACertificate/V1) until and after it is imported. */
  selfSigned?: { serialNo: string; certificate: string }
  /** IssueCertificate IdempotencyTokens of the last hour. */
  issueTokens?: { token: string; serialNo: string; at: number }[]
}

/**
 * A CA state or record; the emulator's data lives in its `meta.aws`.
 *
 * @example
 * const meta = metaOf(state as AwsCaState)
 */
export type AwsCaState = CaState

/**
 * The emulator's data of a CA state or record (`meta.aws`), if it has any.
 *
 * @example
 * const type = metaOf(state)?.type ?? 'SUBORDINATE'
 */
export function metaOf(ca: CaState | CertificateAuthority): AwsCaMeta | undefined {
  return ca.meta?.aws as AwsCaMeta | undefined
}

/**
 * A CA state or record with the emulator's data set (other integrations' `meta` members kept).
 *
 * @example
 * const next = withMeta(state, { ...meta, revocationConfiguration })
 */
export function withMeta<T extends CaState>(ca: T, meta: AwsCaMeta): T {
  return { ...ca, meta: { ...ca.meta, aws: meta } }
}

/**
 * KeyAlgorithm (API Reference, CertificateAuthorityConfiguration) -> pocket-ca key type. SM2 has no WebCrypto.
 *
 * @example
 * KEY_ALGORITHMS.EC_prime256v1 // 'EC256'
 */
export const KEY_ALGORITHMS: Readonly<Record<string, KeyType>> = {
  RSA_2048: 'RSA2048',
  RSA_3072: 'RSA3072',
  RSA_4096: 'RSA4096',
  EC_prime256v1: 'EC256',
  EC_secp384r1: 'EC384',
  EC_secp521r1: 'EC521',
}

/**
 * The SigningAlgorithm pocket-ca signs with for each CA key type: RSA with SHA-256, ECDSA with the curve's hash
 * (P-256/SHA-256, P-384/SHA-384, P-521/SHA-512). AWS also offers SHA384WITHRSA etc.; pocket-ca refuses those rather
 * than sign with an algorithm other than the one asked for.
 *
 * @example
 * SIGNING_ALGORITHMS.EC384 // 'SHA384WITHECDSA'
 */
export const SIGNING_ALGORITHMS: Readonly<Record<KeyType, string>> = {
  RSA2048: 'SHA256WITHRSA',
  RSA3072: 'SHA256WITHRSA',
  RSA4096: 'SHA256WITHRSA',
  EC256: 'SHA256WITHECDSA',
  EC384: 'SHA384WITHECDSA',
  EC521: 'SHA512WITHECDSA',
  Ed25519: 'ED25519',
}

/**
 * The SigningAlgorithm values of the API Reference (SigningAlgorithm enum).
 *
 * @example
 * readEnum(input, 'SigningAlgorithm', AWS_SIGNING_ALGORITHMS)
 */
export const AWS_SIGNING_ALGORITHMS = [
  'SHA256WITHECDSA',
  'SHA384WITHECDSA',
  'SHA512WITHECDSA',
  'SHA256WITHRSA',
  'SHA384WITHRSA',
  'SHA512WITHRSA',
  'SM3WITHSM2',
] as const

/**
 * Refuses a SigningAlgorithm the CA key cannot sign with: another family (AWS refuses that too, InvalidArgsException)
 * or another hash than pocket-ca uses for that key.
 *
 * @example
 * checkSigningAlgorithm('EC256', 'SHA256WITHECDSA')
 */
export function checkSigningAlgorithm(keyType: KeyType, algorithm: string): void {
  const ours = SIGNING_ALGORITHMS[keyType]
  if (algorithm === ours) return
  const family = (a: string) => (a.endsWith('RSA') ? 'RSA' : a.endsWith('ECDSA') ? 'ECDSA' : a)
  throw new AwsError(
    'InvalidArgsException',
    family(algorithm) !== family(ours)
      ? `SigningAlgorithm ${algorithm} does not fit the CA key (${keyType})`
      : `pocket-ca signs with ${ours} for a ${keyType} CA key; ${algorithm} is not emulated`,
  )
}

/**
 * The KeyAlgorithm name of a key type.
 *
 * @example
 * keyAlgorithmOf('RSA2048') // 'RSA_2048'
 */
export function keyAlgorithmOf(keyType: KeyType): string {
  return Object.keys(KEY_ALGORITHMS).find((k) => KEY_ALGORITHMS[k] === keyType) ?? keyType
}

/** ASN1Subject members (API Reference, ASN1Subject) and the X509Parameters field each becomes. */
const SUBJECT_FIELDS = {
  CommonName: 'commonName',
  Organization: 'organization',
  OrganizationalUnit: 'organizationUnit',
  Country: 'country',
  State: 'stateProvince',
  Locality: 'locality',
} as const satisfies Record<string, keyof X509Parameters & keyof SubjectFields>

/**
 * An ASN1Subject as X509Parameters. Members pocket-ca does not write (Title, Surname, SerialNumber, custom
 * attributes, ...) are refused (InvalidArgsException), never dropped; a common name is required.
 *
 * @example
 * subjectParameters({ CommonName: 'Example Root', Country: 'GB' }) // { commonName: 'Example Root', country: 'GB' }
 */
export function subjectParameters(subject: Record<string, unknown>): {
  parameters: X509Parameters
  given: Record<string, string>
} {
  const parameters: Partial<Record<keyof X509Parameters, string>> = {}
  const given: Record<string, string> = {}
  for (const [name, value] of Object.entries(subject)) {
    if (value === undefined || value === null) continue
    const field = (SUBJECT_FIELDS as Record<string, keyof X509Parameters>)[name]
    if (!field) throw new AwsError('InvalidArgsException', `the subject member ${name} is not emulated by pocket-ca`)
    if (typeof value !== 'string') throw new AwsError('SerializationException', `Subject.${name} must be a string`)
    parameters[field] = value
    given[name] = value
  }
  if (!parameters.commonName) throw new AwsError('InvalidArgsException', 'the subject needs a CommonName')
  return { parameters: parameters as X509Parameters, given }
}

function subjectFromFields(fields: SubjectFields): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, field] of Object.entries(SUBJECT_FIELDS)) {
    const value = fields[field]
    if (value !== undefined) out[name] = value
  }
  return out
}

/** An ARN of a CA (API Reference: `arn:aws:acm-pca:region:account:certificate-authority/<id>`). */
const CA_ARN = /^arn:aws[a-z-]*:acm-pca:([a-z0-9-]*):(\d{12}):certificate-authority\/([A-Za-z0-9][A-Za-z0-9_-]{0,127})$/
const CERT_ARN =
  /^arn:aws[a-z-]*:acm-pca:([a-z0-9-]*):(\d{12}):certificate-authority\/([A-Za-z0-9][A-Za-z0-9_-]{0,127})\/certificate\/([0-9a-fA-F]{1,40})$/

/**
 * The ARN of a CA.
 *
 * @example
 * caArn('us-east-1', ca.id) // 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/<id>'
 */
export function caArn(region: string, id: string): string {
  return `arn:aws:acm-pca:${region}:${AWS_ACCOUNT}:certificate-authority/${id}`
}

/**
 * The ARN of a certificate: its CA's ARN, `/certificate/` and the serial in lower-case hex without colons, as AWS
 * writes it.
 *
 * @example
 * certificateArn('us-east-1', ca.id, '4F:0A') // '.../certificate-authority/<id>/certificate/4f0a'
 */
export function certificateArn(region: string, caId: string, serialNo: string): string {
  return `${caArn(region, caId)}/certificate/${serialHex(serialNo)}`
}

/**
 * A serial as AWS prints it: lower-case hex, no colons.
 *
 * @example
 * serialHex('4F:0A') // '4f0a'
 */
export function serialHex(serialNo: string): string {
  return serialNo.replaceAll(':', '').toLowerCase()
}

/**
 * The CA id in a CA ARN; InvalidArnException for anything else.
 *
 * @example
 * const id = caIdOf('arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/<id>')
 */
export function caIdOf(arn: string): string {
  const m = CA_ARN.exec(arn)
  if (!m?.[3]) throw new AwsError('InvalidArnException', `not the ARN of a certificate authority: ${arn}`)
  return m[3]
}

/**
 * The CA id and serial (hex) in a certificate ARN; InvalidArnException for anything else.
 *
 * @example
 * const { caId, serial } = certificateOf(certificateArnText)
 */
export function certificateOf(arn: string): { caId: string; serial: string } {
  const m = CERT_ARN.exec(arn)
  if (!m?.[3] || !m[4]) throw new AwsError('InvalidArnException', `not the ARN of a certificate: ${arn}`)
  return { caId: m[3], serial: m[4] }
}

/**
 * Whether a CA is a ROOT: as created, else by its certificate (self-issued) once it has one.
 *
 * @example
 * typeOf(state) // 'ROOT'
 */
export function typeOf(ca: CaState): AwsCaType {
  const meta = metaOf(ca)
  if (meta) return meta.type
  return ca.certificate && ca.chain.length === 0 ? 'ROOT' : 'SUBORDINATE'
}

const seconds = (ms: number) => ms / 1000

/**
 * The CertificateAuthority structure of DescribeCertificateAuthority and ListCertificateAuthorities (API
 * Reference, CertificateAuthority): timestamps in epoch seconds, the serial and validity of the CA certificate once
 * there is one.
 *
 * @example
 * const described = describeCa(state, region)
 */
export function describeCa(ca: CaState, region: string): Record<string, unknown> {
  const meta = metaOf(ca)
  const cert = ca.certificate ? parseCertificate(ca.certificate) : undefined
  const subject = meta?.subject ?? subjectFromFields(cert?.subject ?? (ca.csr ? parseCsr(ca.csr).subject : {}))
  return {
    Arn: caArn(region, ca.id),
    OwnerAccount: AWS_ACCOUNT,
    ...(meta ? { CreatedAt: seconds(meta.createdAt), LastStateChangeAt: seconds(meta.lastStateChangeAt) } : {}),
    Type: typeOf(ca),
    Status: ca.status,
    ...(cert
      ? {
          Serial: serialHex(cert.serialNo),
          NotBefore: seconds(Date.parse(cert.notBefore)),
          NotAfter: seconds(Date.parse(cert.notAfter)),
        }
      : {}),
    CertificateAuthorityConfiguration: {
      KeyAlgorithm: meta?.keyAlgorithm ?? keyAlgorithmOf(ca.keyType),
      SigningAlgorithm: meta?.signingAlgorithm ?? SIGNING_ALGORITHMS[ca.keyType],
      Subject: subject,
    },
    ...(meta?.revocationConfiguration ? { RevocationConfiguration: meta.revocationConfiguration } : {}),
    UsageMode: meta?.usageMode ?? 'GENERAL_PURPOSE',
  }
}
