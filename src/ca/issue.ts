import { createCertificate } from '../cert/create.ts'
import { PROFILES, type Profile } from '../cert/profiles.ts'
import { formatSerial, randomSerial } from '../cert/serial.ts'
import { findViolation } from '../chain/name-constraints.ts'
import { OID } from '../der/oid.ts'
import { readSingle } from '../der/reader.ts'
import { PkiArgumentError, PkiStorageError } from '../errors.ts'
import { exportPrivateKey } from '../keys/export.ts'
import { generateKeyPair, keyTypeSpec } from '../keys/generate.ts'
import type { KeyType } from '../keys/types.ts'
import { type NameEntry, readRdns } from '../names/decode.ts'
import { formatDn } from '../names/dn.ts'
import { normalizeDnsName } from '../names/dns.ts'
import { normalizeEmail } from '../names/email.ts'
import { encodeName } from '../names/encode.ts'
import { parseIp } from '../names/ip.ts'
import { checkX509Parameters } from '../names/subject.ts'
import type { NameAttribute, X509Parameters } from '../names/types.ts'
import { encodePem } from '../pem/index.ts'
import type { CaStore } from '../store/types.ts'
import { assertActive, assertValidAt, checkCaRecord, runtime, validity } from './options.ts'
import { type StoreOption, storeOption } from './persist.ts'
import { startRequest } from './request.ts'
import { issuedSettings } from './settings.ts'
import { type CaContext, caContext } from './signer.ts'
import type { CertificateAuthority, IssuedCertificate, Runtime } from './types.ts'

/** The profiles an end-entity issuance takes (CA certificates come from signSubordinateCa). */
const END_ENTITY_PROFILES = ['tls-server', 'tls-client', 'tls-server-client', 'email', 'code-signing'] as const

function checkProfile(profile: unknown): Profile {
  if (profile === undefined) return 'tls-server'
  if (typeof profile !== 'string') throw new TypeError('profile must be a string')
  if (!(END_ENTITY_PROFILES as readonly string[]).includes(profile)) {
    throw new PkiArgumentError(
      'profile',
      `profile must be one of ${END_ENTITY_PROFILES.join(', ')} (CA certificates: signSubordinateCa)`,
    )
  }
  return profile as Profile
}

/** What an issuance puts into a certificate, whatever it came from (parameters or a CSR). */
interface Subject {
  entries: NameEntry[]
  dnsNames: string[]
  emails: string[]
  ips: Uint8Array[]
  spki: Uint8Array
  keyType: KeyType
}

/** The attribute types written as PrintableString (RFC 5280 appendix A: country); the rest as UTF8String. */
function encodeEntries(entries: readonly NameEntry[]): Uint8Array {
  return encodeName(
    entries.map((e) => ({
      type: 'commonName',
      oid: e.oid,
      value: e.value,
      stringType: e.oid === OID.country ? 'printable' : 'utf8',
    })),
  )
}

/**
 * Applies the profile's rule for the commonName (CA/B BR 7.1.4.3: in a TLS certificate the CN, if present, is one
 * of the SANs, in the same form) and returns the subject entries and SANs to write. `field` names the input to blame.
 */
function applyProfile(profile: Profile, subject: Subject, field: string): Subject {
  const rule = PROFILES[profile].commonNameInSan
  const dnsNames = [...subject.dnsNames]
  const emails = [...subject.emails]
  const ips = [...subject.ips]
  let entries = subject.entries
  const cns = entries.filter((e) => e.oid === OID.commonName)
  if (rule === 'dns-or-ip') {
    if (cns.length > 1) throw new PkiArgumentError(field, `a ${profile} certificate takes at most one common name`)
    const cn = cns[0]?.value
    if (cn !== undefined) {
      const ip = parseIp(cn)
      const dns = ip ? null : normalizeDnsName(cn, { wildcard: true })
      if (ip) {
        if (!ips.some((x) => x.length === ip.length && x.every((b, i) => b === ip[i]))) ips.push(ip)
      } else if (dns) {
        if (!dnsNames.includes(dns)) dnsNames.unshift(dns)
        // The CN is written exactly as its SAN entry (lower case, punycode).
        entries = entries.map((e) => (e.oid === OID.commonName ? { oid: e.oid, value: dns } : e))
      } else {
        throw new PkiArgumentError(
          field,
          `for a ${profile} certificate the common name must be a DNS name or an IP address`,
        )
      }
    }
    if (dnsNames.length === 0 && ips.length === 0) {
      throw new PkiArgumentError(field, `a ${profile} certificate needs a DNS name or an IP address`)
    }
  }
  if (rule === 'email') {
    for (const cn of cns) {
      const mailbox = cn.value.includes('@') ? normalizeEmail(cn.value) : null
      if (mailbox && !emails.includes(mailbox)) emails.unshift(mailbox)
    }
    if (emails.length === 0) throw new PkiArgumentError(field, 'an email certificate needs an e-mail address')
  }
  // RFC 5280 4.1.2.6: a certificate names its subject in the subject field, the SAN, or both; never neither.
  if (entries.length === 0 && dnsNames.length === 0 && emails.length === 0 && ips.length === 0) {
    throw new PkiArgumentError(field, 'the certificate would name no subject: give a subject or a SAN')
  }
  return { ...subject, entries, dnsNames, emails, ips }
}

/**
 * The CA that signs at `at` and its context: with a store, the stored record (its status, chain and settings are
 * the current ones, whatever the caller's copy says); status first, then the CA certificate's own validity.
 */
async function signingCa(
  crypto: Crypto,
  ca: CertificateAuthority,
  at: Date,
  store: CaStore | undefined,
): Promise<{ issuer: CertificateAuthority; context: CaContext }> {
  const issuer = store ? await store.loadCa(ca.id) : ca
  assertActive(issuer)
  const context = await caContext(crypto, issuer)
  assertValidAt(issuer, context.certificate.notBefore, context.certificate.notAfter, at)
  return { issuer, context }
}

/** How many fresh serials an issuance tries when the store's registry already has one (1 in 2^127 each). */
const SERIAL_ATTEMPTS = 3

function isTakenSerial(e: unknown): boolean {
  return e instanceof PkiArgumentError && e.field === 'serialNo'
}

async function issue(
  crypto: Crypto,
  at: Date,
  ca: CertificateAuthority,
  context: CaContext,
  requested: Subject,
  profile: Profile,
  period: unknown,
  field: string,
  store: CaStore | undefined,
  ready?: Promise<void>,
): Promise<Omit<IssuedCertificate, 'privateKey'>> {
  const { notBefore, notAfter } = validity(at, period, context.validUntil)
  const subject = applyProfile(profile, requested, field)
  for (const nc of context.constraints) {
    const violation = findViolation(nc, { subject: subject.entries, ...subject })
    if (violation) {
      const how = violation.reason === 'name_excluded' ? 'excluded by' : 'not permitted by'
      throw new PkiArgumentError(field, `${violation.name} is ${how} the CA's name constraints`)
    }
  }
  const spec = PROFILES[profile]
  const subjectDer = encodeEntries(subject.entries)
  const issuer = ca.certificate as string
  for (let attempt = 1; ; attempt++) {
    const serialNumber = randomSerial(crypto)
    const der = await createCertificate(
      crypto,
      {
        serialNumber,
        subject: subjectDer,
        notBefore,
        notAfter,
        publicKey: subject.spki,
        isCa: false,
        keyUsage: subject.keyType.startsWith('RSA') ? [...spec.keyUsage, ...spec.rsaKeyUsage] : spec.keyUsage,
        extKeyUsage: spec.extKeyUsage,
        dnsNames: subject.dnsNames,
        emails: subject.emails,
        ips: subject.ips,
        ...issuedSettings(ca.settings),
      },
      context.signer,
      ready,
    )
    const issued = {
      certificate: encodePem('CERTIFICATE', der),
      serialNo: formatSerial(serialNumber),
      caChain: [issuer, ...ca.chain].join(''),
      ocspResponder: ca.settings.ocspUrl ?? '',
      issuer,
    }
    if (!store) return issued
    // The registry refuses a serial it already has, atomically; a fresh serial means signing again.
    try {
      await store.addIssued(ca.id, {
        serialNo: issued.serialNo,
        certificate: issued.certificate,
        issuedAt: notBefore.toISOString(),
        notAfter: notAfter.toISOString(),
        subject: formatDn(readRdns(readSingle(subjectDer))),
      })
      return issued
    } catch (e) {
      if (!isTakenSerial(e)) throw e
      if (attempt === SERIAL_ATTEMPTS) {
        throw new PkiStorageError(`${SERIAL_ATTEMPTS} fresh serials were all taken: is the random source broken?`, {
          cause: e,
        })
      }
    }
  }
}

/** Options of {@link issueCertificate}. */
export interface IssueCertificateRequest extends Runtime, StoreOption {
  /** The new key's type (default 'EC256'). */
  keyType?: KeyType
  /** Days, 1..3650, or 'MAX' (until the CA's chain ends). Default 365. */
  period?: number | 'MAX'
  x509Parameters: X509Parameters
  /** Default 'tls-server' (the commonName also goes into the SAN). */
  profile?: Profile
}

/**
 * Issues a certificate for a new key made here: the cloud CAs' "issue certificate" call. The subject key is
 * generated on this machine and returned once as PKCS#8 PEM (the caller asked for a new key); the certificate is
 * checked against the CA key before it is returned. With `store`, it is recorded in the CA's registry first (the
 * store refuses it, PkiStateError, if the stored CA is no longer ACTIVE), and only then returned.
 *
 * @example
 * const { certificate, privateKey, serialNo, caChain } = await issueCertificate(ca, {
 *   keyType: 'EC256', period: 90, x509Parameters: { commonName: 'api.example.com', altName: 'www.example.com' } })
 */
export async function issueCertificate(
  ca: CertificateAuthority,
  req: IssueCertificateRequest,
): Promise<IssuedCertificate> {
  checkCaRecord(ca)
  if (typeof req !== 'object' || req === null) throw new TypeError('issueCertificate takes a request object')
  const checked = checkX509Parameters(req.x509Parameters)
  const keyType = req.keyType ?? 'EC256'
  keyTypeSpec(keyType)
  const profile = checkProfile(req.profile)
  const period = req.period ?? 365
  const store = storeOption(req)
  const { crypto, at } = runtime(req)
  const { issuer, context } = await signingCa(crypto, ca, at, store)
  const entries = checked.attributes.map((a: NameAttribute) => ({ oid: a.oid, value: a.value }))
  const names = { entries, dnsNames: checked.dnsNames, emails: checked.emails, ips: checked.ips }
  // Refuse before making a key: period and names are known without one.
  validity(at, period, context.validUntil)
  applyProfile(profile, { ...names, spki: new Uint8Array(0), keyType }, 'x509Parameters')

  const keys = await generateKeyPair(keyType, { extractable: true, crypto })
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))
  // Exported before the registry is written: nothing may fail after the store has changed.
  const privateKey = await exportPrivateKey(keys.privateKey, { crypto })
  const issued = await issue(
    crypto,
    at,
    issuer,
    context,
    { ...names, spki, keyType },
    profile,
    period,
    'x509Parameters',
    store,
  )
  return { privateKey, ...issued }
}

/** Options of {@link signCsr}. */
export interface SignCsrOptions extends Runtime, StoreOption {
  /** Days, 1..3650, or 'MAX'. Default 365. */
  period?: number | 'MAX'
  /** Default 'tls-server'. */
  profile?: Profile
}

/**
 * Signs a CSR made elsewhere (the key never comes here): verifies its signature first (PkiSignatureError), takes
 * its subject and SANs, and lets the profile, never the CSR, decide basicConstraints and key usages. With `store`,
 * the certificate is recorded in the CA's registry before it is returned.
 *
 * @example
 * const { certificate, serialNo } = await signCsr(ca, csrPem, { period: 30, profile: 'tls-client' })
 */
export async function signCsr(
  ca: CertificateAuthority,
  csr: string | Uint8Array,
  o?: SignCsrOptions,
): Promise<Omit<IssuedCertificate, 'privateKey'>> {
  checkCaRecord(ca)
  const { crypto, at } = runtime(o)
  const store = storeOption(o)
  const profile = checkProfile(o?.profile)
  const { issuer, context } = await signingCa(crypto, ca, at, store)
  // The CSR's signature is checked while the certificate is written; nothing is signed before it verifies.
  const { request, verified } = await startRequest(crypto, csr)
  try {
    const subject: Subject = {
      entries: request.subjectEntries,
      dnsNames: request.dnsNames.map((d) => {
        const name = normalizeDnsName(d, { wildcard: true })
        if (!name) throw new PkiArgumentError('csr', `the CSR asks for an invalid DNS name ${JSON.stringify(d)}`)
        return name
      }),
      emails: request.emails.map((e) => {
        const mailbox = normalizeEmail(e)
        if (!mailbox) {
          throw new PkiArgumentError('csr', `the CSR asks for an invalid e-mail address ${JSON.stringify(e)}`)
        }
        return mailbox
      }),
      ips: request.ips,
      spki: request.spki,
      keyType: request.keyType,
    }
    return await issue(crypto, at, issuer, context, subject, profile, o?.period ?? 365, 'csr', store, verified)
  } catch (e) {
    // A CSR whose signature does not verify is refused as such, whatever else is wrong with it.
    await verified
    throw e
  }
}
