/**
 * PKCS#12 interop (Node only): OpenSSL reads the PFX files we write (MAC, key, certificates), refuses them with a
 * wrong password, and we read the files `openssl pkcs12 -export` writes with its OpenSSL 3 defaults (PBES2
 * AES-256-CBC, PBKDF2-HMAC-SHA256, HMAC-SHA256 MAC) for an EC and an RSA key.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createRootCa,
  decodePem,
  encodePem,
  exportPkcs12,
  exportPublicKey,
  importPkcs12,
  issueCertificate,
  type KeyType,
} from '../../src/index.ts'
import { makeTempDir, mustRun, type TempDir, tool } from './tools.ts'

const TIMEOUT = 60_000
const PASSPHRASE = 'correct horse battery staple'

let tmp: TempDir

beforeAll(() => {
  tmp = makeTempDir('pkcs12-interop')
})

afterAll(() => {
  tmp?.remove()
})

/** The certificate PEM blocks of a text, normalised through our PEM encoder. */
function certificates(text: string): string[] {
  return decodePem(text.replace(/^(?!-----|[A-Za-z0-9+/=]+$).*$/gm, ''))
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => encodePem('CERTIFICATE', b.der))
}

/** `openssl pkey -pubout` of the private key in a PEM text (OpenSSL's own view of that key's public half). */
function opensslPublicKey(pem: string): string {
  const key = decodePem(pem.replace(/^(?!-----|[A-Za-z0-9+/=]+$).*$/gm, '')).find((b) =>
    b.label.endsWith('PRIVATE KEY'),
  )
  expect(key).toBeDefined()
  const file = tmp.file('key.pem', encodePem(key?.label ?? '', key?.der ?? new Uint8Array()))
  return mustRun('openssl', ['pkey', '-in', file, '-pubout']).stdout
}

describe('PKCS#12 interop', () => {
  for (const keyType of ['EC256', 'RSA2048'] as const satisfies KeyType[]) {
    it(
      `OpenSSL reads our ${keyType} PFX: MAC, key and certificates; a wrong password fails`,
      async () => {
        const root = await createRootCa({ subject: { commonName: `P12 Interop Root ${keyType}` }, keyType })
        const leaf = await issueCertificate(root, { keyType, x509Parameters: { commonName: 'p12.interop.example' } })
        const pfx = await exportPkcs12({
          privateKey: leaf.privateKey,
          certificate: leaf.certificate,
          chain: leaf.caChain,
          passphrase: PASSPHRASE,
          friendlyName: 'interop key',
        })
        const file = tmp.file('ours.p12', pfx)
        const check = tool('openssl', ['pkcs12', '-in', file, '-passin', `pass:${PASSPHRASE}`, '-noout'])
        expect(check.status, check.all).toBe(0)
        const dump = mustRun('openssl', ['pkcs12', '-info', '-in', file, '-passin', `pass:${PASSPHRASE}`, '-nodes'])
        // -info names the algorithms (stderr): the OpenSSL 3 default form, which is what we write.
        expect(dump.stderr).toMatch(/MAC: sha256/)
        expect(dump.stderr).toMatch(/PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, .*PRF hmacWithSHA256/)
        expect(dump.stderr).toMatch(/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, .*PRF hmacWithSHA256/)
        expect(dump.stdout).toContain('friendlyName: interop key')
        expect(certificates(dump.stdout)).toEqual([leaf.certificate, root.certificate as string])
        const expectedPublic = mustRun('openssl', ['pkey', '-in', tmp.file('issued.key', leaf.privateKey), '-pubout'])
        expect(opensslPublicKey(dump.stdout)).toBe(expectedPublic.stdout)
        const wrong = tool('openssl', ['pkcs12', '-in', file, '-passin', 'pass:wrong', '-noout'])
        expect(wrong.status).not.toBe(0)
        expect(wrong.all).toMatch(/mac verify (error|failure)/i)
      },
      TIMEOUT,
    )

    it(
      `we read a ${keyType} PFX made by openssl pkcs12 -export (OpenSSL 3 defaults)`,
      async () => {
        const root = await createRootCa({ subject: { commonName: `P12 OpenSSL Root ${keyType}` }, keyType })
        const leaf = await issueCertificate(root, { keyType, x509Parameters: { commonName: 'from.openssl.example' } })
        const out = tmp.out('openssl.p12')
        mustRun('openssl', [
          'pkcs12',
          '-export',
          '-inkey',
          tmp.file('k.pem', leaf.privateKey),
          '-in',
          tmp.file('c.pem', leaf.certificate),
          '-certfile',
          tmp.file('chain.pem', leaf.caChain),
          '-name',
          'from openssl',
          '-passout',
          `pass:${PASSPHRASE}`,
          '-out',
          out,
        ])
        const der = new Uint8Array(readFileSync(out))
        const read = await importPkcs12(der, { passphrase: PASSPHRASE })
        expect(read.certificate).toBe(leaf.certificate)
        expect(read.chain).toEqual([root.certificate])
        expect(read.friendlyName).toBe('from openssl')
        const expectedPublic = mustRun('openssl', ['pkey', '-in', tmp.file('k2.pem', leaf.privateKey), '-pubout'])
        expect(await exportPublicKey(read.keys.publicKey)).toBe(expectedPublic.stdout)
        await expect(importPkcs12(der, { passphrase: 'wrong' })).rejects.toMatchObject({
          code: 'ERR_PKI_ARGUMENT',
          field: 'passphrase',
        })
      },
      TIMEOUT,
    )
  }

  it(
    'a legacy 3DES/RC2 PFX is refused as not supported',
    async () => {
      const root = await createRootCa({ subject: { commonName: 'P12 Legacy Root' } })
      const leaf = await issueCertificate(root, { x509Parameters: { commonName: 'legacy.example' } })
      const out = tmp.out('legacy.p12')
      const args = ['pkcs12', '-export', '-inkey', tmp.file('k.pem', leaf.privateKey)]
      args.push('-in', tmp.file('c.pem', leaf.certificate), '-passout', `pass:${PASSPHRASE}`, '-out', out)
      // 3DES for both parts and a SHA-1 MAC: what `-legacy` writes minus RC2, which OpenSSL 3 keeps in its legacy provider.
      mustRun('openssl', [...args, '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'])
      await expect(importPkcs12(new Uint8Array(readFileSync(out)), { passphrase: PASSPHRASE })).rejects.toMatchObject({
        code: 'ERR_PKI_NOT_SUPPORTED',
      })
    },
    TIMEOUT,
  )
})
