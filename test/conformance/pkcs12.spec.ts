import { type DerNode, readSingle, sequenceOf } from '../../src/der/reader.ts'
import {
  createRootCa,
  decodePem,
  exportPkcs12,
  generateKeyPair,
  importPkcs12,
  issueCertificate,
  PkiError,
} from '../../src/index.ts'
import { bufferSource, utf8 } from '../../src/lib/bytes.ts'
import { pkcs12Kdf } from '../../src/pkcs12/mac.ts'
import { deepEqual, equal, ok, rejects } from '../assert.ts'
import { suite } from '../harness.ts'

const PASSPHRASE = 'correct horse battery staple'

async function issued(keyType: 'EC256' | 'RSA2048') {
  const root = await createRootCa({ subject: { commonName: `PKCS#12 Root ${keyType}` }, keyType })
  const leaf = await issueCertificate(root, { keyType, x509Parameters: { commonName: 'p12.example.com' } })
  return { root, leaf }
}

const SIGN: Record<string, Algorithm | EcdsaParams> = {
  ECDSA: { name: 'ECDSA', hash: 'SHA-256' },
  'RSASSA-PKCS1-v1_5': { name: 'RSASSA-PKCS1-v1_5' },
}

export default suite('pkcs12', (test) => {
  test('PKCS#12 KDF (RFC 7292 appendix B.2) matches the classic SHA-1 known answer, two blocks', async () => {
    // The widely used 'smeg' vector: salt 0A58CF64530D823F, 1 iteration, 24 octets of ID 1 (spans the B.2 step 6 update).
    const salt = Uint8Array.of(0x0a, 0x58, 0xcf, 0x64, 0x53, 0x0d, 0x82, 0x3f)
    const key = await pkcs12Kdf(globalThis.crypto, 'SHA-1', 20, 64, 'smeg', salt, 1, 1, 24)
    const hex = Array.from(key, (b) => b.toString(16).padStart(2, '0')).join('')
    equal(hex, '8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3')
  })

  for (const keyType of ['EC256', 'RSA2048'] as const) {
    test(`round trip of an issued ${keyType} certificate with its chain and friendlyName`, async () => {
      const { root, leaf } = await issued(keyType)
      const pfx = await exportPkcs12({
        privateKey: leaf.privateKey,
        certificate: leaf.certificate,
        chain: leaf.caChain,
        passphrase: PASSPHRASE,
        friendlyName: 'My key é',
      })
      // PFX version 3, authSafe, macData.
      equal(sequenceOf(readSingle(pfx), 3).length, 3)
      const out = await importPkcs12(pfx, { passphrase: PASSPHRASE })
      equal(out.certificate, leaf.certificate)
      deepEqual(out.chain, [root.certificate])
      equal(out.friendlyName, 'My key é')
      equal(out.keys.privateKey.extractable, false)
      // The imported key signs; the certificate's public key verifies.
      const data = utf8('signed with the imported key')
      const algorithm = SIGN[out.keys.privateKey.algorithm.name] as Algorithm
      const signature = await crypto.subtle.sign(algorithm, out.keys.privateKey, bufferSource(data))
      const params = out.keys.privateKey.algorithm as Algorithm
      const certKey = await crypto.subtle.importKey('spki', bufferSource(spkiOf(leaf.certificate)), params, false, [
        'verify',
      ])
      ok(await crypto.subtle.verify(algorithm, certKey, signature, bufferSource(data)))
    })
  }

  test('an extractable CryptoKey exports; a non-extractable one is refused; a wrong key is a mismatch', async () => {
    const { leaf } = await issued('EC256')
    const other = await generateKeyPair('EC256', { extractable: true })
    await rejects(exportPkcs12({ privateKey: other.privateKey, certificate: leaf.certificate, passphrase: 'pw' }), {
      code: 'ERR_PKI_KEY_MISMATCH',
    })
    const locked = await generateKeyPair('EC256')
    await rejects(exportPkcs12({ privateKey: locked.privateKey, certificate: leaf.certificate, passphrase: 'pw' }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'privateKey',
    })
    await rejects(exportPkcs12({ privateKey: leaf.privateKey, certificate: leaf.certificate, passphrase: '' }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'passphrase',
    })
    const out = await importPkcs12(
      await exportPkcs12({ privateKey: leaf.privateKey, certificate: leaf.certificate, passphrase: 'pw' }),
      { passphrase: 'pw', extractable: true },
    )
    equal(out.keys.privateKey.extractable, true)
    deepEqual(out.chain, [])
    equal(out.friendlyName, undefined)
    const again = await exportPkcs12({ privateKey: out.keys.privateKey, certificate: out.certificate, passphrase: 'x' })
    equal((await importPkcs12(again, { passphrase: 'x' })).certificate, leaf.certificate)
  })

  test('a wrong passphrase and a flipped byte are typed errors; garbage is a format error', async () => {
    const { leaf } = await issued('EC256')
    const pfx = await exportPkcs12({
      privateKey: leaf.privateKey,
      certificate: leaf.certificate,
      chain: leaf.caChain,
      passphrase: PASSPHRASE,
    })
    await rejects(importPkcs12(pfx, { passphrase: 'wrong' }), { code: 'ERR_PKI_ARGUMENT', field: 'passphrase' })
    // The last octet of the MAC-protected AuthenticatedSafe (inside the key bag's localKeyId): still DER, but the
    // MAC no longer matches, which is all an importer can tell.
    const [, authSafe] = sequenceOf(readSingle(pfx), 3) as [DerNode, DerNode]
    const last = authSafe.bytes.byteOffset - pfx.byteOffset + authSafe.bytes.length - 1
    const flipped = pfx.slice()
    flipped[last] = (flipped[last] as number) ^ 0x01
    await rejects(importPkcs12(flipped, { passphrase: PASSPHRASE }), { code: 'ERR_PKI_ARGUMENT', field: 'passphrase' })
    // Any flipped octet is a typed error, never a crash or a silent success.
    for (let i = 0; i < pfx.length; i += 101) {
      const changed = pfx.slice()
      changed[i] = (changed[i] as number) ^ 0x80
      const error = await importPkcs12(changed, { passphrase: PASSPHRASE }).then(
        () => null,
        (e: unknown) => e,
      )
      ok(error instanceof PkiError, `octet ${i}: ${String(error)}`)
      ok(['ERR_PKI_ARGUMENT', 'ERR_PKI_FORMAT', 'ERR_PKI_NOT_SUPPORTED'].includes(error.code), `octet ${i}`)
    }
    await rejects(importPkcs12(Uint8Array.of(0x30, 0x03, 0x02, 0x01), { passphrase: PASSPHRASE }), {
      code: 'ERR_PKI_FORMAT',
    })
    await rejects(importPkcs12(pfx.subarray(0, pfx.length - 1), { passphrase: PASSPHRASE }), {
      code: 'ERR_PKI_FORMAT',
    })
  })
})

/** The SPKI DER of a certificate PEM (its seventh TBSCertificate field, version present). */
function spkiOf(pem: string): Uint8Array {
  const der = decodePem(pem, { label: 'CERTIFICATE' })[0]?.der as Uint8Array
  const [tbs] = sequenceOf(readSingle(der), 3) as [DerNode]
  return (sequenceOf(tbs, 7, 10)[6] as DerNode).bytes
}
