/** Job (b) with jsrsasign (its own JavaScript crypto): root CA, checked CSR signing, revocation and a CRL. */
import jsrsasign from 'jsrsasign'

const DAY_MS = 86_400_000

/** The parts of jsrsasign 11 that its typings (10.5) describe differently or not at all. */
interface Jsrsasign11 {
  CSRUtil: {
    getParam(pem: string): { subject: object; sbjpubkey: string; extreq?: { extname: string }[] }
    verifySignature(pem: string): boolean
  }
  Certificate: new (params: object) => { getPEM(): string }
  CRL: new (params: object) => { getPEM(): string }
}

function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`
}

function serial(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16))
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x01
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Makes an EC P-256 root CA, verifies `csrPem`, issues a TLS server certificate for it (subject and SAN from the
 * CSR), revokes it and returns the root, the certificate and a CRL that lists it.
 *
 * @example
 * const { root, certificate, crl } = await job(csrPem)
 */
export async function job(csrPem: string): Promise<{ root: string; certificate: string; crl: string | null }> {
  const { KEYUTIL, KJUR } = jsrsasign
  const lib: Jsrsasign11 = {
    CSRUtil: KJUR.asn1.csr.CSRUtil as unknown as Jsrsasign11['CSRUtil'],
    Certificate: KJUR.asn1.x509.Certificate as unknown as Jsrsasign11['Certificate'],
    CRL: KJUR.asn1.x509.CRL as unknown as Jsrsasign11['CRL'],
  }
  const { prvKeyObj, pubKeyObj } = KEYUTIL.generateKeypair('EC', 'secp256r1')
  const rootKeyId = KEYUTIL.getKeyID(pubKeyObj)
  const rootName = { str: '/CN=Size Root CA' }
  const now = Date.now()
  const root = new lib.Certificate({
    version: 3,
    serial: { hex: serial() },
    issuer: rootName,
    notbefore: utcTime(now),
    notafter: utcTime(now + 3650 * DAY_MS),
    subject: rootName,
    sbjpubkey: pubKeyObj,
    ext: [
      { extname: 'basicConstraints', cA: true, critical: true },
      { extname: 'keyUsage', critical: true, names: ['keyCertSign', 'cRLSign'] },
      { extname: 'subjectKeyIdentifier', kid: { hex: rootKeyId } },
    ],
    sigalg: 'SHA256withECDSA',
    cakey: prvKeyObj,
  })

  if (!lib.CSRUtil.verifySignature(csrPem)) throw new Error('CSR signature')
  const request = lib.CSRUtil.getParam(csrPem)
  const san = request.extreq?.find((e) => e.extname === 'subjectAltName')
  if (!san) throw new Error('the CSR has no subjectAltName')
  const certificateSerial = serial()
  const certificate = new lib.Certificate({
    version: 3,
    serial: { hex: certificateSerial },
    issuer: rootName,
    notbefore: utcTime(now),
    notafter: utcTime(now + 30 * DAY_MS),
    subject: request.subject,
    sbjpubkey: request.sbjpubkey,
    ext: [
      { extname: 'basicConstraints', cA: false, critical: true },
      { extname: 'keyUsage', critical: true, names: ['digitalSignature'] },
      { extname: 'extKeyUsage', array: [{ name: 'serverAuth' }] },
      { extname: 'subjectKeyIdentifier', kid: request.sbjpubkey },
      { extname: 'authorityKeyIdentifier', kid: { hex: rootKeyId } },
      san,
    ],
    sigalg: 'SHA256withECDSA',
    cakey: prvKeyObj,
  })

  const crl = new lib.CRL({
    version: 2,
    sigalg: 'SHA256withECDSA',
    issuer: rootName,
    thisupdate: utcTime(now),
    nextupdate: utcTime(now + 7 * DAY_MS),
    revcert: [{ sn: { hex: certificateSerial }, date: utcTime(now), ext: [{ extname: 'cRLReason', code: 1 }] }],
    ext: [
      { extname: 'authorityKeyIdentifier', kid: { hex: rootKeyId } },
      { extname: 'cRLNumber', num: { int: 1 } },
    ],
    cakey: prvKeyObj,
  })
  return { root: root.getPEM(), certificate: certificate.getPEM(), crl: crl.getPEM() }
}
