/** Job (a) with PKI.js (+ asn1js) on WebCrypto: an EC P-256 key pair and a PKCS#10 CSR for size.example. */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'

function pem(label: string, der: ArrayBuffer): string {
  const base64 = btoa(String.fromCharCode(...new Uint8Array(der)))
  return `-----BEGIN ${label}-----\n${base64.replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`
}

/**
 * Makes an EC P-256 key pair (WebCrypto) and a CSR with CN=size.example and the DNS SAN size.example.
 *
 * @example
 * const { csr } = await job()
 */
export async function job(): Promise<{ csr: string }> {
  const keys = (await globalThis.crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const request = new pkijs.CertificationRequest()
  request.subject.typesAndValues.push(
    new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: 'size.example' }) }),
  )
  await request.subjectPublicKeyInfo.importKey(keys.publicKey)
  const altNames = new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 2, value: 'size.example' })] })
  request.attributes = [
    new pkijs.Attribute({
      type: '1.2.840.113549.1.9.14',
      values: [
        new pkijs.Extensions({
          extensions: [
            new pkijs.Extension({ extnID: '2.5.29.17', critical: false, extnValue: altNames.toSchema().toBER(false) }),
          ],
        }).toSchema(),
      ],
    }),
  ]
  await request.sign(keys.privateKey, 'SHA-256')
  return { csr: pem('CERTIFICATE REQUEST', request.toSchema().toBER(false)) }
}
