import { createCertificate, keyIdentifier } from '../cert/create.ts'
import { PROFILES } from '../cert/profiles.ts'
import { randomSerial } from '../cert/serial.ts'
import { PkiArgumentError, PkiKeyMismatchError, PkiStateError } from '../errors.ts'
import { specOf } from '../keys/detect.ts'
import { bytesEqual } from '../lib/bytes.ts'
import { encodePem } from '../pem/index.ts'
import { checkCaRecord, checkTime, DAY_MS, runtime } from './options.ts'
import { readRequest } from './request.ts'
import { checkPathLen } from './root.ts'
import type { CertificateAuthority, Runtime } from './types.ts'

/** Options of {@link selfSignCaCertificate}. */
export interface SelfSignCaOptions extends Runtime {
  /** Days, 1..36500 (default 3650). */
  validityDays?: number
  /** basicConstraints pathLenConstraint (default: unlimited). */
  pathLen?: number
}

/**
 * Signs a pending CA's own CSR with its own key, making it a root: the way AWS Private CA activates a ROOT CA
 * (IssueCertificate with the RootCACertificate/V1 template on the CA's CSR, then
 * ImportCertificateAuthorityCertificate). Profile `root-ca`; the subject is the CSR's, byte for byte. Returns the
 * certificate PEM to give to {@link importCaCertificate} (no chain needed for a self-signed certificate).
 *
 * @example
 * const pending = await createSubordinateCa({ subject: { commonName: 'Root made the AWS way' } })
 * const certificate = await selfSignCaCertificate(pending, { validityDays: 3650 })
 * const root = await importCaCertificate(pending, certificate)
 */
export async function selfSignCaCertificate(ca: CertificateAuthority, o?: SelfSignCaOptions): Promise<string> {
  checkCaRecord(ca)
  const { crypto, at } = runtime(o)
  const validityDays = o?.validityDays ?? 3650
  if (typeof validityDays !== 'number') throw new TypeError('validityDays must be a number')
  if (!Number.isInteger(validityDays) || validityDays < 1 || validityDays > 36500) {
    throw new PkiArgumentError('validityDays', 'validityDays must be a whole number of days in 1..36500')
  }
  const pathLen = checkPathLen(o?.pathLen)
  if (ca.status !== 'PENDING_CERTIFICATE' || !ca.csr) {
    throw new PkiStateError(ca.status, `the CA is ${ca.status}: only a PENDING_CERTIFICATE CA signs its own CSR`)
  }
  const request = await readRequest(crypto, ca.csr)
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', ca.keys.publicKey))
  if (!bytesEqual(spki, request.spki)) throw new PkiKeyMismatchError("the CSR does not hold this CA's public key")
  // RFC 5280 4.1.2.6: a CA's subject is a non-empty name.
  if (request.subjectEntries.length === 0)
    throw new PkiArgumentError('csr', 'a CA certificate needs a non-empty subject')
  const notAfter = checkTime(new Date(at.getTime() + validityDays * DAY_MS), 'validityDays')
  const keyId = keyIdentifier(spki)
  const der = await createCertificate(
    crypto,
    {
      serialNumber: randomSerial(crypto),
      subject: request.subject,
      notBefore: at,
      notAfter,
      publicKey: spki,
      isCa: true,
      ...(pathLen !== undefined ? { pathLen } : {}),
      keyUsage: PROFILES['root-ca'].keyUsage,
      subjectKeyId: keyId,
    },
    {
      name: request.subject,
      keyId,
      privateKey: ca.keys.privateKey,
      publicKey: ca.keys.publicKey,
      spec: specOf(ca.keys.privateKey),
    },
  )
  return encodePem('CERTIFICATE', der)
}
