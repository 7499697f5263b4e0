import {
  exportPrivateKey,
  exportPublicKey,
  generateKeyPair,
  importPrivateKey,
  KEY_TYPES,
  type KeyType,
} from '../../src/index.ts'
import { deepEqual, equal, match, ok, rejects } from '../assert.ts'
import { suite } from '../harness.ts'

const SIGN: Record<string, Algorithm | EcdsaParams> = {
  'RSASSA-PKCS1-v1_5': { name: 'RSASSA-PKCS1-v1_5' },
  ECDSA: { name: 'ECDSA', hash: 'SHA-256' },
  Ed25519: { name: 'Ed25519' },
}

/** Proves two halves belong together: the private key signs, the public key verifies. */
async function assertPair(privateKey: CryptoKey, publicKey: CryptoKey, where: string): Promise<void> {
  const data = new TextEncoder().encode(`pocket-ca ${where}`)
  const params = SIGN[privateKey.algorithm.name] as Algorithm
  const signature = await crypto.subtle.sign(params, privateKey, data)
  ok(await crypto.subtle.verify(params, publicKey, signature, data), `${where}: the pair does not verify`)
}

// RSA 3072/4096 generation takes seconds in some runtimes; one fast type is enough for the format tests.
const FORMAT_TYPES: KeyType[] = ['EC256', 'EC384', 'EC521', 'Ed25519', 'RSA2048']

export default suite('keys', (test) => {
  test('every key type generates, non-extractable by default', async () => {
    for (const keyType of KEY_TYPES) {
      const keys = await generateKeyPair(keyType)
      equal(keys.privateKey.extractable, false, `${keyType} private key extractable`)
      equal(keys.publicKey.extractable, true, `${keyType} public key`)
      await assertPair(keys.privateKey, keys.publicKey, keyType)
      await rejects(exportPrivateKey(keys.privateKey), { code: 'ERR_PKI_ARGUMENT', field: 'key' }, keyType)
    }
  })

  test('the default key type is EC256', async () => {
    const keys = await generateKeyPair()
    deepEqual(keys.privateKey.algorithm, { name: 'ECDSA', namedCurve: 'P-256' })
  })

  test('an unknown key type is an argument error, a non-string a TypeError', async () => {
    await rejects(generateKeyPair('EC192' as KeyType), { code: 'ERR_PKI_ARGUMENT', field: 'keyType' })
    await rejects(generateKeyPair('toString' as KeyType), { code: 'ERR_PKI_ARGUMENT', field: 'keyType' })
    await rejects(generateKeyPair(256 as unknown as KeyType), { name: 'TypeError' } as never)
  })

  test('PKCS#8 PEM, DER and JWK round-trip, the public key derived on import', async () => {
    for (const keyType of FORMAT_TYPES) {
      const keys = await generateKeyPair(keyType, { extractable: true })
      const pem = await exportPrivateKey(keys.privateKey)
      match(pem, /^-----BEGIN PRIVATE KEY-----\n/)
      const der = await exportPrivateKey(keys.privateKey, { format: 'der' })
      const jwk = await exportPrivateKey(keys.privateKey, { format: 'jwk' })
      const spki = await exportPublicKey(keys.publicKey, { format: 'der' })
      for (const [name, input] of [
        ['pem', pem],
        ['der', der],
        ['jwk', jwk],
      ] as const) {
        const back = await importPrivateKey(input)
        equal(back.privateKey.extractable, false, `${keyType} ${name}: non-extractable by default`)
        deepEqual(await exportPublicKey(back.publicKey, { format: 'der' }), spki, `${keyType} ${name}: same public key`)
        await assertPair(back.privateKey, keys.publicKey, `${keyType} ${name}`)
      }
      const again = await importPrivateKey(pem, { extractable: true })
      deepEqual(await exportPrivateKey(again.privateKey, { format: 'der' }), der, `${keyType}: same PKCS#8`)
    }
  })

  test('encrypted PKCS#8 round-trips; a wrong or missing passphrase is a typed error', async () => {
    for (const keyType of ['EC256', 'Ed25519'] as KeyType[]) {
      const keys = await generateKeyPair(keyType, { extractable: true })
      const pem = await exportPrivateKey(keys.privateKey, { passphrase: 'correct horse ✓', iterations: 2048 })
      match(pem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/)
      const back = await importPrivateKey(pem, { passphrase: 'correct horse ✓' })
      await assertPair(back.privateKey, keys.publicKey, `${keyType} encrypted`)
      await rejects(importPrivateKey(pem, { passphrase: 'wrong horse' }), {
        code: 'ERR_PKI_ARGUMENT',
        field: 'passphrase',
      })
      await rejects(importPrivateKey(pem), { code: 'ERR_PKI_ARGUMENT', field: 'passphrase' })
      const der = await exportPrivateKey(keys.privateKey, { passphrase: 'pw', format: 'der', iterations: 1000 })
      await assertPair((await importPrivateKey(der, { passphrase: 'pw' })).privateKey, keys.publicKey, 'encrypted DER')
    }
  })

  test('the default PBKDF2 iteration count is written and read', async () => {
    const keys = await generateKeyPair('EC256', { extractable: true })
    const pem = await exportPrivateKey(keys.privateKey, { passphrase: 'slow but safe' })
    const back = await importPrivateKey(pem, { passphrase: 'slow but safe' })
    await assertPair(back.privateKey, keys.publicKey, 'default iterations')
  })

  test('bad export options are argument errors', async () => {
    const keys = await generateKeyPair('EC256', { extractable: true })
    await rejects(exportPrivateKey(keys.privateKey, { passphrase: '' }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'passphrase',
    })
    await rejects(exportPrivateKey(keys.privateKey, { passphrase: 'x', format: 'jwk' }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'passphrase',
    })
    await rejects(exportPrivateKey(keys.privateKey, { format: 'xml' as 'pem' }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'format',
    })
    await rejects(exportPrivateKey(keys.privateKey, { passphrase: 'x', iterations: 10 }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'iterations',
    })
    await rejects(exportPrivateKey(keys.publicKey), { code: 'ERR_PKI_ARGUMENT', field: 'key' })
    await rejects(exportPublicKey(keys.privateKey), { code: 'ERR_PKI_ARGUMENT', field: 'key' })
    await rejects(exportPrivateKey('key' as unknown as CryptoKey), { name: 'TypeError' } as never)
  })

  test('public keys export as SPKI PEM, DER and JWK', async () => {
    const keys = await generateKeyPair('EC384')
    match(
      await exportPublicKey(keys.publicKey),
      /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/,
    )
    const jwk = await exportPublicKey(keys.publicKey, { format: 'jwk' })
    equal(jwk.crv, 'P-384')
    equal(jwk.d, undefined)
  })

  test('garbage and keys of other kinds are refused with typed errors', async () => {
    await rejects(importPrivateKey('no pem here'), { code: 'ERR_PKI_FORMAT' })
    await rejects(importPrivateKey(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00)), { code: 'ERR_PKI_FORMAT' })
    await rejects(importPrivateKey(new Uint8Array(40)), { code: 'ERR_PKI_FORMAT' })
    await rejects(importPrivateKey({ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }), { code: 'ERR_PKI_FORMAT' })
    await rejects(importPrivateKey({ kty: 'oct', k: 'AAAA', d: 'AA' } as JsonWebKey), { code: 'ERR_PKI_NOT_SUPPORTED' })
    const pub = await exportPublicKey((await generateKeyPair('EC256')).publicKey)
    await rejects(importPrivateKey(pub), { code: 'ERR_PKI_FORMAT' })
    await rejects(importPrivateKey(42 as unknown as string), { name: 'TypeError' } as never)
  })

  test('a JWK marked non-extractable by its exporter still imports', async () => {
    const keys = await generateKeyPair('EC256', { extractable: true })
    const jwk = { ...(await exportPrivateKey(keys.privateKey, { format: 'jwk' })), ext: false, key_ops: ['sign'] }
    const back = await importPrivateKey(jwk)
    await assertPair(back.privateKey, keys.publicKey, 'jwk with ext false')
  })
})
