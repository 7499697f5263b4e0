/** Job (a) with @peculiar/x509 on WebCrypto: an EC P-256 key pair and a PKCS#10 CSR for size.example. */
import 'reflect-metadata'
import { Pkcs10CertificateRequestGenerator, SubjectAlternativeNameExtension } from '@peculiar/x509'

/**
 * Makes an EC P-256 key pair (WebCrypto) and a CSR with CN=size.example and the DNS SAN size.example.
 *
 * @example
 * const { csr } = await job()
 */
export async function job(): Promise<{ csr: string }> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
  const keys = (await globalThis.crypto.subtle.generateKey(algorithm, false, ['sign', 'verify'])) as CryptoKeyPair
  const request = await Pkcs10CertificateRequestGenerator.create({
    name: 'CN=size.example',
    keys,
    signingAlgorithm: algorithm,
    extensions: [new SubjectAlternativeNameExtension([{ type: 'dns', value: 'size.example' }])],
  })
  return { csr: request.toString('pem') }
}
