import {
  createRootCa,
  createSubordinateCa,
  generateCrl,
  getCaCsr,
  importCaCertificate,
  issueCertificate,
  parseCertificate,
  parseCrl,
  revokeCertificate,
  signSubordinateCa,
} from '../../src/index.ts'
import { deepEqual, equal, ok, throws } from '../assert.ts'
import { suite } from '../harness.ts'

export default suite('inspect', (test) => {
  test('parseCertificate reads back what the CA wrote', async () => {
    const root = await createRootCa({
      subject: { commonName: 'Inspect Root', organization: 'pocket-ca', country: 'NZ' },
      keyType: 'EC384',
      pathLen: 1,
      nameConstraints: { permittedDns: ['inspect.example'], excludedIps: ['10.0.0.0/8'] },
      crlUrls: ['http://pki.inspect.example/root.crl'],
      ocspUrl: 'http://ocsp.inspect.example',
      caIssuersUrl: 'http://pki.inspect.example/root.cer',
      policies: ['2.23.140.1.2.1', '1.3.6.1.4.1.99999.1'],
    })
    const r = parseCertificate(root.certificate as string)
    equal(r.isCa, true)
    equal(r.pathLen, 1)
    equal(r.selfIssued, true)
    equal(r.keyType, 'EC384')
    equal(r.signatureAlgorithm, 'ecdsa-with-SHA384')
    deepEqual(r.keyUsage, ['keyCertSign', 'cRLSign'])
    deepEqual(r.nameConstraints, { permittedDns: ['inspect.example'], excludedIps: ['10.0.0.0/8'] })
    deepEqual(r.subject, { country: 'NZ', organization: 'pocket-ca', commonName: 'Inspect Root' })
    equal(r.subjectKeyId, r.authorityKeyId)
    ok(r.extensions.some((e) => e.oid === '2.5.29.30' && e.critical))

    const leaf = await issueCertificate(root, {
      keyType: 'RSA2048',
      period: 30,
      profile: 'tls-server-client',
      x509Parameters: { commonName: 'www.inspect.example', altName: 'api.inspect.example', ip: '2001:db8::1' },
    })
    const l = parseCertificate(leaf.certificate)
    equal(l.serialNo, leaf.serialNo)
    equal(l.version, 3)
    equal(l.isCa, false)
    equal(l.selfIssued, false)
    equal(l.keyType, 'RSA2048')
    deepEqual(l.publicKey, { algorithm: 'RSA', modulusLength: 2048 })
    deepEqual(l.keyUsage, ['digitalSignature', 'keyEncipherment'])
    deepEqual(l.extKeyUsage, ['serverAuth', 'clientAuth'])
    deepEqual(l.dnsNames, ['www.inspect.example', 'api.inspect.example'])
    deepEqual(l.ips, ['2001:db8::1'])
    deepEqual(l.crlUrls, ['http://pki.inspect.example/root.crl'])
    deepEqual(l.ocspUrls, ['http://ocsp.inspect.example'])
    deepEqual(l.caIssuersUrls, ['http://pki.inspect.example/root.cer'])
    deepEqual(l.policies, ['2.23.140.1.2.1', '1.3.6.1.4.1.99999.1'])
    deepEqual(r.policies, [], 'the CA settings apply to what it issues, not to itself')
    equal(l.authorityKeyId, r.subjectKeyId)
    equal(l.issuerName, r.subjectName)
    equal(Date.parse(l.notAfter) - Date.parse(l.notBefore), 30 * 86_400_000)
    equal(leaf.ocspResponder, 'http://ocsp.inspect.example')
    // Plain data: survives JSON (apart from the DER bytes) and structured cloning.
    const { der: _der, ...rest } = l
    deepEqual(JSON.parse(JSON.stringify(rest)), rest)
    deepEqual(structuredClone(l), l)
  })

  test('parseCrl reads back entries, reasons and the CRL number', async () => {
    const root = await createRootCa({ subject: { commonName: 'CRL Inspect Root' } })
    const pending = await createSubordinateCa({ subject: { commonName: 'CRL Inspect CA' }, keyType: 'RSA2048' })
    const sub = await importCaCertificate(
      pending,
      await signSubordinateCa(root, await getCaCsr(pending)),
      root.certificate,
    )
    const a = await issueCertificate(sub, { x509Parameters: { commonName: 'a.example' } })
    const b = await issueCertificate(sub, { x509Parameters: { commonName: 'b.example' } })
    let ca = await revokeCertificate(sub, a.serialNo, 'superseded')
    ca = await revokeCertificate(ca, b.serialNo)
    const at = new Date('2030-01-01T00:00:00Z')
    const { crl } = await generateCrl((await generateCrl(ca)).ca, { at, nextUpdate: 2 })
    const info = parseCrl(crl)
    equal(info.version, 2)
    equal(info.crlNumber, '2')
    equal(info.thisUpdate, at.toISOString())
    equal(info.nextUpdate, '2030-01-03T00:00:00.000Z')
    equal(info.signatureAlgorithm, 'sha256WithRSAEncryption')
    equal(info.authorityKeyId, parseCertificate(sub.certificate as string).subjectKeyId)
    equal(info.issuerName, 'CN=CRL Inspect CA')
    const bySerial = new Map(info.revoked.map((r) => [r.serialNo, r.reason]))
    equal(bySerial.get(a.serialNo), 'superseded')
    ok(bySerial.has(b.serialNo) && bySerial.get(b.serialNo) === undefined, 'unspecified: no reason code')
  })

  test('malformed input is a format error', async () => {
    const root = await createRootCa({ subject: { commonName: 'Broken' } })
    const der = parseCertificate(root.certificate as string).der
    throws(() => parseCertificate(der.subarray(0, der.length - 2)), { code: 'ERR_PKI_FORMAT' })
    throws(() => parseCertificate(Uint8Array.from([...der, 0])), { code: 'ERR_PKI_FORMAT' })
    throws(() => parseCertificate('no certificate here'), { code: 'ERR_PKI_FORMAT' })
    throws(() => parseCrl(root.certificate as string), { code: 'ERR_PKI_FORMAT' })
    throws(() => parseCertificate(7 as unknown as string), { name: 'TypeError' } as never)
  })
})
