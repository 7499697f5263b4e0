/** Job (b) with PKI.js (+ asn1js) on WebCrypto: root CA, checked CSR signing, revocation and a CRL. */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'

const DAY_MS = 86_400_000

function pem(label: string, der: ArrayBuffer): string {
  const base64 = btoa(String.fromCharCode(...new Uint8Array(der)))
  return `-----BEGIN ${label}-----\n${base64.replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`
}

function unpem(text: string): ArrayBuffer {
  const base64 = text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer
}

function extension(extnID: string, critical: boolean, value: { toBER(sizeOnly?: boolean): ArrayBuffer }) {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) })
}

function serial(): asn1js.Integer {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16))
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x01
  return new asn1js.Integer({ valueHex: bytes.buffer })
}

async function keyId(spki: pkijs.PublicKeyInfo): Promise<ArrayBuffer> {
  return globalThis.crypto.subtle.digest(
    'SHA-1',
    spki.subjectPublicKey.valueBlock.valueHexView as Uint8Array<ArrayBuffer>,
  )
}

/**
 * Makes an EC P-256 root CA, verifies `csrPem`, issues a TLS server certificate for it (subject and SAN from the
 * CSR), revokes it and returns the root, the certificate and a CRL that lists it.
 *
 * @example
 * const { root, certificate, crl } = await job(csrPem)
 */
export async function job(csrPem: string): Promise<{ root: string; certificate: string; crl: string | null }> {
  const keys = (await globalThis.crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const now = Date.now()

  const root = new pkijs.Certificate()
  root.version = 2
  root.serialNumber = serial()
  root.subject.typesAndValues.push(
    new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: 'Size Root CA' }) }),
  )
  root.issuer = root.subject
  root.notBefore.value = new Date(now)
  root.notAfter.value = new Date(now + 3650 * DAY_MS)
  await root.subjectPublicKeyInfo.importKey(keys.publicKey)
  const rootKeyId = await keyId(root.subjectPublicKeyInfo)
  root.extensions = [
    extension('2.5.29.19', true, new pkijs.BasicConstraints({ cA: true }).toSchema()),
    // keyCertSign (bit 5) + cRLSign (bit 6).
    extension('2.5.29.15', true, new asn1js.BitString({ valueHex: new Uint8Array([0x06]).buffer, unusedBits: 1 })),
    extension('2.5.29.14', false, new asn1js.OctetString({ valueHex: rootKeyId })),
  ]
  await root.sign(keys.privateKey, 'SHA-256')

  const request = pkijs.CertificationRequest.fromBER(unpem(csrPem))
  if (!(await request.verify())) throw new Error('CSR signature')
  const asked = request.attributes?.find((a) => a.type === '1.2.840.113549.1.9.14')
  const requested = asked ? new pkijs.Extensions({ schema: asked.values[0] }) : undefined
  const san = requested?.extensions.find((e) => e.extnID === '2.5.29.17')
  if (!san) throw new Error('the CSR has no subjectAltName')
  const authorityKeyId = extension(
    '2.5.29.35',
    false,
    new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: rootKeyId }) }).toSchema(),
  )
  const certificate = new pkijs.Certificate()
  certificate.version = 2
  certificate.serialNumber = serial()
  certificate.issuer = root.subject
  certificate.subject = request.subject
  certificate.notBefore.value = new Date(now)
  certificate.notAfter.value = new Date(now + 30 * DAY_MS)
  certificate.subjectPublicKeyInfo = request.subjectPublicKeyInfo
  certificate.extensions = [
    extension('2.5.29.19', true, new pkijs.BasicConstraints({ cA: false }).toSchema()),
    // digitalSignature (bit 0).
    extension('2.5.29.15', true, new asn1js.BitString({ valueHex: new Uint8Array([0x80]).buffer, unusedBits: 7 })),
    extension('2.5.29.37', false, new pkijs.ExtKeyUsage({ keyPurposes: ['1.3.6.1.5.5.7.3.1'] }).toSchema()),
    extension('2.5.29.14', false, new asn1js.OctetString({ valueHex: await keyId(request.subjectPublicKeyInfo) })),
    authorityKeyId,
    san,
  ]
  await certificate.sign(keys.privateKey, 'SHA-256')

  const crl = new pkijs.CertificateRevocationList()
  crl.version = 1
  crl.issuer = root.subject
  crl.thisUpdate = new pkijs.Time({ type: 0, value: new Date(now) })
  crl.nextUpdate = new pkijs.Time({ type: 0, value: new Date(now + 7 * DAY_MS) })
  crl.revokedCertificates = [
    new pkijs.RevokedCertificate({
      userCertificate: certificate.serialNumber,
      revocationDate: new pkijs.Time({ type: 0, value: new Date(now) }),
      crlEntryExtensions: new pkijs.Extensions({
        extensions: [extension('2.5.29.21', false, new asn1js.Enumerated({ value: 1 }))],
      }),
    }),
  ]
  crl.crlExtensions = new pkijs.Extensions({
    extensions: [authorityKeyId, extension('2.5.29.20', false, new asn1js.Integer({ value: 1 }))],
  })
  await crl.sign(keys.privateKey, 'SHA-256')
  return {
    root: pem('CERTIFICATE', root.toSchema().toBER(false)),
    certificate: pem('CERTIFICATE', certificate.toSchema().toBER(false)),
    crl: pem('X509 CRL', crl.toSchema().toBER(false)),
  }
}
