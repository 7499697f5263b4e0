/** Job (b) with pocket-ca: a root CA that verifies and signs a CSR, revokes the certificate and publishes a CRL. */
import { createRootCa, generateCrl, revokeCertificate, signCsr } from '../../src/index.ts'

/**
 * Makes an EC P-256 root CA, issues a TLS server certificate for `csrPem` (signCsr verifies the CSR first), revokes
 * it and returns the root, the certificate and a CRL that lists it.
 *
 * @example
 * const { root, certificate, crl } = await job(csrPem)
 */
export async function job(csrPem: string): Promise<{ root: string; certificate: string; crl: string | null }> {
  const ca = await createRootCa({ subject: { commonName: 'Size Root CA' }, keyType: 'EC256' })
  const issued = await signCsr(ca, csrPem, { profile: 'tls-server', period: 30 })
  const revoked = await revokeCertificate(ca, issued.serialNo, 'keyCompromise')
  const { crl } = await generateCrl(revoked)
  return { root: ca.certificate as string, certificate: issued.certificate, crl }
}
