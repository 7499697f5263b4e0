/** Job (a) with node-forge: an RSA 2048 key pair (node-forge cannot make EC keys) and a PKCS#10 CSR. */
import forge from 'node-forge'

/**
 * Makes an RSA 2048 key pair (in JavaScript) and a CSR with CN=size.example and the DNS SAN size.example.
 *
 * @example
 * const { csr } = await job()
 */
export async function job(): Promise<{ csr: string }> {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 })
  const request = forge.pki.createCertificationRequest()
  request.publicKey = keys.publicKey
  request.setSubject([{ name: 'commonName', value: 'size.example' }])
  request.setAttributes([
    {
      name: 'extensionRequest',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'size.example' }] }],
    },
  ])
  request.sign(keys.privateKey, forge.md.sha256.create())
  return { csr: forge.pki.certificationRequestToPem(request) }
}
