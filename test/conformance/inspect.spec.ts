import { encodeLength } from '../../src/der/writer.ts'
import {
  createCsr,
  createRootCa,
  createSubordinateCa,
  decodePem,
  describe,
  generateCrl,
  generateKeyPair,
  getCaCsr,
  importCaCertificate,
  issueCertificate,
  parseCertificate,
  parseCrl,
  parseCsr,
  revokeCertificate,
  signSubordinateCa,
} from '../../src/index.ts'
import { deepEqual, equal, ok, throws } from '../assert.ts'
import { suite } from '../harness.ts'

async function webFingerprint(name: 'SHA-256' | 'SHA-1', der: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest(name, der as Uint8Array<ArrayBuffer>))
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')
}

/** `depth` nested SEQUENCEs, each length minimal, built inside out in linear time. */
function nested(depth: number): Uint8Array {
  const headers: Uint8Array[] = []
  let length = 0
  for (let i = 0; i < depth; i++) {
    const header = Uint8Array.of(0x30, ...encodeLength(length))
    headers.push(header)
    length += header.length
  }
  const out = new Uint8Array(length)
  let offset = 0
  for (const header of headers.reverse()) {
    out.set(header, offset)
    offset += header.length
  }
  return out
}

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

  test('inspection fields: RFC 4514 names, key sizes, fingerprints, every extension decoded', async () => {
    const root = await createRootCa({
      subject: { commonName: 'Fields Root', organization: 'Acme, Inc.', country: 'NZ' },
      keyType: 'EC384',
      pathLen: 0,
      nameConstraints: { permittedDns: ['fields.example'], excludedIps: ['10.0.0.0/8'] },
      crlUrls: ['http://pki.fields.example/root.crl'],
      ocspUrl: 'http://ocsp.fields.example',
    })
    const r = parseCertificate(root.certificate as string)
    equal(r.subjectDn, 'CN=Fields Root,O=Acme\\, Inc.,C=NZ')
    equal(r.issuerDn, r.subjectDn)
    equal(r.subjectName, 'C=NZ, O=Acme\\, Inc., CN=Fields Root', 'the one-line form is kept as it was')
    equal(r.keySize, 384)
    equal(r.fingerprints.sha256, await webFingerprint('SHA-256', r.der))
    equal(r.fingerprints.sha1, await webFingerprint('SHA-1', r.der))
    const byName = Object.fromEntries(r.extensions.map((e) => [e.name, e]))
    deepEqual(byName.basicConstraints, {
      oid: '2.5.29.19',
      name: 'basicConstraints',
      critical: true,
      value: { ca: true, pathLen: 0 },
    })
    deepEqual(byName.keyUsage?.value, ['keyCertSign', 'cRLSign'])
    equal(byName.subjectKeyIdentifier?.value, r.subjectKeyId)
    deepEqual(byName.nameConstraints?.value, {
      permitted: [{ type: 'dns', value: 'fields.example' }],
      excluded: [{ type: 'ip', value: '10.0.0.0/8' }],
    })
    const leaf = await issueCertificate(root, {
      keyType: 'RSA3072',
      x509Parameters: { commonName: 'www.fields.example', ip: '192.0.2.1' },
    })
    const l = parseCertificate(leaf.certificate)
    equal(l.keySize, 3072)
    equal(l.issuerDn, r.subjectDn)
    const leafExt = Object.fromEntries(l.extensions.map((e) => [e.name, e.value]))
    deepEqual(leafExt.subjectAltName, [
      { type: 'dns', value: 'www.fields.example' },
      { type: 'ip', value: '192.0.2.1' },
    ])
    deepEqual(leafExt.authorityKeyIdentifier, { keyId: r.subjectKeyId })
    deepEqual(leafExt.cRLDistributionPoints, [
      { fullName: [{ type: 'uri', value: 'http://pki.fields.example/root.crl' }] },
    ])
    deepEqual(leafExt.authorityInfoAccess, [
      { method: 'ocsp', location: { type: 'uri', value: 'http://ocsp.fields.example' } },
    ])
    deepEqual(leafExt.extKeyUsage, ['serverAuth'])

    const csr = parseCsr(await createCsr(await generateKeyPair('EC521'), { commonName: 'csr.fields.example' }))
    equal(csr.subjectDn, 'CN=csr.fields.example')
    equal(csr.keySize, 521)
    equal(csr.fingerprints.sha256, await webFingerprint('SHA-256', csr.der))

    const { crl } = await generateCrl(await revokeCertificate(root, leaf.serialNo, 'superseded'))
    const c = parseCrl(crl)
    equal(c.issuerDn, r.subjectDn)
    equal(c.fingerprints.sha1, await webFingerprint('SHA-1', c.der))
    deepEqual(
      c.extensions.map((e) => [e.name, e.value]),
      [
        ['authorityKeyIdentifier', { keyId: r.subjectKeyId }],
        ['cRLNumber', '1'],
      ],
    )
    deepEqual(c.revoked[0]?.extensions, [
      { oid: '2.5.29.21', name: 'reasonCode', critical: false, value: 'superseded' },
    ])
    const { der: _der, ...rest } = l
    deepEqual(JSON.parse(JSON.stringify(rest)), rest)
  })

  test('huge or deeply nested input fails fast with a format error', () => {
    const started = Date.now()
    throws(() => parseCertificate(new Uint8Array(1024 * 1024 + 1)), { code: 'ERR_PKI_FORMAT' }, 'DER over 1 MiB')
    throws(() => parseCsr(new Uint8Array(1024 * 1024 + 1)), { code: 'ERR_PKI_FORMAT' }, 'CSR over 1 MiB')
    throws(() => parseCrl(new Uint8Array(16 * 1024 * 1024 + 1)), { code: 'ERR_PKI_FORMAT' }, 'CRL over 16 MiB')
    const text = `-----BEGIN CERTIFICATE-----\n${'A'.repeat(2 * 1024 * 1024)}\n-----END CERTIFICATE-----\n`
    throws(() => parseCertificate(text), { code: 'ERR_PKI_FORMAT' }, 'PEM over 2 MiB')
    throws(() => decodePem('x'.repeat(32 * 1024 * 1024 + 1)), { code: 'ERR_PKI_FORMAT' }, 'text over 32 MiB')
    // 65 levels is one past the reader's limit; 200,000 would overflow a recursive reader's stack.
    for (const depth of [65, 200_000]) {
      throws(() => parseCertificate(nested(depth)), { code: 'ERR_PKI_FORMAT' }, `${depth} levels`)
      throws(() => parseCrl(nested(depth)), { code: 'ERR_PKI_FORMAT' }, `CRL, ${depth} levels`)
      throws(() => describe(nested(depth)), { code: 'ERR_PKI_FORMAT' }, `describe, ${depth} levels`)
    }
    // Indefinite lengths (BER) anywhere are refused, however the rest looks.
    throws(() => parseCertificate(Uint8Array.of(0x30, 0x80, 0x30, 0x00, 0x00, 0x00)), { code: 'ERR_PKI_FORMAT' })
    ok(Date.now() - started < 10_000, 'the limits are checked before any real work')
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
