/** Job (b) with @peculiar/x509 on WebCrypto: root CA, checked CSR signing, revocation and a CRL. */
import 'reflect-metadata'
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Pkcs10CertificateRequest,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
  X509CrlGenerator,
  X509CrlReason,
} from '@peculiar/x509'

const DAY_MS = 86_400_000

/**
 * Makes an EC P-256 root CA, verifies `csrPem`, issues a TLS server certificate for it (subject and SAN from the
 * CSR), revokes it and returns the root, the certificate and a CRL that lists it.
 *
 * @example
 * const { root, certificate, crl } = await job(csrPem)
 */
export async function job(csrPem: string): Promise<{ root: string; certificate: string; crl: string | null }> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
  const keys = (await globalThis.crypto.subtle.generateKey(algorithm, false, ['sign', 'verify'])) as CryptoKeyPair
  const now = Date.now()
  const root = await X509CertificateGenerator.createSelfSigned({
    name: 'CN=Size Root CA',
    notBefore: new Date(now),
    notAfter: new Date(now + 3650 * DAY_MS),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new BasicConstraintsExtension(true, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
      await SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })

  const request = new Pkcs10CertificateRequest(csrPem)
  if (!(await request.verify())) throw new Error('CSR signature')
  const san = request.getExtension('2.5.29.17')
  if (!san) throw new Error('the CSR has no subjectAltName')
  const authorityKeyId = await AuthorityKeyIdentifierExtension.create(keys.publicKey)
  const certificate = await X509CertificateGenerator.create({
    subject: request.subjectName,
    issuer: root.subjectName,
    notBefore: new Date(now),
    notAfter: new Date(now + 30 * DAY_MS),
    publicKey: request.publicKey,
    signingKey: keys.privateKey,
    signingAlgorithm: algorithm,
    extensions: [
      new BasicConstraintsExtension(false, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
      new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth]),
      await SubjectKeyIdentifierExtension.create(request.publicKey),
      authorityKeyId,
      san,
    ],
  })

  const crl = await X509CrlGenerator.create({
    issuer: root.subjectName,
    thisUpdate: new Date(now),
    nextUpdate: new Date(now + 7 * DAY_MS),
    signingAlgorithm: algorithm,
    signingKey: keys.privateKey,
    entries: [
      { serialNumber: certificate.serialNumber, revocationDate: new Date(now), reason: X509CrlReason.keyCompromise },
    ],
    // cRLNumber 1 (INTEGER 1): the library has no class for it.
    extensions: [authorityKeyId, new Extension('2.5.29.20', false, new Uint8Array([2, 1, 1]))],
  })
  return { root: root.toString('pem'), certificate: certificate.toString('pem'), crl: crl.toString('pem') }
}
