/**
 * The `crypto` option: every operation takes a WebCrypto implementation. Here the second implementation is
 * @peculiar/webcrypto (pure JS over Node's crypto), and the first, the runtime's own, checks its output.
 */
import { Crypto as PeculiarCrypto } from '@peculiar/webcrypto'
import { describe, expect, it } from 'vitest'
import {
  createCsr,
  exportPrivateKey,
  generateKeyPair,
  importPrivateKey,
  type KeyType,
  parseCsr,
  verifyCsr,
} from '../../src/index.ts'

const peculiar = new PeculiarCrypto() as unknown as Crypto

describe('a second WebCrypto implementation as the crypto option', () => {
  for (const keyType of ['EC256', 'EC384', 'EC521', 'RSA2048'] as KeyType[]) {
    it(`${keyType}: keys and CSR made by @peculiar/webcrypto verify with the native one, and back`, async () => {
      const keys = await generateKeyPair(keyType, { crypto: peculiar, extractable: true })
      expect(keys.privateKey.constructor).not.toBe(globalThis.CryptoKey)
      const csr = await createCsr(keys, { commonName: 'provider.example' }, { crypto: peculiar })
      await verifyCsr(csr)
      await verifyCsr(csr, { crypto: peculiar })
      expect(parseCsr(csr).keyType).toBe(keyType)

      const pem = await exportPrivateKey(keys.privateKey, { passphrase: 'pw', iterations: 1000, crypto: peculiar })
      const native = await importPrivateKey(pem, { passphrase: 'pw' })
      await verifyCsr(await createCsr(native, { commonName: 'native.example' }), { crypto: peculiar })
    })
  }

  it('a tampered CSR fails under either implementation', async () => {
    const csr = await createCsr(await generateKeyPair('EC256'), { commonName: 'tamper.example' })
    // Flip one base64 character of the body (in the subject / key area, not the signature).
    const lines = csr.split('\n')
    const i = 3
    const line = lines[i] as string
    lines[i] = (line[0] === 'A' ? 'B' : 'A') + line.slice(1)
    const broken = lines.join('\n')
    await expect(verifyCsr(broken, { crypto: peculiar })).rejects.toMatchObject({
      code: expect.stringMatching(/^ERR_PKI_/),
    })
    await expect(verifyCsr(broken)).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_PKI_/) })
  })
})
