/** Job (a) with jsrsasign (its own JavaScript crypto): an EC P-256 key pair and a PKCS#10 CSR for size.example. */
import jsrsasign from 'jsrsasign'

/**
 * Makes an EC P-256 (secp256r1) key pair and a CSR with CN=size.example and the DNS SAN size.example.
 *
 * @example
 * const { csr } = await job()
 */
export async function job(): Promise<{ csr: string }> {
  const { prvKeyObj, pubKeyObj } = jsrsasign.KEYUTIL.generateKeypair('EC', 'secp256r1')
  // jsrsasign 11 takes `extreq`, which its typings (10.5) do not know yet.
  const newCsrPem = jsrsasign.KJUR.asn1.csr.CSRUtil.newCSRPEM as (param: object) => string
  const csr = newCsrPem({
    subject: { str: '/CN=size.example' },
    sbjpubkey: pubKeyObj,
    sigalg: 'SHA256withECDSA',
    sbjprvkey: prvKeyObj,
    extreq: [{ extname: 'subjectAltName', array: [{ dns: 'size.example' }] }],
  })
  return { csr }
}
