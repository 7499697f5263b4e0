import { OID, oid } from '../../src/der/oid.ts'
import { readSingle } from '../../src/der/reader.ts'
import {
  bitString,
  contextTag,
  integer,
  octetString,
  sequence,
  setOf,
  TAG,
  tlv,
  utf8String,
} from '../../src/der/writer.ts'
import {
  createCsr,
  decodePem,
  encodePem,
  exportPublicKey,
  generateKeyPair,
  KEY_TYPES,
  PkiError,
  parseCsr,
  verifyCsr,
} from '../../src/index.ts'
import { bufferSource } from '../../src/lib/bytes.ts'
import { readGeneralNames } from '../../src/names/decode.ts'
import { deepEqual, equal, ok, rejects, throws } from '../assert.ts'
import { suite } from '../harness.ts'

/**
 * A CSR built by hand with our DER writer: a real P-256 SPKI, the given attributes, and a well-formed but made-up
 * ECDSA signature (parseCsr does not verify; these CSRs exist to feed the parser hostile sizes).
 */
async function handmadeCsr(attributes: Uint8Array[]): Promise<Uint8Array> {
  const spki = await exportPublicKey((await generateKeyPair('EC256')).publicKey, { format: 'der' })
  const name = sequence(setOf([sequence(oid(OID.commonName), utf8String('handmade.example'))]))
  const info = sequence(integer(0), name, spki, contextTag(0, true, ...attributes))
  return sequence(info, sequence(oid(OID.ecdsaWithSHA256)), bitString(sequence(integer(1), integer(1))))
}

/** An extensionRequest attribute (RFC 2985 5.4.2) asking for one subjectAltName with these GeneralNames. */
function sanRequest(generalNames: Uint8Array): Uint8Array {
  const san = sequence(oid(OID.subjectAltName), octetString(generalNames))
  return sequence(oid(OID.extensionRequest), setOf([sequence(san)]))
}

/** An attribute whose type is an OBJECT IDENTIFIER with these content octets (written raw: oid() refuses them). */
function attributeWithOidContent(content: Uint8Array): Uint8Array {
  return sequence(tlv(TAG.OID, content), setOf([utf8String('x')]))
}

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
      deepEqual(info.extensions, [
        {
          oid: '2.5.29.17',
          name: 'subjectAltName',
          critical: false,
          known: true,
          value: [
            { type: 'email', value: 'ops@example.com' },
            { type: 'dns', value: 'api.example.com' },
            { type: 'dns', value: '*.api.example.com' },
            { type: 'ip', value: '192.0.2.7' },
            { type: 'ip', value: '2001:db8::7' },
          ],
        },
      ])
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

  test('an Ed25519 key with algorithm parameters is refused, however well it signed (RFC 8410 3)', async () => {
    const keys = await generateKeyPair('Ed25519')
    const raw = await crypto.subtle.exportKey('raw', keys.publicKey)
    // The same key with NULL parameters after the OID: the form RFC 8410 forbids.
    const spki = sequence(sequence(oid(OID.ed25519), tlv(TAG.NULL, new Uint8Array(0))), bitString(new Uint8Array(raw)))
    const name = sequence(setOf([sequence(oid(OID.commonName), utf8String('params.example'))]))
    const info = sequence(integer(0), name, spki, contextTag(0, true))
    const signature = await crypto.subtle.sign('Ed25519', keys.privateKey, bufferSource(info))
    const der = sequence(info, sequence(oid(OID.ed25519)), bitString(new Uint8Array(signature)))
    await rejects(verifyCsr(der), { code: 'ERR_PKI_FORMAT' })
    equal(parseCsr(der).keyType, null)
  })

  test('halves of two different key pairs are a key mismatch', async () => {
    const a = await generateKeyPair('EC256')
    const b = await generateKeyPair('EC256')
    await rejects(createCsr({ privateKey: a.privateKey, publicKey: b.publicKey }, { commonName: 'x' }), {
      code: 'ERR_PKI_KEY_MISMATCH',
    })
  })

  test('halves of different key types (RSA private, EC public) are a key mismatch, not a raw WebCrypto error', async () => {
    const rsa = await generateKeyPair('RSA2048')
    const ec = await generateKeyPair('EC256')
    await rejects(createCsr({ privateKey: rsa.privateKey, publicKey: ec.publicKey }, { commonName: 'x' }), {
      code: 'ERR_PKI_KEY_MISMATCH',
    })
  })

  test("a pair's public key imported without 'verify', or bound to another hash, still makes a CSR", async () => {
    for (const [keyType, params] of [
      ['EC256', { name: 'ECDSA', namedCurve: 'P-256' }],
      ['RSA2048', { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }],
    ] as const) {
      const keys = await generateKeyPair(keyType)
      const spki = await exportPublicKey(keys.publicKey, { format: 'der' })
      const usages: KeyUsage[] = keyType === 'EC256' ? [] : ['verify']
      const publicKey = await crypto.subtle.importKey('spki', bufferSource(spki), params, true, usages)
      const csr = await createCsr({ privateKey: keys.privateKey, publicKey }, { commonName: 'restricted.example' })
      await verifyCsr(csr)
      equal(parseCsr(csr).subject.commonName, 'restricted.example')
    }
  })

  test('the two halves of a pair swapped, or a public key that cannot be exported, are argument errors', async () => {
    const keys = await generateKeyPair('EC256')
    await rejects(createCsr({ privateKey: keys.publicKey, publicKey: keys.privateKey }, { commonName: 'x' }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'keys',
    })
    await rejects(createCsr({ privateKey: keys.privateKey, publicKey: keys.privateKey }, { commonName: 'x' }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'keys',
    })
    // WebCrypto keeps a public key imported as non-extractable unexportable, like a private one.
    const spki = await exportPublicKey(keys.publicKey, { format: 'der' })
    const params = { name: 'ECDSA', namedCurve: 'P-256' }
    const locked = await crypto.subtle.importKey('spki', bufferSource(spki), params, false, ['verify'])
    equal(locked.extractable, false)
    await rejects(createCsr({ privateKey: keys.privateKey, publicKey: locked }, { commonName: 'x' }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'keys',
    })
    await rejects(createCsr({ privateKey: 'key', publicKey: keys.publicKey } as never, { commonName: 'x' }), {
      name: 'TypeError',
    } as never)
  })

  test('a SAN holding a 200,000-octet dNSName is a typed error or parses, never a RangeError', async () => {
    const long = new Uint8Array(200_000).fill(0x61) // 'a'
    const generalNames = sequence(contextTag(2, false, long))
    // Our own reading decodes it whole ...
    equal(readGeneralNames(readSingle(generalNames)).dnsNames[0]?.length, 200_000)
    // ... and parseCsr either reports it or refuses it with a PkiError (the rich reader, asn1js, overflows its
    // stack on it: that is wrapped as a PkiFormatError).
    const der = await handmadeCsr([sanRequest(generalNames)])
    let info: ReturnType<typeof parseCsr> | undefined
    try {
      info = parseCsr(der)
    } catch (e) {
      ok(e instanceof PkiError, `expected a PkiError, got ${(e as Error).name}: ${(e as Error).message}`)
    }
    if (info) equal(info.dnsNames[0]?.length, 200_000)
  })

  test('OIDs beyond the size limits are format errors: a 100 KB arc, a 2 MB OID of small arcs', async () => {
    // 1.2.<arc of 100,000 septets>: 0x2a, then continuation octets, then the last septet.
    const longArc = new Uint8Array(100_001).fill(0x81)
    longArc[0] = 0x2a
    longArc[longArc.length - 1] = 0x01
    const withLongArc = await handmadeCsr([attributeWithOidContent(longArc)])
    throws(() => parseCsr(withLongArc), { code: 'ERR_PKI_FORMAT' }, 'one 100 KB arc')
    // 1.2.1.1.1...: two million one-octet arcs.
    const manyArcs = new Uint8Array(2_000_000).fill(0x01)
    manyArcs[0] = 0x2a
    const withManyArcs = await handmadeCsr([attributeWithOidContent(manyArcs)])
    throws(() => parseCsr(withManyArcs), { code: 'ERR_PKI_FORMAT' }, 'a 2 MB OID')
    // Within the limits, an unknown attribute type is fine: 2.25.<a 128-bit UUID> (X.667).
    const uuid = oid('2.25.329800735698586629295641978511506172918').subarray(2)
    equal(parseCsr(await handmadeCsr([attributeWithOidContent(uuid)])).subject.commonName, 'handmade.example')
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
    deepEqual(unknown.extensions, [{ oid: '1.2.3.4', name: null, critical: true, known: false, value: '76616c7565' }])
    const challenge = parseCsr(await env.readText('pyca-csr/challenge.pem'))
    ok(challenge.challengePassword !== undefined)
  })
})
