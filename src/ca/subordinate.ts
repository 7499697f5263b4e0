import { checkNameConstraints } from '../cert/constraints.ts'
import { createCertificate } from '../cert/create.ts'
import { PROFILES } from '../cert/profiles.ts'
import { type CertificateParts, readBasicConstraints, readCertificate, readKeyUsageBits } from '../cert/read.ts'
import { randomSerial } from '../cert/serial.ts'
import type { NameConstraints } from '../cert/types.ts'
import { decodeNameConstraints, findViolation } from '../chain/name-constraints.ts'
import { checkPath } from '../chain/path.ts'
import { createCsr } from '../csr/create.ts'
import { OID } from '../der/oid.ts'
import { readSingle } from '../der/reader.ts'
import { PkiArgumentError, PkiChainError, PkiFormatError, PkiKeyMismatchError, PkiStateError } from '../errors.ts'
import { keyTypeSpec } from '../keys/generate.ts'
import type { KeyType } from '../keys/types.ts'
import { bytesEqual } from '../lib/bytes.ts'
import { randomUuid } from '../lib/crypto.ts'
import { readGeneralNames } from '../names/decode.ts'
import type { X509Parameters } from '../names/types.ts'
import { decodePem, encodePem } from '../pem/index.ts'
import { makeCaKeys, sealOption } from './custody.ts'
import { assertActive, assertValidAt, checkCaRecord, runtime, validity } from './options.ts'
import { applyChange, type StoreOption, storeOption } from './persist.ts'
import { readRequest } from './request.ts'
import { checkPathLen } from './root.ts'
import { checkSettings, issuedSettings } from './settings.ts'
import { caContext, levelsBelow } from './signer.ts'
import type { CertificateAuthority, Runtime } from './types.ts'

/** Options of {@link createSubordinateCa}. */
export interface CreateSubordinateCaOptions extends Runtime, StoreOption {
  subject: X509Parameters
  /** Default 'EC256'. */
  keyType?: KeyType
  /** Written into the certificates this CA issues once active. */
  crlUrls?: string[]
  ocspUrl?: string
  caIssuersUrl?: string
  /** Certificate policy OIDs for the certificates this CA issues. */
  policies?: string[]
  /** As for {@link createRootCa}: keep a sealed copy of the key for {@link exportCaBackup}. */
  allowBackup?: boolean
}

/**
 * Makes a subordinate CA's key pair here (private key non-extractable) and its CSR; the CA waits in
 * PENDING_CERTIFICATE until a certificate signed by a parent (here, with {@link signSubordinateCa}, or anywhere else)
 * is imported with {@link importCaCertificate}.
 *
 * @example
 * const sub = await createSubordinateCa({ subject: { commonName: 'Example Issuing CA 1' }, keyType: 'RSA2048' })
 * const csr = await getCaCsr(sub) // send it to the parent CA
 */
export async function createSubordinateCa(o: CreateSubordinateCaOptions): Promise<CertificateAuthority> {
  if (typeof o !== 'object' || o === null) throw new TypeError('createSubordinateCa takes an options object')
  const keyType = o.keyType ?? 'EC256'
  keyTypeSpec(keyType)
  const settings = checkSettings(o)
  const store = storeOption(o)
  const sealed = sealOption(o, store)
  const { crypto } = runtime(o)
  const { keys, sealedKey } = await makeCaKeys(crypto, keyType, sealed)
  const csr = await createCsr(keys, o.subject, { crypto })
  const ca: CertificateAuthority = {
    id: randomUuid(crypto),
    status: 'PENDING_CERTIFICATE',
    keyType,
    keys,
    csr,
    chain: [],
    settings,
    revoked: [],
    crlNumber: 0,
    ...(sealedKey ? { sealedKey } : {}),
  }
  await store?.addCa(ca)
  return ca
}

/**
 * The CSR of a subordinate CA, available only while it is PENDING_CERTIFICATE (as the cloud APIs refuse it once the
 * CA is signed): PkiStateError afterwards.
 *
 * @example
 * const csrPem = await getCaCsr(sub)
 */
export async function getCaCsr(ca: CertificateAuthority): Promise<string> {
  checkCaRecord(ca)
  if (ca.status !== 'PENDING_CERTIFICATE' || !ca.csr) {
    throw new PkiStateError(ca.status, `the CA is ${ca.status}: its CSR is only available while PENDING_CERTIFICATE`)
  }
  return ca.csr
}

/** Options of {@link signSubordinateCa}. */
export interface SignSubordinateCaOptions extends Runtime {
  /** Days, 1..3650, or 'MAX' (default: 'MAX', as long as the parent allows). */
  period?: number | 'MAX'
  /** How many CA levels may sit below the new CA (default 0: it issues end-entity certificates only). */
  pathLen?: number
  /** Name constraints for the new CA (only ever narrows what it may issue). */
  nameConstraints?: NameConstraints
}

/**
 * Signs a subordinate CA's CSR with a parent CA (profile `subordinate-ca`): verifies the CSR, keeps within the
 * parent's limits (validity, pathLen, name constraints), and returns the certificate PEM to import.
 *
 * @example
 * const certificate = await signSubordinateCa(root, await getCaCsr(sub), { period: 1825, pathLen: 0 })
 * const active = await importCaCertificate(sub, certificate, [root.certificate, ...root.chain].join(''))
 */
export async function signSubordinateCa(
  parent: CertificateAuthority,
  csr: string | Uint8Array,
  o?: SignSubordinateCaOptions,
): Promise<string> {
  checkCaRecord(parent, 'parent')
  const { crypto, at } = runtime(o)
  const requestedPathLen = checkPathLen(o?.pathLen)
  const nameConstraints = checkNameConstraints(o?.nameConstraints)
  assertActive(parent)
  const context = await caContext(crypto, parent)
  assertValidAt(parent, context.certificate.notBefore, context.certificate.notAfter, at)
  const { notBefore, notAfter } = validity(at, o?.period ?? 'MAX', context.validUntil)

  // RFC 5280 4.2.1.9: every pathLenConstraint above bounds the CA levels below it (levelsBelow counts the chain).
  const levels = context.levelsBelow
  if (levels !== undefined && levels < 1) {
    throw new PkiArgumentError('pathLen', 'the chain above this CA allows no further CA level: it may not sign a CA')
  }
  const pathLen = requestedPathLen ?? 0
  if (levels !== undefined && pathLen > levels - 1) {
    throw new PkiArgumentError('pathLen', `the chain above this CA allows at most pathLen ${levels - 1} for a new CA`)
  }

  const request = await readRequest(crypto, csr)
  // RFC 5280 4.1.2.6: a CA's subject is a non-empty name; the same name as the parent's would make it self-issued.
  if (request.subjectEntries.length === 0)
    throw new PkiArgumentError('csr', 'a CA certificate needs a non-empty subject')
  if (bytesEqual(request.subject, context.certificate.subject)) {
    throw new PkiArgumentError('csr', "the CSR subject is the parent CA's own name")
  }
  // The SANs a CA's CSR asks for are not written into its certificate (the profile has none), but they must still
  // fit the constraints: a CA named outside its parent's subtrees is refused outright.
  for (const nc of context.constraints) {
    const violation = findViolation(nc, {
      subject: request.subjectEntries,
      dnsNames: request.dnsNames,
      emails: request.emails,
      ips: request.ips,
    })
    if (violation) throw new PkiArgumentError('csr', `${violation.name} is outside the parent CA's name constraints`)
  }
  const der = await createCertificate(
    crypto,
    {
      serialNumber: randomSerial(crypto),
      subject: request.subject,
      notBefore,
      notAfter,
      publicKey: request.spki,
      isCa: true,
      pathLen,
      keyUsage: PROFILES['subordinate-ca'].keyUsage,
      ...(nameConstraints ? { nameConstraints } : {}),
      ...issuedSettings(parent.settings),
    },
    context.signer,
  )
  return encodePem('CERTIFICATE', der)
}

function readCertificates(text: string, field: string): { pem: string; parts: CertificateParts }[] {
  if (typeof text !== 'string') throw new TypeError(`${field} must be PEM text`)
  return decodePem(text, { label: 'CERTIFICATE' }).map((b) => ({
    pem: encodePem('CERTIFICATE', b.der),
    parts: readCertificate(b.der),
  }))
}

/**
 * Orders the given chain from the certificate's issuer up to a self-signed root by following issuer names, so the
 * caller may list it in any order; certificates that are not on that path are left out.
 */
function orderChain(
  leaf: CertificateParts,
  pool: { pem: string; parts: CertificateParts }[],
): { pem: string; parts: CertificateParts }[] {
  const path: { pem: string; parts: CertificateParts }[] = []
  let current = leaf
  while (!bytesEqual(current.issuer, current.subject) && path.length < pool.length) {
    const next = pool.find((c) => !path.includes(c) && bytesEqual(c.parts.subject, current.issuer))
    if (!next) break
    path.push(next)
    current = next.parts
  }
  return path
}

/**
 * Activates a pending subordinate CA with its certificate and the issuer chain (PEM blocks, issuer first, up to and
 * including the root; any order is accepted; one text or an array of texts). A self-signed certificate for the CA's
 * own key (see {@link selfSignCaCertificate}) needs no chain: the CA becomes a root. Checks that the certificate holds this CA's public key
 * (PkiKeyMismatchError), is a CA certificate (basicConstraints cA and keyCertSign; PkiArgumentError on
 * `certificate`), and chains to a self-signed root with every signature and validity period good at `at`
 * (PkiChainError). On any failure nothing changes: the CA stays PENDING_CERTIFICATE.
 *
 * @example
 * const active = await importCaCertificate(sub, certPem, rootPem)
 * active.status // 'ACTIVE'
 */
export async function importCaCertificate(
  ca: CertificateAuthority,
  certificate: string,
  chain?: string | readonly string[],
  o?: Runtime & StoreOption,
): Promise<CertificateAuthority> {
  checkCaRecord(ca)
  const store = storeOption(o)
  if (typeof certificate !== 'string') throw new TypeError('certificate must be PEM text')
  // The chain as one PEM text, or as a record's `chain` array of PEM texts.
  const chainText = Array.isArray(chain) ? chain.join('') : chain
  if (chainText !== undefined && typeof chainText !== 'string')
    throw new TypeError('chain must be PEM text or an array of PEM texts')
  if (ca.status !== 'PENDING_CERTIFICATE') {
    throw new PkiStateError(ca.status, `the CA is ${ca.status}: only a PENDING_CERTIFICATE CA takes a certificate`)
  }
  const { crypto, at } = runtime(o)
  const certs = readCertificates(certificate, 'certificate')
  if (certs.length !== 1) throw new PkiFormatError(`expected one CERTIFICATE, found ${certs.length}`)
  const cert = certs[0] as { pem: string; parts: CertificateParts }
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', ca.keys.publicKey))
  if (!bytesEqual(spki, cert.parts.spki)) {
    throw new PkiKeyMismatchError('the certificate does not hold this CA public key')
  }
  const bc = readBasicConstraints(cert.parts.extensions.get(OID.basicConstraints))
  const usage = readKeyUsageBits(cert.parts.extensions.get(OID.keyUsage))
  if (!bc.isCa || (usage && !usage.has(5))) {
    throw new PkiArgumentError('certificate', 'not a CA certificate (basicConstraints cA and keyCertSign are needed)')
  }
  // A self-signed certificate (from selfSignCaCertificate, or the AWS RootCACertificate/V1 flow) is its own
  // chain: checkPath below still checks its signature with its own key.
  const selfSigned = bytesEqual(cert.parts.issuer, cert.parts.subject)
  if (!selfSigned && (chainText === undefined || chainText.trim() === '')) {
    throw new PkiArgumentError('chain', 'the issuer chain (up to and including the root) is needed')
  }
  const ordered = selfSigned ? [] : orderChain(cert.parts, readCertificates(chainText as string, 'chain'))
  const path = [cert.parts, ...ordered.map((c) => c.parts)]
  await checkPath(crypto, path, at)
  // The new CA is itself a CA level below everything above it (RFC 5280 6.1.4 (l)): it must fit their pathLen.
  const levels = levelsBelow(path)
  if (levels !== undefined && levels < 0) {
    throw new PkiChainError('path_len_exceeded', 0, 'the chain above allows no further CA level for this CA')
  }
  const san = cert.parts.extensions.get(OID.subjectAltName)
  const names = san ? readGeneralNames(readSingle(san.value)) : { dnsNames: [], emails: [], ips: [] }
  for (const issuer of ordered) {
    const nc = issuer.parts.extensions.get(OID.nameConstraints)
    const violation =
      nc && findViolation(decodeNameConstraints(nc.value), { subject: cert.parts.subjectEntries, ...names })
    if (violation)
      throw new PkiChainError(violation.reason, 0, `${violation.name} is outside the chain's name constraints`)
  }
  // With a store, the stored CA must still be pending: another tab or process may have activated it meanwhile.
  return applyChange(ca, store, (state) => {
    if (state.status !== 'PENDING_CERTIFICATE') {
      throw new PkiStateError(
        state.status,
        `the CA is ${state.status}: only a PENDING_CERTIFICATE CA takes a certificate`,
      )
    }
    const { csr: _csr, ...rest } = state
    return { ...rest, status: 'ACTIVE', certificate: cert.pem, chain: ordered.map((c) => c.pem) }
  })
}
