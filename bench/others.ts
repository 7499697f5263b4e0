/**
 * The jobs of the benchmark done with PKI.js and node-forge, as their documentation shows: checked issuance (verify
 * the CSR, sign the certificate, verify it), CSR creation, CRL generation, chain verification and parsing.
 * node-forge does RSA only (it cannot read or make EC keys) and has no CRL writer.
 *
 * Runtime neutral: the Node bundle leaves node-forge external (it requires Node built-ins at run time, which an ESM
 * bundle cannot do), the browser bundle takes it in (its package.json maps those built-ins to nothing there).
 */
import * as asn1js from 'asn1js'
import forge from 'node-forge'
import * as pkijs from 'pkijs'
import { fromHex, toHex } from '../src/lib/bytes.ts'

const DAY_MS = 86_400_000
const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14'
const OID_SAN = '2.5.29.17'

pkijs.setEngine('bench', new pkijs.CryptoEngine({ name: 'bench', crypto: globalThis.crypto }))

function randomSerial(): Uint8Array<ArrayBuffer> {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x01
  return bytes
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return new Uint8Array(bytes).buffer
}

function pkijsName(commonName: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [
      new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: commonName }) }),
    ],
  })
}

function pkijsExtension(extnID: string, critical: boolean, value: { toBER(sizeOnly?: boolean): ArrayBuffer }) {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) })
}

/** A PKI.js certificate read from DER. */
export function pkijsCertificate(der: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(toArrayBuffer(der))
}

/** PKI.js checked issuance: verify the CSR, build and sign the certificate, verify it, encode it. */
export async function pkijsIssue(
  csrDer: Uint8Array,
  caCert: pkijs.Certificate,
  caKeyId: Uint8Array,
  caKey: CryptoKey,
  periodDays: number,
): Promise<ArrayBuffer> {
  const request = pkijs.CertificationRequest.fromBER(toArrayBuffer(csrDer))
  if (!(await request.verify())) throw new Error('CSR signature')
  const asked = request.attributes?.find((a) => a.type === OID_EXTENSION_REQUEST)
  const requested = asked ? new pkijs.Extensions({ schema: asked.values[0] }) : undefined
  const san = requested?.extensions.find((e) => e.extnID === OID_SAN)
  if (!san) throw new Error('the CSR has no subjectAltName')
  const rsaSubject = request.subjectPublicKeyInfo.algorithm.algorithmId === '1.2.840.113549.1.1.1'
  const certificate = new pkijs.Certificate()
  certificate.version = 2
  certificate.serialNumber = new asn1js.Integer({ valueHex: randomSerial().buffer })
  certificate.issuer = caCert.subject
  certificate.subject = request.subject
  const notBefore = new Date()
  certificate.notBefore.value = notBefore
  certificate.notAfter.value = new Date(notBefore.getTime() + periodDays * DAY_MS)
  certificate.subjectPublicKeyInfo = request.subjectPublicKeyInfo
  const keyId = await crypto.subtle.digest(
    'SHA-1',
    request.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView as Uint8Array<ArrayBuffer>,
  )
  certificate.extensions = [
    pkijsExtension('2.5.29.19', true, new pkijs.BasicConstraints({ cA: false }).toSchema()),
    // digitalSignature (+ keyEncipherment for RSA subject keys), as ours writes it.
    pkijsExtension(
      '2.5.29.15',
      true,
      new asn1js.BitString({ valueHex: new Uint8Array([rsaSubject ? 0xa0 : 0x80]).buffer, unusedBits: 5 }),
    ),
    pkijsExtension('2.5.29.37', false, new pkijs.ExtKeyUsage({ keyPurposes: ['1.3.6.1.5.5.7.3.1'] }).toSchema()),
    pkijsExtension('2.5.29.14', false, new asn1js.OctetString({ valueHex: keyId })),
    pkijsExtension(
      '2.5.29.35',
      false,
      new pkijs.AuthorityKeyIdentifier({
        keyIdentifier: new asn1js.OctetString({ valueHex: toArrayBuffer(caKeyId) }),
      }).toSchema(),
    ),
    san,
  ]
  await certificate.sign(caKey, 'SHA-256')
  if (!(await certificate.verify(caCert))) throw new Error('certificate signature')
  return certificate.toSchema().toBER(false)
}

/** PKI.js PKCS#10 with a subjectAltName request, signed and encoded. */
export async function pkijsCsr(keys: CryptoKeyPair, commonName: string): Promise<ArrayBuffer> {
  const request = new pkijs.CertificationRequest()
  request.subject = pkijsName(commonName)
  await request.subjectPublicKeyInfo.importKey(keys.publicKey)
  const altNames = new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 2, value: commonName })] })
  request.attributes = [
    new pkijs.Attribute({
      type: OID_EXTENSION_REQUEST,
      values: [new pkijs.Extensions({ extensions: [pkijsExtension(OID_SAN, false, altNames.toSchema())] }).toSchema()],
    }),
  ]
  await request.sign(keys.privateKey, 'SHA-256')
  return request.toSchema().toBER(false)
}

/** One revoked entry, as the benchmark's CA records hold them. */
export interface RevokedEntry {
  serialNo: string
  at: string
}

/** PKI.js CRL over `entries` (reason keyCompromise each), signed, verified and encoded. */
export async function pkijsCrl(
  entries: RevokedEntry[],
  caCert: pkijs.Certificate,
  caKeyId: Uint8Array,
  caKey: CryptoKey,
  crlNumber: number,
): Promise<ArrayBuffer> {
  const crl = new pkijs.CertificateRevocationList()
  crl.version = 1
  crl.issuer = caCert.subject
  const thisUpdate = new Date()
  crl.thisUpdate = new pkijs.Time({ type: 0, value: thisUpdate })
  crl.nextUpdate = new pkijs.Time({ type: 0, value: new Date(thisUpdate.getTime() + 7 * DAY_MS) })
  crl.revokedCertificates = entries.map(
    (e) =>
      new pkijs.RevokedCertificate({
        userCertificate: new asn1js.Integer({ valueHex: toArrayBuffer(fromHex(e.serialNo)) }),
        revocationDate: new pkijs.Time({ type: 0, value: new Date(e.at) }),
        crlEntryExtensions: new pkijs.Extensions({
          extensions: [pkijsExtension('2.5.29.21', false, new asn1js.Enumerated({ value: 1 }))],
        }),
      }),
  )
  crl.crlExtensions = new pkijs.Extensions({
    extensions: [
      pkijsExtension(
        '2.5.29.35',
        false,
        new pkijs.AuthorityKeyIdentifier({
          keyIdentifier: new asn1js.OctetString({ valueHex: toArrayBuffer(caKeyId) }),
        }).toSchema(),
      ),
      pkijsExtension('2.5.29.20', false, new asn1js.Integer({ value: crlNumber })),
    ],
  })
  await crl.sign(caKey, 'SHA-256')
  if (!(await crl.verify({ issuerCertificate: caCert }))) throw new Error('CRL signature')
  return crl.toSchema().toBER(false)
}

/** PKI.js path validation of `leaf` through `intermediates` to `root`. */
export async function pkijsVerifyChain(leaf: Uint8Array, intermediates: Uint8Array[], root: Uint8Array) {
  const engine = new pkijs.CertificateChainValidationEngine({
    trustedCerts: [pkijsCertificate(root)],
    certs: [pkijsCertificate(leaf), ...intermediates.map(pkijsCertificate)],
    checkDate: new Date(),
  })
  const result = await engine.verify()
  if (!result.result) throw new Error(`PKI.js: ${result.resultMessage}`)
  return result
}

/** A node-forge RSA CA: its key pair and self-signed certificate. */
export interface ForgeCa {
  keys: forge.pki.rsa.KeyPair
  certificate: forge.pki.Certificate
  keyId: string
}

function forgeSerial(): string {
  return toHex(randomSerial())
}

/**
 * Whether node-forge makes RSA keys with Node's native generation (in Node) rather than in JavaScript (a browser,
 * where a 2048-bit key takes seconds).
 *
 * @example
 * if (!forgeNativeRsa()) console.log('node-forge RSA keys are made in JavaScript here')
 */
export function forgeNativeRsa(): boolean {
  // util.isNodejs is Node's version string there (process.versions.node), false in a browser.
  return Boolean((forge.util as { isNodejs?: unknown }).isNodejs)
}

/** An RSA 2048 key pair (node-forge uses Node's native key generation when it runs in Node). */
export function forgeKeyPair(): forge.pki.rsa.KeyPair {
  return forge.pki.rsa.generateKeyPair({ bits: 2048 })
}

/** A node-forge root CA with an RSA 2048 key. */
export function forgeRootCa(commonName: string): ForgeCa {
  const keys = forgeKeyPair()
  const certificate = forge.pki.createCertificate()
  certificate.publicKey = keys.publicKey
  certificate.serialNumber = forgeSerial()
  certificate.validity.notBefore = new Date(Date.now() - DAY_MS)
  certificate.validity.notAfter = new Date(Date.now() + 3650 * DAY_MS)
  const name = [{ name: 'commonName', value: commonName }]
  certificate.setSubject(name)
  certificate.setIssuer(name)
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ])
  certificate.sign(keys.privateKey, forge.md.sha256.create())
  const keyId = certificate.generateSubjectKeyIdentifier().getBytes()
  return { keys, certificate, keyId }
}

/** node-forge checked issuance from an RSA CSR: verify the CSR, sign the certificate, verify it, write the PEM. */
export function forgeIssue(csrPem: string, ca: ForgeCa, periodDays: number): string {
  const request = forge.pki.certificationRequestFromPem(csrPem)
  if (!request.verify()) throw new Error('CSR signature')
  const asked = request.getAttribute({ name: 'extensionRequest' }) as { extensions?: { name: string }[] } | null
  const san = asked?.extensions?.find((e) => e.name === 'subjectAltName')
  if (!san) throw new Error('the CSR has no subjectAltName')
  const certificate = forge.pki.createCertificate()
  certificate.serialNumber = forgeSerial()
  const notBefore = new Date()
  certificate.validity.notBefore = notBefore
  certificate.validity.notAfter = new Date(notBefore.getTime() + periodDays * DAY_MS)
  certificate.setSubject(request.subject.attributes)
  certificate.setIssuer(ca.certificate.subject.attributes)
  certificate.publicKey = request.publicKey as forge.pki.PublicKey
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.keyId },
    san,
  ])
  certificate.sign(ca.keys.privateKey, forge.md.sha256.create())
  if (!ca.certificate.verify(certificate)) throw new Error('certificate signature')
  return forge.pki.certificateToPem(certificate)
}

/** node-forge PKCS#10 with a subjectAltName request (RSA keys only). */
export function forgeCsr(keys: forge.pki.rsa.KeyPair, commonName: string): string {
  const request = forge.pki.createCertificationRequest()
  request.publicKey = keys.publicKey
  request.setSubject([{ name: 'commonName', value: commonName }])
  request.setAttributes([
    { name: 'extensionRequest', extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: commonName }] }] },
  ])
  request.sign(keys.privateKey, forge.md.sha256.create())
  return forge.pki.certificationRequestToPem(request)
}

/** node-forge path validation (RSA certificates only). */
export function forgeVerifyChain(leaf: string, intermediates: string[], root: string): boolean {
  const store = forge.pki.createCaStore([root])
  const chain = [leaf, ...intermediates].map((pem) => forge.pki.certificateFromPem(pem))
  return forge.pki.verifyCertificateChain(store, chain)
}

/** node-forge certificate parsing (RSA keys only). */
export function forgeParse(pem: string): forge.pki.Certificate {
  return forge.pki.certificateFromPem(pem)
}
