/**
 * The `crypto` option: every operation takes a WebCrypto implementation. Here the second implementation is
 * @peculiar/webcrypto (pure JS over Node's crypto), and the first, the runtime's own, checks its output.
 */
import { Crypto as PeculiarCrypto } from '@peculiar/webcrypto'
import { describe, expect, it } from 'vitest'
import {
  createCsr,
  decodePem,
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

  it('a CSR with its last signature byte flipped is a signature error under either implementation', async () => {
    const csr = await createCsr(await generateKeyPair('EC256'), { commonName: 'tamper.example' })
    // The last octet of the DER is the last octet of s in the Ecdsa-Sig-Value: the encoding stays valid DER, so
    // the only thing wrong is the signature, and exactly ERR_PKI_SIGNATURE is the right answer.
    const der = (decodePem(csr)[0] as { der: Uint8Array }).der.slice()
    der[der.length - 1] = (der[der.length - 1] as number) ^ 0x01
    await expect(verifyCsr(der, { crypto: peculiar })).rejects.toMatchObject({ code: 'ERR_PKI_SIGNATURE' })
    await expect(verifyCsr(der)).rejects.toMatchObject({ code: 'ERR_PKI_SIGNATURE' })
  })
})
