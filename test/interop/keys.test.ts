/**
 * Private and public key interop (Node only): OpenSSL reads the PKCS#8 (plain and PBES2-encrypted) and SPKI we
 * write, and we import the keys OpenSSL writes (encrypted PKCS#8, PKCS#1, SEC1), proven by CSRs OpenSSL verifies.
 * Every external tool gets its input through a file in a temporary folder; no shell is involved.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createCsr,
  exportPrivateKey,
  exportPublicKey,
  generateKeyPair,
  importPrivateKey,
  KEY_TYPES,
  type KeyType,
  parseCsr,
} from '../../src/index.ts'
import { makeTempDir, mustRun, type TempDir, tool } from './tools.ts'

const TIMEOUT = 60_000
const PASSPHRASE = 'correct horse battery staple'

let tmp: TempDir

beforeAll(() => {
  tmp = makeTempDir('keys-interop')
})

afterAll(() => {
  tmp?.remove()
})

/** `openssl pkey -pubout -outform DER` of a private key file: the SPKI OpenSSL derives from it. */
function opensslSpki(keyFile: string, passphrase?: string): Uint8Array {
  const out = tmp.out('spki.der')
  const pass = passphrase === undefined ? [] : ['-passin', `pass:${passphrase}`]
  mustRun('openssl', ['pkey', '-in', keyFile, ...pass, '-pubout', '-outform', 'DER', '-out', out])
  return new Uint8Array(readFileSync(out))
}

/** Makes a CSR with a key pair; OpenSSL must say `verify OK` and see the public key `expectedSpki`. */
async function expectCsrVerifiesWith(keys: CryptoKeyPair, expectedSpki: Uint8Array): Promise<void> {
  const pem = await createCsr(keys, { commonName: 'imported.interop.example' })
  const csrFile = tmp.file('imported.csr.pem', pem)
  const verify = tool('openssl', ['req', '-in', csrFile, '-noout', '-verify'])
  expect(verify.status).toBe(0)
  expect(verify.all).toContain('verify OK')
  expect(verify.all).not.toMatch(/verify failure/i)
  const pubkeyFile = tmp.out('csr-pubkey.pem')
  mustRun('openssl', ['req', '-in', csrFile, '-noout', '-pubkey', '-out', pubkeyFile])
  const spkiFile = tmp.out('csr-spki.der')
  mustRun('openssl', ['pkey', '-pubin', '-in', pubkeyFile, '-outform', 'DER', '-out', spkiFile])
  expect(new Uint8Array(readFileSync(spkiFile))).toEqual(expectedSpki)
}

/** What `openssl pkey -text` prints for each key type. */
const OPENSSL_PRIVATE_TEXT: Record<KeyType, string[]> = {
  RSA2048: ['Private-Key: (2048 bit, 2 primes)', 'publicExponent: 65537'],
  RSA3072: ['Private-Key: (3072 bit, 2 primes)', 'publicExponent: 65537'],
  RSA4096: ['Private-Key: (4096 bit, 2 primes)', 'publicExponent: 65537'],
  EC256: ['Private-Key: (256 bit)', 'ASN1 OID: prime256v1', 'NIST CURVE: P-256'],
  EC384: ['Private-Key: (384 bit)', 'ASN1 OID: secp384r1', 'NIST CURVE: P-384'],
  EC521: ['Private-Key: (521 bit)', 'ASN1 OID: secp521r1', 'NIST CURVE: P-521'],
  Ed25519: ['ED25519 Private-Key:'],
}

/** Checks what `openssl asn1parse` shows of an EncryptedPrivateKeyInfo we wrote. */
function expectPbes2Structure(encryptedFile: string, iterationsHex: string): void {
  const { stdout } = mustRun('openssl', ['asn1parse', '-in', encryptedFile])
  expect(stdout).toMatch(/OBJECT\s+:PBES2\b/)
  expect(stdout).toMatch(/OBJECT\s+:PBKDF2\b/)
  expect(stdout).toMatch(/OBJECT\s+:hmacWithSHA256\b/)
  expect(stdout).toMatch(/OBJECT\s+:aes-256-cbc\b/)
  expect(stdout).toMatch(new RegExp(`INTEGER\\s+:${iterationsHex}\\s*$`, 'm'))
}

describe.each(KEY_TYPES)('our %s key as OpenSSL sees it', (keyType) => {
  let keys: CryptoKeyPair
  let plainFile = ''
  let spki: Uint8Array = new Uint8Array()

  beforeAll(async () => {
    keys = await generateKeyPair(keyType, { extractable: true })
    plainFile = tmp.file(`${keyType}.key.pem`, await exportPrivateKey(keys.privateKey))
    spki = await exportPublicKey(keys.publicKey, { format: 'der' })
  }, TIMEOUT)

  it(
    'openssl pkey reads our plain PKCS#8 PEM with the right type and curve',
    () => {
      expect(readFileSync(plainFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
      const { stdout } = mustRun('openssl', ['pkey', '-in', plainFile, '-noout', '-text'])
      for (const line of OPENSSL_PRIVATE_TEXT[keyType]) expect(stdout).toContain(line)
    },
    TIMEOUT,
  )

  it(
    'openssl opens our encrypted PKCS#8 (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC, 2048 iterations), not with a wrong passphrase',
    async () => {
      const pem = await exportPrivateKey(keys.privateKey, { passphrase: PASSPHRASE, iterations: 2048 })
      expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/)
      const file = tmp.file(`${keyType}.enc.pem`, pem)
      const open = tool('openssl', ['pkey', '-in', file, '-passin', `pass:${PASSPHRASE}`, '-noout'])
      expect(open.status, open.all).toBe(0)
      expectPbes2Structure(file, '0800')
      // What OpenSSL decrypted is our key: the public key it derives is ours.
      expect(opensslSpki(file, PASSPHRASE)).toEqual(spki)
      const wrong = tool('openssl', ['pkey', '-in', file, '-passin', `pass:${PASSPHRASE}!`, '-noout'])
      expect(wrong.status).not.toBe(0)
    },
    TIMEOUT,
  )

  it(
    'our SPKI (exportPublicKey, DER) equals openssl pkey -pubout of our private key',
    async () => {
      expect(opensslSpki(plainFile)).toEqual(spki)
      const pem = await exportPublicKey(keys.publicKey)
      const pubFile = tmp.file(`${keyType}.pub.pem`, pem)
      const out = tmp.out('pub.der')
      mustRun('openssl', ['pkey', '-pubin', '-in', pubFile, '-outform', 'DER', '-out', out])
      expect(new Uint8Array(readFileSync(out))).toEqual(spki)
    },
    TIMEOUT,
  )
})

describe('our encrypted PKCS#8, other parameters', () => {
  it(
    'default iterations (600,000) open in OpenSSL',
    async () => {
      const keys = await generateKeyPair('EC256', { extractable: true })
      const file = tmp.file('default-iter.enc.pem', await exportPrivateKey(keys.privateKey, { passphrase: PASSPHRASE }))
      const open = tool('openssl', ['pkey', '-in', file, '-passin', `pass:${PASSPHRASE}`, '-noout'])
      expect(open.status, open.all).toBe(0)
      expectPbes2Structure(file, '0927C0')
      expect(opensslSpki(file, PASSPHRASE)).toEqual(await exportPublicKey(keys.publicKey, { format: 'der' }))
    },
    TIMEOUT,
  )

  it(
    'a non-ASCII passphrase (UTF-8) opens in OpenSSL, and DER output too',
    async () => {
      const passphrase = 'Grüße, κλειδί 🔑'
      const keys = await generateKeyPair('Ed25519', { extractable: true })
      const der = await exportPrivateKey(keys.privateKey, { passphrase, iterations: 2048, format: 'der' })
      const file = tmp.file('utf8.enc.der', der)
      const open = tool('openssl', ['pkey', '-inform', 'DER', '-in', file, '-passin', `pass:${passphrase}`, '-noout'])
      expect(open.status, open.all).toBe(0)
      const out = tmp.out('utf8.spki.der')
      mustRun('openssl', [
        'pkey',
        '-inform',
        'DER',
        '-in',
        file,
        '-passin',
        `pass:${passphrase}`,
        '-pubout',
        '-outform',
        'DER',
        '-out',
        out,
      ])
      expect(new Uint8Array(readFileSync(out))).toEqual(await exportPublicKey(keys.publicKey, { format: 'der' }))
    },
    TIMEOUT,
  )
})

/** Keys made by `openssl genpkey ... -aes256 -pass pass:...`: encrypted PKCS#8 in OpenSSL 3's default form. */
const OPENSSL_GENPKEY: { name: string; args: string[]; keyType: KeyType }[] = [
  { name: 'EC P-256', args: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], keyType: 'EC256' },
  { name: 'EC P-384', args: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], keyType: 'EC384' },
  { name: 'EC P-521', args: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'], keyType: 'EC521' },
  { name: 'RSA 2048', args: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], keyType: 'RSA2048' },
  { name: 'Ed25519', args: ['-algorithm', 'ed25519'], keyType: 'Ed25519' },
]

describe.each(OPENSSL_GENPKEY)('OpenSSL-made encrypted $name key', ({ name, args, keyType }) => {
  let pem = ''
  let keyFile = ''

  beforeAll(() => {
    keyFile = tmp.out(`openssl-${name.replace(/\W/g, '')}.enc.pem`)
    mustRun('openssl', ['genpkey', ...args, '-aes256', '-pass', `pass:${PASSPHRASE}`, '-out', keyFile])
    pem = readFileSync(keyFile, 'utf8')
  }, TIMEOUT)

  it(
    'is imported with its passphrase and signs a CSR that OpenSSL verifies, with OpenSSL’s public key',
    async () => {
      expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/)
      const keys = await importPrivateKey(pem, { passphrase: PASSPHRASE })
      expect(keys.privateKey.extractable).toBe(false)
      const expectedSpki = opensslSpki(keyFile, PASSPHRASE)
      expect(await exportPublicKey(keys.publicKey, { format: 'der' })).toEqual(expectedSpki)
      await expectCsrVerifiesWith(keys, expectedSpki)
      const csr = parseCsr(await createCsr(keys, { commonName: 'kt.interop.example' }))
      expect(csr.keyType).toBe(keyType)
    },
    TIMEOUT,
  )

  it(
    'is refused with a wrong or missing passphrase: ERR_PKI_ARGUMENT on field passphrase',
    async () => {
      await expect(importPrivateKey(pem, { passphrase: `${PASSPHRASE} ` })).rejects.toMatchObject({
        code: 'ERR_PKI_ARGUMENT',
        field: 'passphrase',
      })
      await expect(importPrivateKey(pem, { passphrase: 'wrong' })).rejects.toMatchObject({
        code: 'ERR_PKI_ARGUMENT',
        field: 'passphrase',
      })
      await expect(importPrivateKey(pem)).rejects.toMatchObject({ code: 'ERR_PKI_ARGUMENT', field: 'passphrase' })
    },
    TIMEOUT,
  )
})

/** `openssl pkcs8 -topk8` with PBES2 parameters other than OpenSSL's defaults (all of which we claim to read). */
const PBES2_VARIANTS: { cipher: string; prf: string }[] = [
  { cipher: 'aes-128-cbc', prf: 'hmacWithSHA1' },
  { cipher: 'aes-192-cbc', prf: 'hmacWithSHA512' },
  { cipher: 'aes-256-cbc', prf: 'hmacWithSHA384' },
]

describe('OpenSSL-made PBES2 variants', () => {
  let plainKeyFile = ''

  beforeAll(() => {
    plainKeyFile = tmp.out('variant-plain.pem')
    mustRun('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', plainKeyFile])
  })

  it.each(PBES2_VARIANTS)(
    'openssl pkcs8 -topk8 -v2 $cipher -v2prf $prf is imported',
    async ({ cipher, prf }) => {
      const out = tmp.out('variant.enc.pem')
      mustRun('openssl', [
        'pkcs8',
        '-topk8',
        '-in',
        plainKeyFile,
        '-v2',
        cipher,
        '-v2prf',
        prf,
        '-iter',
        '1000',
        '-passout',
        `pass:${PASSPHRASE}`,
        '-out',
        out,
      ])
      const parsed = mustRun('openssl', ['asn1parse', '-in', out]).stdout
      expect(parsed).toContain(`:${cipher}`)
      if (prf !== 'hmacWithSHA1') expect(parsed).toContain(`:${prf}`) // SHA-1 is the DEFAULT, so omitted
      const keys = await importPrivateKey(readFileSync(out, 'utf8'), { passphrase: PASSPHRASE })
      await expectCsrVerifiesWith(keys, opensslSpki(plainKeyFile))
    },
    TIMEOUT,
  )

  it(
    'PBES1 (openssl pkcs8 -v1 PBE-SHA1-3DES) is refused as a format error',
    async () => {
      const out = tmp.out('pbes1.enc.pem')
      mustRun('openssl', [
        'pkcs8',
        '-topk8',
        '-in',
        plainKeyFile,
        '-v1',
        'PBE-SHA1-3DES',
        '-passout',
        `pass:${PASSPHRASE}`,
        '-out',
        out,
      ])
      await expect(importPrivateKey(readFileSync(out, 'utf8'), { passphrase: PASSPHRASE })).rejects.toMatchObject({
        code: 'ERR_PKI_FORMAT',
      })
    },
    TIMEOUT,
  )
})

/** Legacy PEM forms: SEC1 `EC PRIVATE KEY` (with and without the `EC PARAMETERS` block) and PKCS#1 `RSA PRIVATE KEY`. */
const LEGACY: { name: string; command: string[]; label: string; keyType: KeyType }[] = [
  {
    name: 'openssl ecparam -genkey -name prime256v1',
    command: ['ecparam', '-genkey', '-name', 'prime256v1'],
    label: 'EC PRIVATE KEY',
    keyType: 'EC256',
  },
  {
    name: 'openssl ecparam -genkey -name secp384r1 -noout',
    command: ['ecparam', '-genkey', '-name', 'secp384r1', '-noout'],
    label: 'EC PRIVATE KEY',
    keyType: 'EC384',
  },
  {
    name: 'openssl ecparam -genkey -name secp521r1',
    command: ['ecparam', '-genkey', '-name', 'secp521r1'],
    label: 'EC PRIVATE KEY',
    keyType: 'EC521',
  },
  {
    name: 'openssl genrsa -traditional 2048',
    command: ['genrsa', '-traditional'],
    label: 'RSA PRIVATE KEY',
    keyType: 'RSA2048',
  },
]

describe('OpenSSL-made legacy private keys', () => {
  it.each(LEGACY)(
    '$name is imported and signs a CSR that OpenSSL verifies',
    async ({ command, label, keyType }) => {
      const keyFile = tmp.out('legacy.key.pem')
      // genrsa takes the size as its last argument, after -out.
      const args = command[0] === 'genrsa' ? [...command, '-out', keyFile, '2048'] : [...command, '-out', keyFile]
      mustRun('openssl', args)
      const pem = readFileSync(keyFile, 'utf8')
      expect(pem).toContain(`-----BEGIN ${label}-----`)
      const keys = await importPrivateKey(pem)
      const expectedSpki = opensslSpki(keyFile)
      expect(await exportPublicKey(keys.publicKey, { format: 'der' })).toEqual(expectedSpki)
      await expectCsrVerifiesWith(keys, expectedSpki)
      expect(parseCsr(await createCsr(keys, { commonName: 'legacy.interop.example' })).keyType).toBe(keyType)
    },
    TIMEOUT,
  )
})
