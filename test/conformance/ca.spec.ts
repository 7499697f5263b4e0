import { readBasicConstraints, readCertificate, readExtKeyUsage, readKeyUsageBits } from '../../src/cert/read.ts'
import { ecdsaRawToDer } from '../../src/der/ecdsa.ts'
import { OID, oid } from '../../src/der/oid.ts'
import { type DerNode, readSingle, sequenceOf } from '../../src/der/reader.ts'
import {
  bitString,
  boolean,
  contextTag,
  integer,
  namedBits,
  octetString,
  sequence,
  setOf,
  utf8String,
} from '../../src/der/writer.ts'
import {
  type CertificateAuthority,
  createCsr,
  createRootCa,
  createSubordinateCa,
  decodePem,
  disableCa,
  enableCa,
  encodePem,
  generateCrl,
  generateKeyPair,
  getCaCsr,
  importCaCertificate,
  issueCertificate,
  type KeyType,
  revokeCertificate,
  selfSignCaCertificate,
  signCsr,
  signSubordinateCa,
  verifyChain,
} from '../../src/index.ts'
import { KEY_TYPE_SPECS } from '../../src/keys/types.ts'
import { bufferSource } from '../../src/lib/bytes.ts'
import { deepEqual, equal, ok, rejects } from '../assert.ts'
import { suite } from '../harness.ts'

const DAY = 86_400_000

function der(pem: string): Uint8Array {
  return (decodePem(pem)[0] as { der: Uint8Array }).der
}

function parts(pem: string) {
  return readCertificate(der(pem))
}

/** A JSON snapshot of a record (CryptoKeys show as their algorithm), to prove a failed call changed nothing. */
function snapshot(ca: CertificateAuthority): string {
  return JSON.stringify(ca, (_k, v) =>
    v && typeof v === 'object' && 'algorithm' in v && 'type' in v ? `${v.type}:${v.algorithm.name}` : v,
  )
}

async function hierarchy(rootType: KeyType = 'EC256', subType: KeyType = 'EC256') {
  const root = await createRootCa({
    subject: { commonName: 'Conformance Root', organization: 'pocket-ca' },
    keyType: rootType,
  })
  const pending = await createSubordinateCa({ subject: { commonName: 'Conformance Issuing CA' }, keyType: subType })
  const certificate = await signSubordinateCa(root, await getCaCsr(pending), { period: 1000 })
  const sub = await importCaCertificate(pending, certificate, root.certificate)
  return { root, pending, sub }
}

/**
 * A CSR asking for CA:TRUE, keyCertSign and the codeSigning usage (and optionally an unknown critical extension),
 * signed for real.
 */
async function csrAsking(keys: CryptoKeyPair, unknownCritical = false): Promise<string> {
  const spec = KEY_TYPE_SPECS.EC256
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))
  const subject = sequence(setOf([sequence(oid(OID.commonName), utf8String('wants.example'))]))
  const extensions = [
    sequence(oid(OID.basicConstraints), boolean(true), octetString(sequence(boolean(true)))),
    sequence(oid(OID.keyUsage), boolean(true), octetString(namedBits([5, 6]))),
    sequence(oid(OID.extKeyUsage), octetString(sequence(oid('1.3.6.1.5.5.7.3.3')))),
    sequence(
      oid(OID.subjectAltName),
      octetString(sequence(contextTag(2, false, new TextEncoder().encode('wants.example')))),
    ),
  ]
  if (unknownCritical) extensions.push(sequence(oid('1.2.3.4.5'), boolean(true), octetString(Uint8Array.of(5, 0))))
  const attribute = sequence(oid(OID.extensionRequest), setOf([sequence(...extensions)]))
  const info = sequence(integer(0), subject, spki, contextTag(0, true, attribute))
  const raw = new Uint8Array(await crypto.subtle.sign(spec.sign, keys.privateKey, bufferSource(info)))
  return encodePem('CERTIFICATE REQUEST', sequence(info, spec.signatureAlgorithm, bitString(ecdsaRawToDer(raw, 32))))
}

export default suite('ca', (test) => {
  test('a root CA for every key type: ACTIVE, self-signed, CA:TRUE, keyCertSign + cRLSign', async () => {
    for (const keyType of ['EC256', 'EC384', 'EC521', 'Ed25519', 'RSA2048'] as KeyType[]) {
      const root = await createRootCa({ subject: { commonName: `Root ${keyType}` }, keyType, pathLen: 2 })
      equal(root.status, 'ACTIVE')
      equal(root.keys.privateKey.extractable, false, `${keyType}: the CA key is not extractable`)
      deepEqual(root.chain, [])
      const p = parts(root.certificate as string)
      deepEqual(p.issuer, p.subject)
      deepEqual(readBasicConstraints(p.extensions.get(OID.basicConstraints)), { isCa: true, pathLen: 2 })
      equal(p.extensions.get(OID.basicConstraints)?.critical, true)
      deepEqual([...(readKeyUsageBits(p.extensions.get(OID.keyUsage)) ?? [])], [5, 6])
      equal(p.extensions.get(OID.keyUsage)?.critical, true)
      ok(p.extensions.has(OID.subjectKeyIdentifier))
      ok(Math.abs(p.notAfter.getTime() - p.notBefore.getTime() - 3650 * DAY) < 1000)
    }
  })

  test('the subordinate flow: pending -> CSR -> signed -> imported; the CSR is gone once active', async () => {
    const { root, pending, sub } = await hierarchy('EC384', 'RSA2048')
    equal(pending.status, 'PENDING_CERTIFICATE')
    equal(sub.status, 'ACTIVE')
    deepEqual(sub.chain, [root.certificate])
    equal(sub.csr, undefined)
    equal(pending.status, 'PENDING_CERTIFICATE', 'the input record is not changed')
    const before = snapshot(sub)
    await rejects(getCaCsr(sub), { code: 'ERR_PKI_STATE', status: 'ACTIVE' })
    equal(snapshot(sub), before)
    const p = parts(sub.certificate as string)
    deepEqual(readBasicConstraints(p.extensions.get(OID.basicConstraints)), { isCa: true, pathLen: 0 })
  })

  test('issued certificates follow the profile, never the CSR', async () => {
    const { sub } = await hierarchy()
    const server = await issueCertificate(sub, {
      keyType: 'RSA2048',
      x509Parameters: { commonName: 'WWW.Example.COM', ip: '10.1.2.3' },
    })
    const s = parts(server.certificate)
    deepEqual(readBasicConstraints(s.extensions.get(OID.basicConstraints)), { isCa: false })
    deepEqual(
      [...(readKeyUsageBits(s.extensions.get(OID.keyUsage)) ?? [])].sort(),
      [0, 2],
      'digitalSignature + keyEncipherment for RSA',
    )
    deepEqual(readExtKeyUsage(s.extensions.get(OID.extKeyUsage)), ['1.3.6.1.5.5.7.3.1'])
    equal(s.subjectEntries.find((e) => e.oid === OID.commonName)?.value, 'www.example.com', 'CN written as in the SAN')
    match(server.privateKey, /^-----BEGIN PRIVATE KEY-----/)
    equal(server.caChain, [sub.certificate, ...sub.chain].join(''))
    equal(server.issuer, sub.certificate)
    equal(server.ocspResponder, '')

    const client = await issueCertificate(sub, { profile: 'tls-client', x509Parameters: { commonName: 'Alice' } })
    deepEqual(readExtKeyUsage(parts(client.certificate).extensions.get(OID.extKeyUsage)), ['1.3.6.1.5.5.7.3.2'])
    deepEqual([...(readKeyUsageBits(parts(client.certificate).extensions.get(OID.keyUsage)) ?? [])], [0])

    const keys = await generateKeyPair('EC256')
    const asked = await signCsr(sub, await csrAsking(keys))
    const given = parts(asked.certificate)
    deepEqual(
      readBasicConstraints(given.extensions.get(OID.basicConstraints)),
      { isCa: false },
      'CA:TRUE asked, not given',
    )
    deepEqual([...(readKeyUsageBits(given.extensions.get(OID.keyUsage)) ?? [])], [0], 'keyCertSign asked, not given')
    deepEqual(
      readExtKeyUsage(given.extensions.get(OID.extKeyUsage)),
      ['1.3.6.1.5.5.7.3.1'],
      'codeSigning asked, not given',
    )
    await rejects(signCsr(sub, await csrAsking(keys, true)), { code: 'ERR_PKI_ARGUMENT', field: 'csr' })
    await rejects(issueCertificate(sub, { x509Parameters: { commonName: 'Not a host name' } }), {
      code: 'ERR_PKI_ARGUMENT',
    })
    await rejects(issueCertificate(sub, { profile: 'email', x509Parameters: { commonName: 'Bob' } }), {
      code: 'ERR_PKI_ARGUMENT',
    })
    await rejects(issueCertificate(sub, { profile: 'root-ca' as never, x509Parameters: { commonName: 'x' } }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'profile',
    })
  })

  test('refusals leave the CA as it was: CSR after activation, foreign key, non-CA, no chain', async () => {
    const { root } = await hierarchy()
    const other = await createRootCa({ subject: { commonName: 'Another Root' } })
    const pending = await createSubordinateCa({ subject: { commonName: 'Pending CA' } })
    const before = snapshot(pending)
    const csr = await getCaCsr(pending)

    const foreign = await createSubordinateCa({ subject: { commonName: 'Foreign CA' } })
    const foreignCert = await signSubordinateCa(root, await getCaCsr(foreign))
    await rejects(importCaCertificate(pending, foreignCert, root.certificate), { code: 'ERR_PKI_KEY_MISMATCH' })

    const notCa = await signCsr(root, csr, { profile: 'tls-client' })
    await rejects(importCaCertificate(pending, notCa.certificate, root.certificate), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'certificate',
    })

    const good = await signSubordinateCa(root, csr)
    await rejects(importCaCertificate(pending, good, other.certificate), {
      code: 'ERR_PKI_CHAIN',
      reason: 'unknown_authority',
    })
    await rejects(importCaCertificate(pending, good), { code: 'ERR_PKI_ARGUMENT', field: 'chain' })
    // A self-signed certificate needs no chain, but it must hold this CA's key: another CA's root is refused.
    await rejects(importCaCertificate(pending, root.certificate as string), { code: 'ERR_PKI_KEY_MISMATCH' })
    await rejects(importCaCertificate(pending, good, root.certificate, { at: new Date(Date.now() + 4000 * DAY) }), {
      code: 'ERR_PKI_CHAIN',
      reason: 'expired',
    })
    equal(snapshot(pending), before, 'every refused import left the pending CA unchanged')
    equal((await importCaCertificate(pending, good, root.certificate)).status, 'ACTIVE')
    equal(
      (await importCaCertificate(pending, good, [root.certificate as string, ...root.chain])).status,
      'ACTIVE',
      'chain as an array',
    )
  })

  test('period: 0, 3651 and past the issuer are refused; MAX ends with the issuer', async () => {
    const root = await createRootCa({ subject: { commonName: 'Short Root' }, validityDays: 100 })
    const x509Parameters = { commonName: 'p.example' }
    for (const period of [0, 3651, 1.5, -1]) {
      await rejects(issueCertificate(root, { period, x509Parameters }), { code: 'ERR_PKI_ARGUMENT', field: 'period' })
    }
    await rejects(issueCertificate(root, { period: 101, x509Parameters }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'period',
    })
    const max = await issueCertificate(root, { period: 'MAX', x509Parameters })
    equal(parts(max.certificate).notAfter.getTime(), parts(root.certificate as string).notAfter.getTime())
    const sub = await createSubordinateCa({ subject: { commonName: 'Sub' } })
    await rejects(signSubordinateCa(root, await getCaCsr(sub), { period: 200 }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'period',
    })
  })

  test('past 2049 a certificate carries GeneralizedTime', async () => {
    const at = new Date('2045-06-01T00:00:00Z')
    const root = await createRootCa({ subject: { commonName: 'Future Root' }, validityDays: 3650, at })
    const leaf = await issueCertificate(root, { period: 'MAX', x509Parameters: { commonName: 'future.example' }, at })
    const p = parts(leaf.certificate)
    equal(p.notAfter.getUTCFullYear(), 2055)
    const text = new TextDecoder().decode(der(leaf.certificate))
    const generalized = p.notAfter.toISOString().replace(/[-:T]|\.000/g, '')
    ok(text.includes(`\x18\x0f${generalized}`), `GeneralizedTime notAfter ${generalized}`)
    ok(text.includes('\x17\x0d450601000000Z'), 'UTCTime notBefore')
  })

  test('a pending CA signs its own CSR and becomes a root (the AWS RootCACertificate/V1 way)', async () => {
    const pending = await createSubordinateCa({ subject: { commonName: 'Self Root', organization: 'O' } })
    const certificate = await selfSignCaCertificate(pending, { validityDays: 30, pathLen: 1 })
    const p = parts(certificate)
    deepEqual(p.issuer, p.subject)
    deepEqual(readBasicConstraints(p.extensions.get(OID.basicConstraints)), { isCa: true, pathLen: 1 })
    const root = await importCaCertificate(pending, certificate)
    equal(root.status, 'ACTIVE')
    deepEqual(root.chain, [])
    const leaf = await issueCertificate(root, { x509Parameters: { commonName: 'self.example' }, period: 7 })
    await verifyChain(leaf.certificate, { roots: [certificate], dnsName: 'self.example' })
    await rejects(selfSignCaCertificate(root), { code: 'ERR_PKI_STATE', status: 'ACTIVE' })
    await rejects(selfSignCaCertificate(pending, { validityDays: 0 }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'validityDays',
    })
  })

  test('disabled, pending and expired CAs refuse to issue', async () => {
    const root = await createRootCa({ subject: { commonName: 'Status Root' } })
    const disabled = await disableCa(root)
    const x509Parameters = { commonName: 's.example' }
    await rejects(issueCertificate(disabled, { x509Parameters }), { code: 'ERR_PKI_STATE', status: 'DISABLED' })
    equal((await issueCertificate(await enableCa(disabled), { x509Parameters })).serialNo.length > 0, true)
    const pending = await createSubordinateCa({ subject: { commonName: 'Pending' } })
    await rejects(issueCertificate(pending, { x509Parameters }), {
      code: 'ERR_PKI_STATE',
      status: 'PENDING_CERTIFICATE',
    })
    const old = await createRootCa({
      subject: { commonName: 'Old Root' },
      validityDays: 1,
      at: new Date(Date.now() - 3 * DAY),
    })
    await rejects(issueCertificate(old, { x509Parameters }), { code: 'ERR_PKI_STATE', status: 'EXPIRED' })
    await rejects(
      signCsr(root, await createCsr(await generateKeyPair(), x509Parameters), {
        at: new Date(Date.now() + 3651 * DAY),
      }),
      { code: 'ERR_PKI_STATE', status: 'EXPIRED' },
    )
  })

  test('a CSR with a bad signature is refused before anything is signed, whatever else is wrong with it', async () => {
    const root = await createRootCa({
      subject: { commonName: 'Sig Root' },
      nameConstraints: { excludedDns: ['forbidden.example'] },
    })
    // Counts the signatures made with the CA's key: signCsr writes the certificate while the CSR check runs.
    let signs = 0
    const counting = {
      subtle: new Proxy(crypto.subtle, {
        get(target, property) {
          const value = Reflect.get(target, property, target)
          if (typeof value !== 'function') return value
          return (...args: unknown[]) => {
            if (property === 'sign') signs++
            return value.apply(target, args)
          }
        },
      }),
      getRandomValues: crypto.getRandomValues.bind(crypto),
    } as unknown as Crypto
    for (const commonName of ['sig.example', 'forbidden.example']) {
      const csr = der(await createCsr(await generateKeyPair(), { commonName }))
      const bad = csr.slice()
      bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1
      // forbidden.example is also excluded by the CA's name constraints: the signature is what is reported.
      await rejects(signCsr(root, encodePem('CERTIFICATE REQUEST', bad), { crypto: counting }), {
        code: 'ERR_PKI_SIGNATURE',
      })
      await rejects(signSubordinateCa(root, bad, { crypto: counting }), { code: 'ERR_PKI_SIGNATURE' })
    }
    equal(signs, 0)
    // The same CSR signed properly is refused for its name, and a good one is signed once.
    const forbidden = await createCsr(await generateKeyPair(), { commonName: 'forbidden.example' })
    await rejects(signCsr(root, forbidden, { crypto: counting }), { code: 'ERR_PKI_ARGUMENT', field: 'csr' })
    equal(signs, 0)
    await signCsr(root, await createCsr(await generateKeyPair(), { commonName: 'ok.example' }), { crypto: counting })
    equal(signs, 1)
  })

  test('pathLen and name constraints of the issuer are enforced', async () => {
    const leafOnly = await createRootCa({ subject: { commonName: 'Leaf-only Root' }, pathLen: 0 })
    const sub = await createSubordinateCa({ subject: { commonName: 'Too Deep' } })
    await rejects(signSubordinateCa(leafOnly, await getCaCsr(sub)), { code: 'ERR_PKI_ARGUMENT', field: 'pathLen' })
    const two = await createRootCa({ subject: { commonName: 'Two-level Root' }, pathLen: 1 })
    await rejects(signSubordinateCa(two, await getCaCsr(sub), { pathLen: 1 }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'pathLen',
    })

    const corp = await createRootCa({
      subject: { commonName: 'Corp Root' },
      nameConstraints: {
        permittedDns: ['corp.example'],
        excludedDns: ['secret.corp.example'],
        excludedIps: ['10.0.0.0/8'],
      },
    })
    equal(parts(corp.certificate as string).extensions.get(OID.nameConstraints)?.critical, true)
    await issueCertificate(corp, { x509Parameters: { commonName: 'www.corp.example', ip: '192.0.2.1' } })
    for (const x509Parameters of [
      { commonName: 'www.other.example' },
      { commonName: 'www.corp.example', altName: 'db.secret.corp.example' },
      { commonName: 'www.corp.example', ip: '10.1.1.1' },
    ]) {
      await rejects(
        issueCertificate(corp, { x509Parameters }),
        { code: 'ERR_PKI_ARGUMENT' },
        JSON.stringify(x509Parameters),
      )
    }
    const pending = await createSubordinateCa({ subject: { commonName: 'Sub of Corp' } })
    const subCert = await signSubordinateCa(corp, await getCaCsr(pending), {
      nameConstraints: { permittedDns: ['eu.corp.example'] },
    })
    const euSub = await importCaCertificate(pending, subCert, corp.certificate)
    await issueCertificate(euSub, { x509Parameters: { commonName: 'a.eu.corp.example' } })
    await rejects(issueCertificate(euSub, { x509Parameters: { commonName: 'a.us.corp.example' } }), {
      code: 'ERR_PKI_ARGUMENT',
    })
  })

  test('10,000 issued certificates have 10,000 distinct positive serials of at most 20 octets', async () => {
    const root = await createRootCa({ subject: { commonName: 'Serial Root' } })
    const csr = await createCsr(await generateKeyPair(), { commonName: 'serial.example' })
    const seen = new Set<string>()
    for (let i = 0; i < 10_000; i++) {
      const { serialNo, certificate } = await signCsr(root, csr, { period: 1 })
      seen.add(serialNo)
      if (i % 1000 === 0) {
        const serial = parts(certificate).serial
        ok(serial.length <= 20 && ((serial[0] as number) & 0x80) === 0, 'positive, at most 20 octets')
      }
      ok(/^[0-9A-F]{2}(:[0-9A-F]{2}){7,19}$/.test(serialNo), serialNo)
    }
    equal(seen.size, 10_000)
  })

  test('a CRL with 100,000 entries is made and reads back whole', async () => {
    const root = await createRootCa({ subject: { commonName: 'Big CRL Root' } })
    const at = new Date(Date.now() - 1000).toISOString()
    const revoked = Array.from({ length: 100_000 }, (_, i) => ({
      serialNo: (i + 1).toString(16).padStart(6, '0').toUpperCase().match(/../g)?.join(':') as string,
      reason: 'superseded' as const,
      at,
    }))
    const { crl } = await generateCrl({ ...root, revoked })
    // Our own strict reader: the revokedCertificates SEQUENCE holds every entry.
    const [tbs] = sequenceOf(readSingle(der(crl)), 3) as [DerNode]
    const list = sequenceOf(tbs, 1, 7).find((n, i) => i > 3 && n.tag === 0x30) as DerNode
    equal(sequenceOf(list, 0, 200_000).length, 100_000)
  })

  test('revocation and CRL numbers; records are never mutated', async () => {
    const root = await createRootCa({ subject: { commonName: 'CRL Root' }, crlUrls: ['http://crl.example/root.crl'] })
    const leaf = await issueCertificate(root, { x509Parameters: { commonName: 'r.example' } })
    const before = snapshot(root)
    const revoked = await revokeCertificate(root, leaf.serialNo.toLowerCase().replace(/:/g, ''), 'KEY_COMPROMISE')
    equal(snapshot(root), before)
    deepEqual(
      revoked.revoked.map((r) => [r.serialNo, r.reason]),
      [[leaf.serialNo, 'keyCompromise']],
    )
    await rejects(revokeCertificate(revoked, leaf.serialNo), { code: 'ERR_PKI_ARGUMENT', field: 'serialNo' })
    await rejects(revokeCertificate(revoked, 'zz'), { code: 'ERR_PKI_ARGUMENT', field: 'serialNo' })
    await rejects(revokeCertificate(root, leaf.serialNo, 'because'), { code: 'ERR_PKI_ARGUMENT', field: 'reason' })
    const first = await generateCrl(revoked)
    equal(first.ca.crlNumber, 1)
    equal(revoked.crlNumber, 0)
    const second = await generateCrl(first.ca, { nextUpdate: 1 })
    equal(second.ca.crlNumber, 2)
    ok(first.crl.startsWith('-----BEGIN X509 CRL-----\n'))
    await rejects(generateCrl(root, { nextUpdate: 0 }), { code: 'ERR_PKI_ARGUMENT', field: 'nextUpdate' })
    const pending = await createSubordinateCa({ subject: { commonName: 'No CRL yet' } })
    await rejects(generateCrl(pending), { code: 'ERR_PKI_STATE' })
  })

  test('fail closed: a record whose key does not match its certificate signs nothing', async () => {
    const a = await createRootCa({ subject: { commonName: 'A' } })
    const b = await createRootCa({ subject: { commonName: 'B' } })
    const mixed: CertificateAuthority = { ...a, keys: b.keys }
    await rejects(issueCertificate(mixed, { x509Parameters: { commonName: 'm.example' } }), {
      code: 'ERR_PKI_KEY_MISMATCH',
    })
    await rejects(generateCrl(mixed), { code: 'ERR_PKI_KEY_MISMATCH' })
  })

  test('CA records are structured-cloneable and work after cloning', async () => {
    const root = await createRootCa({ subject: { commonName: 'Clone Root' } })
    const copy = structuredClone(root)
    equal(copy.keys.privateKey.extractable, false)
    const leaf = await issueCertificate(copy, { x509Parameters: { commonName: 'clone.example' } })
    ok(leaf.certificate.length > 0)
  })
})

function match(text: string, pattern: RegExp): void {
  ok(pattern.test(text), `expected ${text.slice(0, 40)} to match ${pattern}`)
}
