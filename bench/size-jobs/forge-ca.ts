/**
 * Job (b) with node-forge: RSA 2048 root CA (node-forge cannot make EC keys) and checked CSR signing. node-forge has
 * no CRL writer, so there is no revocation and no CRL: `crl` is null.
 */
import forge from 'node-forge'

const DAY_MS = 86_400_000

function serial(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16))
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x01
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Makes an RSA 2048 root CA, verifies the RSA `csrPem` and issues a TLS server certificate for it (subject and SAN
 * from the CSR). Returns the root and the certificate; `crl` is null (node-forge cannot write CRLs).
 *
 * @example
 * const { root, certificate } = await job(csrPem)
 */
export async function job(csrPem: string): Promise<{ root: string; certificate: string; crl: string | null }> {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 })
  const now = Date.now()
  const root = forge.pki.createCertificate()
  root.publicKey = keys.publicKey
  root.serialNumber = serial()
  root.validity.notBefore = new Date(now)
  root.validity.notAfter = new Date(now + 3650 * DAY_MS)
  const name = [{ name: 'commonName', value: 'Size Root CA' }]
  root.setSubject(name)
  root.setIssuer(name)
  root.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ])
  root.sign(keys.privateKey, forge.md.sha256.create())

  const request = forge.pki.certificationRequestFromPem(csrPem)
  if (!request.verify()) throw new Error('CSR signature')
  const asked = request.getAttribute({ name: 'extensionRequest' }) as { extensions?: { name: string }[] } | null
  const san = asked?.extensions?.find((e) => e.name === 'subjectAltName')
  if (!san) throw new Error('the CSR has no subjectAltName')
  const certificate = forge.pki.createCertificate()
  certificate.serialNumber = serial()
  certificate.validity.notBefore = new Date(now)
  certificate.validity.notAfter = new Date(now + 30 * DAY_MS)
  certificate.setSubject(request.subject.attributes)
  certificate.setIssuer(root.subject.attributes)
  certificate.publicKey = request.publicKey as forge.pki.PublicKey
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: root.generateSubjectKeyIdentifier().getBytes() },
    san,
  ])
  certificate.sign(keys.privateKey, forge.md.sha256.create())
  return { root: forge.pki.certificateToPem(root), certificate: forge.pki.certificateToPem(certificate), crl: null }
}
