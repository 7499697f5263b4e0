import { createCsr, decodePem, encodePem, generateKeyPair, KEY_TYPES, parseCsr, verifyCsr } from '../../src/index.ts'
import { deepEqual, equal, ok, rejects, throws } from '../assert.ts'
import { suite } from '../harness.ts'

const SUBJECT = {
  commonName: 'api.example.com',
  altName: 'api.example.com, *.api.example.com, ops@example.com',
  ip: ['192.0.2.7', '2001:db8::7'],
  organization: 'Example Ltd',
  organizationUnit: 'Platform',
  locality: 'Zürich',
  stateProvince: 'ZH',
  streetAddress: 'Bahnhofstrasse 1',
  country: 'ch',
}

const SIGNATURES: Record<string, string> = {
  RSA2048: 'sha256WithRSAEncryption',
  RSA3072: 'sha256WithRSAEncryption',
  RSA4096: 'sha256WithRSAEncryption',
  EC256: 'ecdsa-with-SHA256',
  EC384: 'ecdsa-with-SHA384',
  EC521: 'ecdsa-with-SHA512',
  Ed25519: 'ED25519',
}

/** The pyca/cryptography CSR vectors and what each must give: parse error, signature error, or fine. */
const PYCA: [file: string, parse: 'ok' | 'ERR_PKI_FORMAT', verify?: 'ok' | 'ERR_PKI_SIGNATURE'][] = [
  ['bad-version.pem', 'ERR_PKI_FORMAT'],
  ['long-form-attribute.pem', 'ERR_PKI_FORMAT'],
  ['zero-element-attribute.pem', 'ERR_PKI_FORMAT'],
  ['two_basic_constraints.pem', 'ERR_PKI_FORMAT'],
  ['freeipa-bad-critical.pem', 'ERR_PKI_FORMAT'],
  ['freeipa_bad_bool.pem', 'ERR_PKI_FORMAT'],
  ['invalid_signature.pem', 'ok', 'ERR_PKI_SIGNATURE'],
  ['challenge.pem', 'ok', 'ok'],
  ['ec_sha256.pem', 'ok', 'ok'],
  ['ec_sha256_old_header.pem', 'ok', 'ok'],
  // These two were written by hand without a real signature (OpenSSL says "verify failure" too).
  ['basic_constraints.pem', 'ok', 'ERR_PKI_SIGNATURE'],
  ['unsupported_extension_critical.pem', 'ok', 'ERR_PKI_SIGNATURE'],
]

export default suite('csr', (test) => {
  test('every key type makes a CSR that parses back and verifies', async () => {
    for (const keyType of KEY_TYPES) {
      const keys = await generateKeyPair(keyType)
      const pem = await createCsr(keys, SUBJECT)
      await verifyCsr(pem)
      const info = parseCsr(pem)
      equal(info.keyType, keyType)
      equal(info.signatureAlgorithm, SIGNATURES[keyType])
      deepEqual(info.subject, {
        country: 'CH',
        stateProvince: 'ZH',
        locality: 'Zürich',
        streetAddress: 'Bahnhofstrasse 1',
        organization: 'Example Ltd',
        organizationUnit: 'Platform',
        commonName: 'api.example.com',
      })
      deepEqual(info.dnsNames, ['api.example.com', '*.api.example.com'])
      deepEqual(info.emails, ['ops@example.com'])
      deepEqual(info.ips, ['192.0.2.7', '2001:db8::7'])
      deepEqual(info.extensions, [{ oid: '2.5.29.17', critical: false, known: true }])
      equal(info.pem, pem)
    }
  })

  test('a CSR with only a common name has no extensionRequest', async () => {
    const pem = await createCsr(await generateKeyPair(), { commonName: 'Just a name' })
    const info = parseCsr(pem)
    deepEqual(info.extensions, [])
    deepEqual(info.dnsNames, [])
    equal(info.subjectName, 'CN=Just a name')
  })

  test('challengePassword is written and read', async () => {
    const keys = await generateKeyPair()
    equal(
      parseCsr(await createCsr(keys, { commonName: 'a' }, { challengePassword: 'Open Sesame' })).challengePassword,
      'Open Sesame',
    )
    equal(
      parseCsr(await createCsr(keys, { commonName: 'a' }, { challengePassword: 'pässword' })).challengePassword,
      'pässword',
    )
    await rejects(createCsr(keys, { commonName: 'a' }, { challengePassword: '' }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'challengePassword',
    })
  })

  test('bad subjects are refused before anything is signed', async () => {
    const keys = await generateKeyPair()
    await rejects(createCsr(keys, { commonName: '' }), { code: 'ERR_PKI_ARGUMENT', field: 'commonName' })
    await rejects(createCsr(keys, { commonName: 'x', altName: ['ok.example', 'bad_name!'] }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'altName[1]',
    })
    await rejects(createCsr(keys, { commonName: 'x', ip: '300.1.1.1' }), { code: 'ERR_PKI_ARGUMENT', field: 'ip[0]' })
    await rejects(createCsr({} as CryptoKeyPair, { commonName: 'x' }), { name: 'TypeError' } as never)
  })

  test('halves of two different key pairs are a key mismatch', async () => {
    const a = await generateKeyPair('EC256')
    const b = await generateKeyPair('EC256')
    await rejects(createCsr({ privateKey: a.privateKey, publicKey: b.publicKey }, { commonName: 'x' }), {
      code: 'ERR_PKI_KEY_MISMATCH',
    })
  })

  test('a tampered CSR fails verification; a tampered structure fails parsing', async () => {
    for (const keyType of ['EC256', 'EC521', 'RSA2048', 'Ed25519'] as const) {
      const pem = await createCsr(await generateKeyPair(keyType), { commonName: 'tamper.example' })
      const der = (decodePem(pem)[0] as { der: Uint8Array }).der
      const lastByte = der.slice()
      lastByte[lastByte.length - 1] = (lastByte[lastByte.length - 1] as number) ^ 1
      // ECDSA signature bytes flipped may also break the DER of the signature: still a signature error.
      await rejects(verifyCsr(lastByte), { code: 'ERR_PKI_SIGNATURE' }, `${keyType} signature`)
      const subjectByte = der.slice()
      const cn = new TextEncoder().encode('tamper')
      const at = subjectByte.findIndex((_, i) => cn.every((c, j) => subjectByte[i + j] === c))
      ok(at > 0)
      subjectByte[at] = 'T'.charCodeAt(0)
      await rejects(
        verifyCsr(encodePem('CERTIFICATE REQUEST', subjectByte)),
        { code: 'ERR_PKI_SIGNATURE' },
        `${keyType} subject`,
      )
      throws(() => parseCsr(der.subarray(0, der.length - 1)), { code: 'ERR_PKI_FORMAT' })
      throws(() => parseCsr(Uint8Array.from([...der, 0])), { code: 'ERR_PKI_FORMAT' })
    }
  })

  test('parseCsr takes the shapes the cloud APIs return and refuses other PEM labels', async () => {
    const pem = await createCsr(await generateKeyPair(), { commonName: 'shape.example' })
    const crlf = pem.replace(/\n/g, '\r\n')
    const escaped = JSON.stringify({ csr: pem })
    const legacy = pem.replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST')
    for (const text of [crlf, escaped, legacy]) equal(parseCsr(text).subject.commonName, 'shape.example')
    throws(() => parseCsr(pem.replace(/CERTIFICATE REQUEST/g, 'CERTIFICATE')), { code: 'ERR_PKI_FORMAT' })
    throws(() => parseCsr(pem + pem), { code: 'ERR_PKI_FORMAT' })
    throws(() => parseCsr(5 as unknown as string), { name: 'TypeError' } as never)
  })

  test('the pyca/cryptography CSR vectors: broken ones are refused with typed errors', async (env) => {
    const files = (await env.listFiles('pyca-csr')).filter((f) => f.endsWith('.pem')).sort()
    deepEqual(files, PYCA.map(([f]) => f).sort(), 'every vector has an expectation')
    for (const [file, parse, verify] of PYCA) {
      const text = await env.readText(`pyca-csr/${file}`)
      if (parse !== 'ok') {
        throws(() => parseCsr(text), { code: parse }, file)
        await rejects(verifyCsr(text), { code: parse }, file)
        continue
      }
      const info = parseCsr(text)
      ok(info.subjectName.length > 0, file)
      if (verify === 'ok') await verifyCsr(text)
      else await rejects(verifyCsr(text), { code: verify as string }, file)
    }
  })

  test('what a CSR asks for is reported, never trusted: CA flag and unknown critical extensions', async (env) => {
    const ca = parseCsr(await env.readText('pyca-csr/basic_constraints.pem'))
    deepEqual(ca.requested.basicConstraints, { ca: true, pathLen: 1 })
    const unknown = parseCsr(await env.readText('pyca-csr/unsupported_extension_critical.pem'))
    deepEqual(unknown.extensions, [{ oid: '1.2.3.4', critical: true, known: false }])
    const challenge = parseCsr(await env.readText('pyca-csr/challenge.pem'))
    ok(challenge.challengePassword !== undefined)
  })
})
