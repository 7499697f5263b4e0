/**
 * The AWS Private CA operations on certificate authorities (API Reference, Actions): CreateCertificateAuthority,
 * DescribeCertificateAuthority, ListCertificateAuthorities, GetCertificateAuthorityCsr,
 * GetCertificateAuthorityCertificate, ImportCertificateAuthorityCertificate, UpdateCertificateAuthority and
 * DeleteCertificateAuthority, each on the CA records of `ctx.store` through the library's CA functions.
 */
import { checkSettings } from '../ca/settings.ts'
import { createSubordinateCa, getCaCsr, importCaCertificate } from '../ca/subordinate.ts'
import type { CaSettings, CertificateAuthority } from '../ca/types.ts'
import { parseCertificate } from '../cert/parse.ts'
import { PkiStateError } from '../errors.ts'
import { fromBase64, fromUtf8, toBase64, utf8 } from '../lib/bytes.ts'
import type { CaState } from '../store/types.ts'
import {
  AWS_SIGNING_ALGORITHMS,
  type AwsCaMeta,
  type AwsCaState,
  caArn,
  caIdOf,
  checkSigningAlgorithm,
  describeCa,
  KEY_ALGORITHMS,
  metaOf,
  subjectParameters,
  typeOf,
  withMeta,
} from './aws-model.ts'
import {
  AwsError,
  type ErrorContext,
  readBlobText,
  readEnum,
  readInteger,
  readObject,
  readString,
  toAwsError,
} from './aws-protocol.ts'
import type { CompatContext } from './context.ts'

/**
 * One call of an operation: the handler's context, the region of the request and its JSON input.
 *
 * @example
 * const body = await describeCertificateAuthority({ ctx, region: 'us-east-1', input: { CertificateAuthorityArn } })
 */
export interface AwsCall {
  ctx: CompatContext
  region: string
  input: Record<string, unknown>
}

/**
 * How long AWS recognises an idempotency token (API Reference: "within five minutes").
 *
 * @example
 * const same = now - meta.createdAt < IDEMPOTENCY_MS
 */
export const IDEMPOTENCY_MS = 5 * 60_000

/**
 * Runs a library call and turns what it throws into the operation's AWS error.
 *
 * @example
 * const ca = await attempt(ctx.store.loadCa(id))
 */
export async function attempt<T>(work: Promise<T>, where?: ErrorContext): Promise<T> {
  try {
    return await work
  } catch (e) {
    throw toAwsError(e, where)
  }
}

/**
 * The CA an ARN names, keys included: InvalidArnException for a malformed ARN, ResourceNotFoundException for an
 * unknown CA.
 *
 * @example
 * const ca = await loadByArn(ctx, input.CertificateAuthorityArn)
 */
export async function loadByArn(ctx: CompatContext, input: Record<string, unknown>): Promise<CertificateAuthority> {
  const id = caIdOf(readString(input, 'CertificateAuthorityArn', { max: 200 }))
  return attempt(ctx.store.loadCa(id))
}

/**
 * Writes a new `aws` member into a stored CA (nothing else changes).
 *
 * @example
 * await updateMeta(ctx, ca.id, (meta) => ({ ...meta, lastStateChangeAt: Date.now() }))
 */
export async function updateMeta(
  ctx: CompatContext,
  id: string,
  change: (meta: AwsCaMeta) => AwsCaMeta,
): Promise<void> {
  await attempt(
    ctx.store.updateCa(id, (state: CaState): AwsCaState => {
      const meta = metaOf(state)
      return meta ? withMeta(state, change(meta)) : state
    }),
  )
}

/**
 * updateMeta after an operation's main change has committed: a failure is ignored, because the client must not get
 * an error for a change that was made (a retry would then meet a changed CA). The metadata written this way is
 * bookkeeping (a timestamp, an idempotency token) whose loss costs a little accuracy, not the operation.
 *
 * @example
 * await updateMetaBestEffort(ctx, ca.id, (meta) => ({ ...meta, lastStateChangeAt: Date.now() }))
 */
export async function updateMetaBestEffort(
  ctx: CompatContext,
  id: string,
  change: (meta: AwsCaMeta) => AwsCaMeta,
): Promise<void> {
  try {
    await updateMeta(ctx, id, change)
  } catch {
    // Best-effort by design (see above); the main change stands.
  }
}

/** CRL and OCSP settings from a RevocationConfiguration (API Reference, CrlConfiguration and OcspConfiguration). */
function revocationSettings(revocation: Record<string, unknown> | undefined, id: string, region: string): CaSettings {
  const crl = revocation && readObject(revocation, 'CrlConfiguration', true)
  const ocsp = revocation && readObject(revocation, 'OcspConfiguration', true)
  const urls: { crlUrls?: string[]; ocspUrl?: string } = {}
  if (crl && crl.Enabled === true) {
    const cname = readString(crl, 'CustomCname', { optional: true, max: 253 })
    const bucket = readString(crl, 'S3BucketName', { optional: true, max: 255 })
    const path = readString(crl, 'CustomPath', { optional: true, max: 253 }) ?? 'crl'
    const omit = readObject(crl, 'CrlDistributionPointExtensionConfiguration', true)?.OmitExtension === true
    // The distribution point AWS writes: http://<CustomCname or the bucket's S3 host>/crl/<CA id>.crl.
    const host = cname ?? (bucket ? `${bucket}.s3.${region}.amazonaws.com` : undefined)
    if (host && !omit) urls.crlUrls = [`http://${host}/${path}/${id}.crl`]
  }
  if (ocsp && ocsp.Enabled === true) {
    const cname = readString(ocsp, 'OcspCustomCname', { optional: true, max: 253 })
    urls.ocspUrl = `http://${cname ?? `ocsp.acm-pca.${region}.amazonaws.com`}`
  }
  try {
    return checkSettings(urls)
  } catch (e) {
    throw toAwsError(e)
  }
}

/**
 * CreateCertificateAuthority: a ROOT or SUBORDINATE CA, PENDING_CERTIFICATE with a CSR (as AWS makes both; a ROOT
 * then signs its own CSR with IssueCertificate, RootCACertificate/V1). The key is made here and never leaves.
 * CsrExtensions, Tags and KeyStorageSecurityStandard are accepted and not applied.
 *
 * @example
 * const { CertificateAuthorityArn } = await createCertificateAuthority(call)
 */
export async function createCertificateAuthority(call: AwsCall): Promise<{ CertificateAuthorityArn: string }> {
  const { ctx, input, region } = call
  const config = readObject(input, 'CertificateAuthorityConfiguration')
  const type = readEnum(input, 'CertificateAuthorityType', ['ROOT', 'SUBORDINATE'] as const)
  const keyAlgorithm = readEnum(config, 'KeyAlgorithm', [...Object.keys(KEY_ALGORITHMS), 'SM2'])
  const signingAlgorithm = readEnum(config, 'SigningAlgorithm', AWS_SIGNING_ALGORITHMS)
  const subjectInput = readObject(config, 'Subject')
  const revocation = readObject(input, 'RevocationConfiguration', true)
  const token = readString(input, 'IdempotencyToken', { optional: true, max: 36 })
  const usageMode = readEnum(input, 'UsageMode', ['GENERAL_PURPOSE', 'SHORT_LIVED_CERTIFICATE'] as const, true)
  const keyType = KEY_ALGORITHMS[keyAlgorithm]
  if (!keyType) throw new AwsError('InvalidArgsException', `KeyAlgorithm ${keyAlgorithm} is not emulated by pocket-ca`)
  checkSigningAlgorithm(keyType, signingAlgorithm)
  const { parameters, given } = subjectParameters(subjectInput)
  const now = ctx.now().getTime()

  if (token !== undefined) {
    // API Reference: the same IdempotencyToken within five minutes creates one CA only.
    const states = await attempt(ctx.store.listCas())
    const same = states.find((s) => {
      const meta = metaOf(s)
      return meta?.idempotencyToken === token && now - meta.createdAt < IDEMPOTENCY_MS
    })
    if (same) return { CertificateAuthorityArn: caArn(region, same.id) }
  }

  const pending = await attempt(
    createSubordinateCa({
      subject: parameters,
      keyType,
      crypto: ctx.crypto,
      // A store that keeps keys only as encrypted PKCS#8 (the file store) needs the key sealed when it is made.
      allowBackup: ctx.store.keeps === 'encrypted-pkcs8',
    }),
  )
  const meta: AwsCaMeta = {
    type,
    createdAt: now,
    lastStateChangeAt: now,
    keyAlgorithm,
    signingAlgorithm,
    subject: given,
    ...(revocation ? { revocationConfiguration: revocation } : {}),
    ...(usageMode ? { usageMode } : {}),
    ...(token !== undefined ? { idempotencyToken: token } : {}),
  }
  const record: CertificateAuthority = withMeta(
    { ...pending, settings: { ...pending.settings, ...revocationSettings(revocation, pending.id, region) } },
    meta,
  )
  await attempt(ctx.store.addCa(record))
  return { CertificateAuthorityArn: caArn(region, pending.id) }
}

/**
 * DescribeCertificateAuthority.
 *
 * @example
 * const { CertificateAuthority } = await describeCertificateAuthority(call)
 */
export async function describeCertificateAuthority(call: AwsCall): Promise<{ CertificateAuthority: unknown }> {
  const ca = await loadByArn(call.ctx, call.input)
  return { CertificateAuthority: describeCa(ca, call.region) }
}

function pageToken(offset: number): string {
  return toBase64(utf8(JSON.stringify({ offset })))
}

function pageOffset(token: string): number {
  const bytes = fromBase64(token)
  let offset: unknown
  try {
    offset = bytes && (JSON.parse(fromUtf8(bytes)) as { offset?: unknown }).offset
  } catch {
    offset = undefined
  }
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw new AwsError('InvalidNextTokenException', 'the NextToken is not one this service gave out')
  }
  return offset
}

/**
 * ListCertificateAuthorities: every CA in the store, oldest first, MaxResults (1..1000) at a time with NextToken.
 * ResourceOwner OTHER_ACCOUNTS lists nothing (one local account).
 *
 * @example
 * const { CertificateAuthorities, NextToken } = await listCertificateAuthorities(call)
 */
export async function listCertificateAuthorities(
  call: AwsCall,
): Promise<{ CertificateAuthorities: unknown[]; NextToken?: string }> {
  const { ctx, input, region } = call
  const max = readInteger(input, 'MaxResults', 1, 1000, true) ?? 1000
  const token = readString(input, 'NextToken', { optional: true, max: 43739 })
  const owner = readEnum(input, 'ResourceOwner', ['SELF', 'OTHER_ACCOUNTS'] as const, true)
  const offset = token === undefined ? 0 : pageOffset(token)
  if (owner === 'OTHER_ACCOUNTS') return { CertificateAuthorities: [] }
  const states = await attempt(ctx.store.listCas())
  const page = states.slice(offset, offset + max)
  const next = offset + max < states.length ? { NextToken: pageToken(offset + max) } : {}
  return { CertificateAuthorities: page.map((s) => describeCa(s, region)), ...next }
}

/**
 * GetCertificateAuthorityCsr: the CSR while the CA is PENDING_CERTIFICATE (InvalidStateException afterwards).
 *
 * @example
 * const { Csr } = await getCertificateAuthorityCsr(call)
 */
export async function getCertificateAuthorityCsr(call: AwsCall): Promise<{ Csr: string }> {
  const ca = await loadByArn(call.ctx, call.input)
  return { Csr: await attempt(getCaCsr(ca)) }
}

/**
 * GetCertificateAuthorityCertificate: the CA certificate and the chain above it (none for a root), once imported.
 *
 * @example
 * const { Certificate, CertificateChain } = await getCertificateAuthorityCertificate(call)
 */
export async function getCertificateAuthorityCertificate(
  call: AwsCall,
): Promise<{ Certificate: string; CertificateChain?: string }> {
  const ca = await loadByArn(call.ctx, call.input)
  if (!ca.certificate) {
    throw new AwsError('InvalidStateException', `the CA is ${ca.status}: it has no certificate yet`)
  }
  return { Certificate: ca.certificate, ...(ca.chain.length ? { CertificateChain: ca.chain.join('') } : {}) }
}

/**
 * ImportCertificateAuthorityCertificate: activates a PENDING_CERTIFICATE CA. A ROOT takes its self-signed
 * certificate and no chain; a SUBORDINATE takes a certificate issued by another CA and the chain up to the root
 * (API Reference: "CertificateChain ... not required for a root CA"). Replacing the certificate of an ACTIVE CA,
 * which AWS allows, is refused here (InvalidStateException).
 *
 * @example
 * await importCertificateAuthorityCertificate(call) // {}
 */
export async function importCertificateAuthorityCertificate(call: AwsCall): Promise<Record<string, never>> {
  const { ctx, input } = call
  const ca = await loadByArn(ctx, input)
  const certificate = readBlobText(input, 'Certificate', 'MalformedCertificateException')
  const chain = readBlobText(input, 'CertificateChain', 'MalformedCertificateException', true)
  if (ca.status !== 'PENDING_CERTIFICATE') {
    throw new AwsError('InvalidStateException', `the CA is ${ca.status}: only a PENDING_CERTIFICATE CA is emulated`)
  }
  let selfIssued: boolean
  try {
    selfIssued = parseCertificate(certificate).selfIssued
  } catch (e) {
    throw toAwsError(e, { malformed: 'MalformedCertificateException' })
  }
  const type = typeOf(ca)
  if (type === 'ROOT' && !selfIssued) {
    throw new AwsError('InvalidRequestException', 'a ROOT CA takes its own self-signed certificate')
  }
  if (type === 'SUBORDINATE' && selfIssued) {
    throw new AwsError('InvalidRequestException', 'a SUBORDINATE CA takes a certificate issued by another CA')
  }
  if (type === 'SUBORDINATE' && !chain) {
    throw new AwsError('InvalidRequestException', 'a SUBORDINATE CA needs the CertificateChain up to its root')
  }
  // A self-signed certificate needs no chain: importCaCertificate checks it as a path of one, a root.
  await attempt(
    importCaCertificate(ca, certificate, type === 'ROOT' ? undefined : chain, {
      store: ctx.store,
      crypto: ctx.crypto,
      at: ctx.now(),
    }),
    { malformed: 'MalformedCertificateException', invalid: 'InvalidRequestException' },
  )
  const now = ctx.now().getTime()
  // importCaCertificate applied its own store change (the CA is ACTIVE now): the timestamp is best-effort.
  await updateMetaBestEffort(ctx, ca.id, (meta) => ({ ...meta, lastStateChangeAt: now }))
  return {}
}

/**
 * UpdateCertificateAuthority: Status ACTIVE or DISABLED (an ACTIVE CA disabled, a DISABLED one enabled; the status
 * it already has is no change), and a new RevocationConfiguration for the certificates issued from now on.
 *
 * @example
 * await updateCertificateAuthority({ ...call, input: { CertificateAuthorityArn, Status: 'DISABLED' } })
 */
export async function updateCertificateAuthority(call: AwsCall): Promise<Record<string, never>> {
  const { ctx, input, region } = call
  const ca = await loadByArn(ctx, input)
  const status = readEnum(
    input,
    'Status',
    ['CREATING', 'PENDING_CERTIFICATE', 'ACTIVE', 'DELETED', 'DISABLED', 'EXPIRED', 'FAILED'] as const,
    true,
  )
  const revocation = readObject(input, 'RevocationConfiguration', true)
  if (status !== undefined && status !== 'ACTIVE' && status !== 'DISABLED') {
    throw new AwsError('InvalidArgsException', `Status may be ACTIVE or DISABLED, not ${status}`)
  }
  const settings = revocation ? revocationSettings(revocation, ca.id, region) : undefined
  const changesStatus = status !== undefined && status !== ca.status
  if (!changesStatus && !settings) return {}
  const now = ctx.now().getTime()
  // One store change for the status, the revocation settings and lastStateChangeAt: separate writes could fail after
  // the first committed, and the client would get an error for a change that was made.
  await attempt(
    ctx.store.updateCa(ca.id, (state: CaState): AwsCaState => {
      let next: CaState = state
      if (changesStatus) {
        // The check disableCa / enableCa make, against the stored status (another request may have changed it).
        const from = status === 'DISABLED' ? 'ACTIVE' : 'DISABLED'
        if (state.status !== from) {
          const verb = status === 'DISABLED' ? 'disabled' : 'enabled'
          throw new PkiStateError(
            state.status,
            `only a CA in status ${from} can be ${verb}; this one is ${state.status}`,
          )
        }
        next = { ...next, status }
      }
      if (settings) {
        const { crlUrls: _crl, ocspUrl: _ocsp, ...kept } = next.settings
        next = { ...next, settings: { ...kept, ...settings } }
      }
      const meta = metaOf(state)
      if (!meta) return next
      return withMeta(next, {
        ...meta,
        ...(settings ? { revocationConfiguration: revocation } : {}),
        ...(changesStatus ? { lastStateChangeAt: now } : {}),
      })
    }),
  )
  return {}
}

/**
 * DeleteCertificateAuthority: a CA that is not ACTIVE (API Reference: "you must disable it" first) is removed with
 * its registry. AWS keeps a deleted CA restorable for PermanentDeletionTimeInDays (7..30); the emulator removes it
 * at once, and there is no RestoreCertificateAuthority.
 *
 * @example
 * await deleteCertificateAuthority(call) // {}
 */
export async function deleteCertificateAuthority(call: AwsCall): Promise<Record<string, never>> {
  const { ctx, input } = call
  const ca = await loadByArn(ctx, input)
  readInteger(input, 'PermanentDeletionTimeInDays', 7, 30, true)
  if (ca.status === 'ACTIVE') {
    throw new AwsError('InvalidStateException', 'the CA is ACTIVE: disable it (UpdateCertificateAuthority) first')
  }
  await attempt(ctx.store.deleteCa(ca.id))
  return {}
}
