/**
 * The AWS Private CA operations on certificates (API Reference, Actions): IssueCertificate (end-entity,
 * subordinate CA and root templates), GetCertificate and RevokeCertificate.
 */
import { signCsr } from '../ca/issue.ts'
import { revokeCertificate } from '../ca/revoke.ts'
import { selfSignCaCertificate } from '../ca/self-sign.ts'
import { signSubordinateCa } from '../ca/subordinate.ts'
import type { CertificateAuthority, RevocationReason } from '../ca/types.ts'
import { parseCertificate } from '../cert/parse.ts'
import type { Profile } from '../cert/profiles.ts'
import { normalizeSerial } from '../cert/serial.ts'
import { PkiNotFoundError } from '../errors.ts'
import { bytesEqual } from '../lib/bytes.ts'
import { decodePem } from '../pem/index.ts'
import { type AwsCall, attempt, IDEMPOTENCY_MS, loadByArn, updateMeta, updateMetaBestEffort } from './aws-ca.ts'
import {
  AWS_SIGNING_ALGORITHMS,
  caIdOf,
  certificateArn,
  certificateOf,
  checkSigningAlgorithm,
  metaOf,
  typeOf,
} from './aws-model.ts'
import { AwsError, readBlobText, readEnum, readInteger, readObject, readString, toAwsError } from './aws-protocol.ts'

const DAY_MS = 86_400_000
/** How long issue tokens are kept (API Reference: "Idempotency tokens ... time out after one hour"). */
const TOKEN_LIFETIME_MS = 60 * 60_000

/** What a template ARN asks for. */
type Template = { kind: 'end-entity'; profile: Profile } | { kind: 'subordinate'; pathLen: number } | { kind: 'root' }

/**
 * The AWS templates pocket-ca emulates (AWS Private CA User Guide, "Understanding certificate templates"), by name
 * (`arn:aws:acm-pca:::template/<name>/V1`), and the profile or CA certificate each becomes. EndEntityCertificate/V1
 * (serverAuth + clientAuth) is the default when no TemplateArn is given. The APIPassthrough / APICSRPassthrough
 * variants, and the other templates, are refused (InvalidArgsException).
 *
 * @example
 * TEMPLATES['EndEntityServerAuthCertificate/V1'] // { kind: 'end-entity', profile: 'tls-server' }
 */
export const TEMPLATES: Readonly<Record<string, Template>> = {
  'EndEntityCertificate/V1': { kind: 'end-entity', profile: 'tls-server-client' },
  'EndEntityClientAuthCertificate/V1': { kind: 'end-entity', profile: 'tls-client' },
  'EndEntityServerAuthCertificate/V1': { kind: 'end-entity', profile: 'tls-server' },
  'CodeSigningCertificate/V1': { kind: 'end-entity', profile: 'code-signing' },
  'SubordinateCACertificate_PathLen0/V1': { kind: 'subordinate', pathLen: 0 },
  'SubordinateCACertificate_PathLen1/V1': { kind: 'subordinate', pathLen: 1 },
  'SubordinateCACertificate_PathLen2/V1': { kind: 'subordinate', pathLen: 2 },
  'SubordinateCACertificate_PathLen3/V1': { kind: 'subordinate', pathLen: 3 },
  'RootCACertificate/V1': { kind: 'root' },
}

function templateOf(arn: string | undefined): Template {
  if (arn === undefined) return TEMPLATES['EndEntityCertificate/V1'] as Template
  const m = /^arn:aws[a-z-]*:acm-pca:::template\/(.+)$/.exec(arn)
  if (!m?.[1]) throw new AwsError('InvalidArnException', `not the ARN of a certificate template: ${arn}`)
  const template = Object.hasOwn(TEMPLATES, m[1]) ? TEMPLATES[m[1]] : undefined
  if (!template) throw new AwsError('InvalidArgsException', `the template ${m[1]} is not emulated by pocket-ca`)
  return template
}

/** An END_DATE value (API Reference, Validity): YYMMDDHHMMSS (UTCTime rules for the year) or YYYYMMDDHHMMSS. */
function endDate(value: number): number {
  const text = String(value)
  const m = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text)
  if (!m) throw new AwsError('InvalidArgsException', `END_DATE ${text} is not YYMMDDHHMMSS or YYYYMMDDHHMMSS`)
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  // RFC 5280 4.1.2.5.1, as the API Reference restates it: YY >= 50 is 19YY, YY < 50 is 20YY.
  const year = m[1]?.length === 2 ? (y >= 50 ? 1900 : 2000) + y : y
  const ms = Date.UTC(year, mo - 1, d, h, mi, s)
  const back = new Date(ms)
  const parts = [back.getUTCFullYear(), back.getUTCMonth() + 1, back.getUTCDate(), back.getUTCHours()]
  if (parts.join() !== [year, mo, d, h].join() || mi > 59 || s > 59) {
    throw new AwsError('InvalidArgsException', `END_DATE ${text} is not a date`)
  }
  return ms
}

/**
 * The end of the validity a Validity structure asks for, from `at` (API Reference, Validity: DAYS, MONTHS and
 * YEARS count from now, END_DATE and ABSOLUTE name the end).
 */
function validityEnd(validity: Record<string, unknown>, at: Date): number {
  const type = readEnum(validity, 'Type', ['END_DATE', 'ABSOLUTE', 'DAYS', 'MONTHS', 'YEARS'] as const)
  const value = readInteger(validity, 'Value', 1, Number.MAX_SAFE_INTEGER)
  const end = new Date(at.getTime())
  switch (type) {
    case 'DAYS':
      return at.getTime() + value * DAY_MS
    case 'MONTHS':
      end.setUTCMonth(end.getUTCMonth() + value)
      return end.getTime()
    case 'YEARS':
      end.setUTCFullYear(end.getUTCFullYear() + value)
      return end.getTime()
    case 'ABSOLUTE':
      return value * 1000
    case 'END_DATE':
      return endDate(value)
  }
}

/**
 * The library's validity in whole days from `at`. An END_DATE or ABSOLUTE end that is not a whole number of days
 * away is rounded down to the day before (never past what was asked for).
 */
function periodDays(end: number, at: Date): number {
  const days = Math.floor((end - at.getTime()) / DAY_MS)
  if (!Number.isFinite(days) || days < 1) {
    throw new AwsError('InvalidArgsException', 'the validity must end at least one day from now')
  }
  return days
}

/** Now, to the second (certificates carry no fractions). */
function nowSeconds(now: Date): Date {
  const ms = now.getTime()
  return new Date(ms - (ms % 1000))
}

/** Whether two PEM texts hold the same CSR (the same DER, whatever the line ends); MalformedCSRException if not PEM. */
function sameCsr(given: string, own: string): boolean {
  let blocks: { der: Uint8Array }[]
  try {
    blocks = decodePem(given, { label: 'CERTIFICATE REQUEST' })
  } catch (e) {
    throw toAwsError(e, { malformed: 'MalformedCSRException' })
  }
  const ours = decodePem(own, { label: 'CERTIFICATE REQUEST' })[0]
  return blocks.length === 1 && ours !== undefined && bytesEqual((blocks[0] as { der: Uint8Array }).der, ours.der)
}

async function issueFor(call: AwsCall, ca: CertificateAuthority, csr: string, template: Template, end: number) {
  const { ctx } = call
  const at = nowSeconds(ctx.now())
  const where = { malformed: 'MalformedCSRException', invalid: 'InvalidArgsException' } as const
  if (template.kind === 'root') {
    if (typeOf(ca) !== 'ROOT') {
      throw new AwsError('InvalidArgsException', "RootCACertificate/V1 is for a ROOT CA's own CSR")
    }
    if (ca.status !== 'PENDING_CERTIFICATE' || !ca.csr) {
      throw new AwsError(
        'InvalidStateException',
        `the CA is ${ca.status}: RootCACertificate/V1 needs PENDING_CERTIFICATE`,
      )
    }
    // The CA's key exists only here, so the one CSR for it is the CA's own (GetCertificateAuthorityCsr).
    if (!sameCsr(csr, ca.csr)) {
      throw new AwsError('InvalidArgsException', "RootCACertificate/V1 signs only the CA's own CSR")
    }
    const o = { validityDays: periodDays(end, at), crypto: ctx.crypto, at }
    const certificate = await attempt(selfSignCaCertificate(ca, o), where)
    const signed = { serialNo: parseCertificate(certificate).serialNo, certificate }
    await updateMeta(ctx, ca.id, (meta) => ({ ...meta, selfSigned: signed }))
    return signed.serialNo
  }
  const period = periodDays(end, at)
  if (template.kind === 'end-entity') {
    const o = { period, profile: template.profile, store: ctx.store, crypto: ctx.crypto, at }
    return (await attempt(signCsr(ca, csr, o), where)).serialNo
  }
  // signSubordinateCa keeps no registry: the certificate is recorded here, so that GetCertificate finds it.
  const o = { period, pathLen: template.pathLen, crypto: ctx.crypto, at }
  const certificate = await attempt(signSubordinateCa(ca, csr, o), where)
  const info = parseCertificate(certificate)
  await attempt(
    ctx.store.addIssued(ca.id, {
      serialNo: info.serialNo,
      certificate,
      issuedAt: new Date(info.notBefore).toISOString(),
      notAfter: new Date(info.notAfter).toISOString(),
      subject: info.subjectDn,
    }),
  )
  return info.serialNo
}

/**
 * IssueCertificate: signs a CSR (a PEM blob) with the CA and answers the new certificate's ARN. The template
 * decides the profile (end-entity, subordinate CA with a path length, or a ROOT's own certificate while it is
 * PENDING_CERTIFICATE); SigningAlgorithm must be the one pocket-ca uses for the CA key; the same IdempotencyToken
 * within five minutes answers the same certificate. ValidityNotBefore is not emulated (InvalidArgsException);
 * ApiPassthrough is ignored, as AWS ignores it for these templates.
 *
 * @example
 * const { CertificateArn } = await issueCertificateOperation(call)
 */
export async function issueCertificateOperation(call: AwsCall): Promise<{ CertificateArn: string }> {
  const { ctx, input, region } = call
  const ca = await loadByArn(ctx, input)
  const csr = readBlobText(input, 'Csr', 'MalformedCSRException')
  const signingAlgorithm = readEnum(input, 'SigningAlgorithm', AWS_SIGNING_ALGORITHMS)
  const validity = readObject(input, 'Validity')
  const template = templateOf(readString(input, 'TemplateArn', { optional: true, max: 200 }))
  const token = readString(input, 'IdempotencyToken', { optional: true, max: 36 })
  if (input.ValidityNotBefore !== undefined && input.ValidityNotBefore !== null) {
    throw new AwsError('InvalidArgsException', 'ValidityNotBefore is not emulated: certificates start now')
  }
  const now = ctx.now().getTime()
  const earlier = token === undefined ? undefined : metaOf(ca)?.issueTokens?.find((t) => t.token === token)
  if (earlier && now - earlier.at < IDEMPOTENCY_MS) {
    return { CertificateArn: certificateArn(region, ca.id, earlier.serialNo) }
  }
  // The CA's status first, as the library checks it first: a CA that is not ACTIVE signs nothing but its own CSR.
  if (template.kind !== 'root' && ca.status !== 'ACTIVE') {
    throw new AwsError('InvalidStateException', `the CA is ${ca.status}: it cannot issue certificates`)
  }
  checkSigningAlgorithm(ca.keyType, signingAlgorithm)
  const end = validityEnd(validity, nowSeconds(ctx.now()))
  const serialNo = await issueFor(call, ca, csr, template, end)
  if (token !== undefined) {
    // The certificate is issued (and recorded): a lost token only means a retry issues another certificate.
    await updateMetaBestEffort(ctx, ca.id, (meta) => ({
      ...meta,
      issueTokens: [
        ...(meta.issueTokens ?? []).filter((t) => t.token !== token && now - t.at < TOKEN_LIFETIME_MS),
        { token, serialNo, at: now },
      ],
    }))
  }
  return { CertificateArn: certificateArn(region, ca.id, serialNo) }
}

/**
 * GetCertificate: a certificate this CA issued, with the chain from the CA up to its root (a ROOT's self-signed
 * certificate comes without a chain).
 *
 * @example
 * const { Certificate, CertificateChain } = await getCertificate(call)
 */
export async function getCertificate(call: AwsCall): Promise<{ Certificate: string; CertificateChain?: string }> {
  const { ctx, input } = call
  const ca = await loadByArn(ctx, input)
  const { caId, serial } = certificateOf(readString(input, 'CertificateArn', { max: 200 }))
  if (caId !== ca.id) throw new AwsError('ResourceNotFoundException', 'the certificate was not issued by this CA')
  const serialNo = normalizeSerial(serial)
  if (!serialNo) throw new AwsError('InvalidArnException', `not a certificate serial: ${serial}`)
  try {
    const entry = await ctx.store.getIssued(ca.id, serialNo)
    return { Certificate: entry.certificate, CertificateChain: [ca.certificate, ...ca.chain].join('') }
  } catch (e) {
    const own = metaOf(ca)?.selfSigned
    if (e instanceof PkiNotFoundError && own?.serialNo === serialNo) return { Certificate: own.certificate }
    throw toAwsError(e)
  }
}

/** RevocationReason (API Reference, RevokeCertificate) -> RFC 5280 5.3.1 CRLReason name. */
const REASONS: Readonly<Record<string, RevocationReason>> = {
  UNSPECIFIED: 'unspecified',
  KEY_COMPROMISE: 'keyCompromise',
  CERTIFICATE_AUTHORITY_COMPROMISE: 'cACompromise',
  AFFILIATION_CHANGED: 'affiliationChanged',
  SUPERSEDED: 'superseded',
  CESSATION_OF_OPERATION: 'cessationOfOperation',
  PRIVILEGE_WITHDRAWN: 'privilegeWithdrawn',
  A_A_COMPROMISE: 'aACompromise',
}

/**
 * RevokeCertificate: records a certificate of this CA (serial in hex, with or without colons) as revoked, for the
 * CA's next CRL. A second revocation is RequestAlreadyProcessedException; the CA's own certificate cannot be
 * revoked by it (API Reference: "You cannot revoke a root CA self-signed certificate").
 *
 * @example
 * await revokeCertificateOperation(call) // {}
 */
export async function revokeCertificateOperation(call: AwsCall): Promise<Record<string, never>> {
  const { ctx, input } = call
  const id = caIdOf(readString(input, 'CertificateAuthorityArn', { max: 200 }))
  const serialText = readString(input, 'CertificateSerial', { max: 128 })
  const reason = readEnum(input, 'RevocationReason', Object.keys(REASONS))
  const ca = await attempt(ctx.store.loadCa(id))
  const serialNo = normalizeSerial(serialText)
  if (!serialNo) throw new AwsError('InvalidRequestException', `not a certificate serial in hex: ${serialText}`)
  if (ca.status !== 'ACTIVE' && ca.status !== 'DISABLED') {
    throw new AwsError('InvalidStateException', `the CA is ${ca.status}: it has issued nothing to revoke`)
  }
  const ownSerial = ca.certificate ? parseCertificate(ca.certificate).serialNo : undefined
  if (serialNo === ownSerial || serialNo === metaOf(ca)?.selfSigned?.serialNo) {
    throw new AwsError('InvalidRequestException', "a CA's own certificate cannot be revoked by the CA itself")
  }
  const entry = await attempt(ctx.store.getIssued(ca.id, serialNo))
  if (entry.status === 'REVOKED') {
    throw new AwsError('RequestAlreadyProcessedException', `certificate ${serialText} is already revoked`)
  }
  await attempt(
    revokeCertificate(ca, serialNo, REASONS[reason], { store: ctx.store, crypto: ctx.crypto, at: ctx.now() }),
    { invalid: 'InvalidRequestException' },
  )
  return {}
}
