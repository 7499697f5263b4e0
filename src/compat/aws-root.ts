/**
 * A ROOT CA activated the AWS way (API Reference, IssueCertificate; AWS Private CA User Guide, "Installing the root
 * CA certificate"): while it is PENDING_CERTIFICATE, the CA signs its own CSR with the RootCACertificate/V1
 * template, and that self-signed certificate is then imported with ImportCertificateAuthorityCertificate. The
 * library has no public call for "sign this pending CA's own CSR with its own key", so the certificate is made here
 * from the same parts createRootCa uses.
 */
import { readRequest } from '../ca/request.ts'
import type { CertificateAuthority } from '../ca/types.ts'
import { createCertificate, keyIdentifier } from '../cert/create.ts'
import { PROFILES } from '../cert/profiles.ts'
import { formatSerial, randomSerial } from '../cert/serial.ts'
import { keyTypeSpec } from '../keys/generate.ts'
import { bytesEqual } from '../lib/bytes.ts'
import { encodePem } from '../pem/index.ts'
import { AwsError } from './aws-protocol.ts'

/** Certificates carry times up to 9999-12-31T23:59:59Z (RFC 5280 4.1.2.5.2). */
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59)

/**
 * Signs a pending CA's own CSR with its own key: a self-signed root certificate (profile `root-ca`: basicConstraints
 * CA:TRUE critical with no path length, as RootCACertificate/V1 has none; keyUsage keyCertSign + cRLSign critical;
 * SKI = AKI), valid from `at` to `notAfter`. The CSR must hold the CA's key (InvalidArgsException otherwise) and
 * verify (its signature is checked first).
 *
 * @example
 * const { certificate, serialNo } = await selfSignCaCsr(crypto, pending, csrPem, at, notAfter)
 */
export async function selfSignCaCsr(
  crypto: Crypto,
  ca: CertificateAuthority,
  csr: string,
  at: Date,
  notAfter: Date,
): Promise<{ certificate: string; serialNo: string }> {
  if (ca.status !== 'PENDING_CERTIFICATE') {
    throw new AwsError(
      'InvalidStateException',
      `the CA is ${ca.status}: RootCACertificate/V1 needs PENDING_CERTIFICATE`,
    )
  }
  if (!(notAfter.getTime() > at.getTime()) || notAfter.getTime() > LATEST) {
    throw new AwsError('InvalidArgsException', 'the validity of a root certificate must end after now and by 9999')
  }
  const request = await readRequest(crypto, csr)
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', ca.keys.publicKey))
  if (!bytesEqual(spki, request.spki)) {
    throw new AwsError('InvalidArgsException', "RootCACertificate/V1 signs only the CA's own CSR (its public key)")
  }
  if (request.subjectEntries.length === 0) {
    throw new AwsError('MalformedCSRException', 'a CA certificate needs a non-empty subject')
  }
  const keyId = await keyIdentifier(crypto, spki)
  const serialNumber = randomSerial(crypto)
  const der = await createCertificate(
    crypto,
    {
      serialNumber,
      subject: request.subject,
      notBefore: at,
      notAfter,
      publicKey: spki,
      isCa: true,
      keyUsage: PROFILES['root-ca'].keyUsage,
      subjectKeyId: keyId,
    },
    {
      name: request.subject,
      keyId,
      privateKey: ca.keys.privateKey,
      publicKey: ca.keys.publicKey,
      spec: keyTypeSpec(ca.keyType),
    },
  )
  return { certificate: encodePem('CERTIFICATE', der), serialNo: formatSerial(serialNumber) }
}
