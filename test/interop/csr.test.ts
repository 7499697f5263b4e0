/**
 * CSR interop (Node only): what OpenSSL, GnuTLS certtool and dumpasn1 say about the CSRs we make, and what our
 * parser and verifier say about the CSRs OpenSSL makes. Every external tool gets its input through a file in a
 * temporary folder; no shell is involved.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createCsr,
  generateKeyPair,
  KEY_TYPES,
  type KeyType,
  type PublicKeyDescription,
  parseCsr,
  verifyCsr,
  type X509Parameters,
} from '../../src/index.ts'
import { makeTempDir, mustRun, pemDer, type TempDir, tool } from './tools.ts'

const TIMEOUT = 60_000

let tmp: TempDir

beforeAll(() => {
  tmp = makeTempDir('csr-interop')
})

afterAll(() => {
  tmp?.remove()
})

/** A copy of a DER CSR with one byte near its end, i.e. inside the signature BIT STRING, flipped. */
function flipSignatureByte(der: Uint8Array): Uint8Array {
  const copy = der.slice()
  const i = copy.length - 5
  copy[i] = (copy[i] as number) ^ 0x01
  return copy
}

function csrDer(pem: string): Uint8Array {
  return pemDer(pem, 'CERTIFICATE REQUEST')
}

const SUBJECT = {
  commonName: 'csr.interop.example',
  organization: 'Example Interop Ltd',
  organizationUnit: 'Key Ceremony Unit',
  locality: 'Bath',
  stateProvince: 'Somerset',
  streetAddress: '1 High Street',
  country: 'GB',
  altName: ['csr.interop.example', '*.wild.interop.example', 'pki-admin@interop.example'],
  ip: ['192.0.2.10', '2001:db8::1'],
} satisfies X509Parameters

const CHALLENGE = 'open sesame 42'

/** What `openssl req -text` prints for each subject field (OpenSSL's short names, default name options). */
const OPENSSL_SUBJECT_PARTS = [
  'C = GB',
  'ST = Somerset',
  'L = Bath',
  'street = 1 High Street',
  'O = Example Interop Ltd',
  'OU = Key Ceremony Unit',
  'CN = csr.interop.example',
]

/** The signature algorithm and public-key lines OpenSSL 3 prints for each key type. */
const OPENSSL_KEY_TEXT: Record<KeyType, { signature: string; key: string[] }> = {
  RSA2048: {
    signature: 'sha256WithRSAEncryption',
    key: ['rsaEncryption', 'Public-Key: (2048 bit)', 'Exponent: 65537'],
  },
  RSA3072: {
    signature: 'sha256WithRSAEncryption',
    key: ['rsaEncryption', 'Public-Key: (3072 bit)', 'Exponent: 65537'],
  },
  RSA4096: {
    signature: 'sha256WithRSAEncryption',
    key: ['rsaEncryption', 'Public-Key: (4096 bit)', 'Exponent: 65537'],
  },
  EC256: {
    signature: 'ecdsa-with-SHA256',
    key: ['id-ecPublicKey', 'Public-Key: (256 bit)', 'ASN1 OID: prime256v1', 'NIST CURVE: P-256'],
  },
  EC384: {
    signature: 'ecdsa-with-SHA384',
    key: ['id-ecPublicKey', 'Public-Key: (384 bit)', 'ASN1 OID: secp384r1', 'NIST CURVE: P-384'],
  },
  EC521: {
    signature: 'ecdsa-with-SHA512',
    key: ['id-ecPublicKey', 'Public-Key: (521 bit)', 'ASN1 OID: secp521r1', 'NIST CURVE: P-521'],
  },
  Ed25519: { signature: 'ED25519', key: ['Public Key Algorithm: ED25519', 'ED25519 Public-Key:'] },
}

describe.each(KEY_TYPES)('our %s CSR as other tools see it', (keyType) => {
  let pem = ''
  let der: Uint8Array = new Uint8Array()
  let pemFile = ''
  let derFile = ''
  let tamperedFile = ''

  beforeAll(async () => {
    const keys = await generateKeyPair(keyType)
    pem = await createCsr(keys, SUBJECT, { challengePassword: CHALLENGE })
    der = csrDer(pem)
    pemFile = tmp.file(`${keyType}.csr.pem`, pem)
    derFile = tmp.file(`${keyType}.csr.der`, der)
    tamperedFile = tmp.file(`${keyType}.tampered.csr.der`, flipSignatureByte(der))
  }, TIMEOUT)

  it(
    'openssl req -verify says verify OK, and not for a flipped signature byte',
    () => {
      const good = tool('openssl', ['req', '-in', pemFile, '-noout', '-verify'])
      expect(good.status).toBe(0)
      expect(good.all).toContain('verify OK')
      expect(good.all).not.toMatch(/verify failure/i)

      // OpenSSL 3.0 exits 0 either way: only the text tells.
      const bad = tool('openssl', ['req', '-inform', 'DER', '-in', tamperedFile, '-noout', '-verify'])
      expect(bad.all).not.toContain('verify OK')
      expect(bad.all).toMatch(/verify failure/i)
    },
    TIMEOUT,
  )

  it(
    'openssl req -text shows the subject, SANs, challengePassword, signature algorithm and key',
    () => {
      const { stdout } = mustRun('openssl', ['req', '-in', pemFile, '-noout', '-text'])
      const subjectLine = stdout.split('\n').find((l) => l.trim().startsWith('Subject:'))
      expect(subjectLine).toBeDefined()
      for (const part of OPENSSL_SUBJECT_PARTS) expect(subjectLine).toContain(part)
      expect(stdout).toContain('Version: 1 (0x0)')
      expect(stdout).toContain('X509v3 Subject Alternative Name')
      expect(stdout).toContain('DNS:csr.interop.example')
      expect(stdout).toContain('DNS:*.wild.interop.example')
      expect(stdout).toContain('email:pki-admin@interop.example')
      expect(stdout).toContain('IP Address:192.0.2.10')
      // OpenSSL 3.0 prints IPv6 addresses uncompressed, in upper case.
      expect(stdout).toContain('IP Address:2001:DB8:0:0:0:0:0:1')
      expect(stdout).toMatch(new RegExp(`challengePassword\\s*:${CHALLENGE}`))
      const spec = OPENSSL_KEY_TEXT[keyType]
      expect(stdout).toContain(`Signature Algorithm: ${spec.signature}`)
      for (const line of spec.key) expect(stdout).toContain(line)
    },
    TIMEOUT,
  )

  it(
    'certtool --crq-info verifies the self signature, and fails a flipped signature byte',
    () => {
      const good = mustRun('certtool', ['--crq-info', '--infile', pemFile])
      expect(good.stdout).toContain('Self signature: verified')
      expect(good.stdout).toContain('DNSname: csr.interop.example')
      expect(good.stdout).toContain('DNSname: *.wild.interop.example')
      expect(good.stdout).toContain('RFC822Name: pki-admin@interop.example')
      expect(good.stdout).toContain('IPAddress: 192.0.2.10')
      expect(good.stdout).toContain('IPAddress: 2001:db8::1')
      expect(good.stdout).toContain('CN=csr.interop.example')

      // certtool exits 0 either way too.
      const bad = tool('certtool', ['--crq-info', '--inder', '--infile', tamperedFile])
      expect(bad.stdout).not.toContain('Self signature: verified')
      expect(bad.stdout).toContain('Self signature: FAILED')
    },
    TIMEOUT,
  )

  it(
    'dumpasn1 finds no DER errors or warnings',
    () => {
      const r = tool('dumpasn1', [derFile])
      // dumpasn1 ends with "N warnings, M errors." on stderr and exits with the error count.
      expect(r.stderr).toContain('0 warnings, 0 errors.')
      expect(r.status).toBe(0)
      expect(r.stdout).toContain('extensionRequest')
      expect(r.stdout).toContain('challengePassword')
      // The top-level SEQUENCE spans the whole file (dumpasn1 itself ignores trailing bytes).
      expect(r.stdout).toMatch(new RegExp(`^\\s*0\\s+${der.length - headerLength(der)}: SEQUENCE \\{`))
    },
    TIMEOUT,
  )
})

/** The length of the outer tag and length octets of a DER value. */
function headerLength(der: Uint8Array): number {
  const first = der[1] as number
  return first < 0x80 ? 2 : 2 + (first & 0x7f)
}

describe('dumpasn1 as a checker', () => {
  it('reports a non-minimal INTEGER (proof that it can fail)', () => {
    // SEQUENCE { INTEGER 00 01 }: the leading zero octet is not allowed in DER.
    const file = tmp.file('nonminimal.der', Uint8Array.of(0x30, 0x04, 0x02, 0x02, 0x00, 0x01))
    const r = tool('dumpasn1', [file])
    expect(r.status).not.toBe(0)
    expect(r.stderr).toContain('1 error')
    expect(r.stdout).toContain('non-DER encoding')
  })
})

describe('OpenSSL-made CSRs read by parseCsr and verifyCsr', () => {
  const subj = '/C=GB/ST=Somerset/L=Bath/street=1 High Street/O=Example Ltd/OU=Ops/CN=openssl.interop.example'
  const san =
    'subjectAltName=DNS:openssl.interop.example,DNS:*.openssl.interop.example,email:ops@interop.example,' +
    'IP:198.51.100.7,IP:2001:db8:0:0:1::2'

  /** Makes a CSR with `openssl req -new -newkey ...` and returns its PEM. */
  function opensslCsr(options: string[], extra: string[] = ['-subj', subj]): string {
    const out = tmp.out('openssl.csr.pem')
    const keyOut = tmp.out('openssl.key.pem')
    mustRun('openssl', ['req', '-new', ...options, '-nodes', '-keyout', keyOut, '-addext', san, ...extra, '-out', out])
    return readFileSync(out, 'utf8')
  }

  function expectCommonFields(pem: string) {
    const info = parseCsr(pem)
    expect(info.subject).toEqual({
      country: 'GB',
      stateProvince: 'Somerset',
      locality: 'Bath',
      streetAddress: '1 High Street',
      organization: 'Example Ltd',
      organizationUnit: 'Ops',
      commonName: 'openssl.interop.example',
    })
    expect(info.dnsNames).toEqual(['openssl.interop.example', '*.openssl.interop.example'])
    expect(info.emails).toEqual(['ops@interop.example'])
    expect(info.ips).toEqual(['198.51.100.7', '2001:db8::1:0:0:2'])
    expect(info.extensions).toEqual([
      {
        oid: '2.5.29.17',
        name: 'subjectAltName',
        critical: false,
        known: true,
        value: [
          { type: 'dns', value: 'openssl.interop.example' },
          { type: 'dns', value: '*.openssl.interop.example' },
          { type: 'email', value: 'ops@interop.example' },
          { type: 'ip', value: '198.51.100.7' },
          { type: 'ip', value: '2001:db8::1:0:0:2' },
        ],
      },
    ])
    return info
  }

  async function expectTamperedRejected(pem: string) {
    const tampered = flipSignatureByte(csrDer(pem))
    await expect(verifyCsr(tampered)).rejects.toMatchObject({ code: 'ERR_PKI_SIGNATURE' })
  }

  /** OpenSSL-made CSRs that verify: the `openssl req` options, and what parseCsr must say about key and signature. */
  const VERIFIABLE: {
    name: string
    options: string[]
    publicKey: PublicKeyDescription
    keyType: KeyType | null
    signatureAlgorithm: string
  }[] = [
    {
      name: 'P-384 (openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-384)',
      options: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
      publicKey: { algorithm: 'ECDSA', namedCurve: 'P-384' },
      keyType: 'EC384',
      // openssl req signs with SHA-256 whatever the curve.
      signatureAlgorithm: 'ecdsa-with-SHA256',
    },
    {
      name: 'Ed25519 (openssl req -newkey ed25519)',
      options: ['-newkey', 'ed25519'],
      publicKey: { algorithm: 'Ed25519' },
      keyType: 'Ed25519',
      signatureAlgorithm: 'ED25519',
    },
    {
      name: 'an RSA key signed with RSASSA-PSS (-sigopt rsa_padding_mode:pss): the signature OID; it verifies (RFC 4055)',
      options: ['-newkey', 'rsa:2048', '-sigopt', 'rsa_padding_mode:pss'],
      // The key itself is a plain rsaEncryption key, one pocket-ca makes; only the signature is PSS.
      publicKey: { algorithm: 'RSA', modulusLength: 2048 },
      keyType: 'RSA2048',
      signatureAlgorithm: '1.2.840.113549.1.1.10',
    },
    {
      name: 'an RSASSA-PSS key (-newkey rsa-pss): the key algorithm OID and keyType null; the PSS signature verifies',
      options: ['-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048'],
      publicKey: { algorithm: '1.2.840.113549.1.1.10' },
      keyType: null,
      signatureAlgorithm: '1.2.840.113549.1.1.10',
    },
    {
      name: 'P-521 signed with SHA-512 (openssl req -sha512)',
      options: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521', '-sha512'],
      publicKey: { algorithm: 'ECDSA', namedCurve: 'P-521' },
      keyType: 'EC521',
      signatureAlgorithm: 'ecdsa-with-SHA512',
    },
  ]

  for (const row of VERIFIABLE) {
    it(
      row.name,
      async () => {
        const pem = opensslCsr(row.options)
        const info = expectCommonFields(pem)
        expect(info.publicKey).toEqual(row.publicKey)
        expect(info.keyType).toBe(row.keyType)
        expect(info.signatureAlgorithm).toBe(row.signatureAlgorithm)
        await expect(verifyCsr(pem)).resolves.toBeUndefined()
        await expectTamperedRejected(pem)
      },
      TIMEOUT,
    )
  }

  it(
    'RSA 2048 with a challengePassword, and as DER',
    async () => {
      // openssl req ignores the [attrs] section when -subj is given, so the subject comes from the config here.
      const config = tmp.file(
        'req.cnf',
        [
          '[req]',
          'distinguished_name = dn',
          'attributes = attrs',
          'prompt = no',
          '[dn]',
          ...subj
            .split('/')
            .slice(1)
            .map((rdn) => rdn.replace('=', ' = ')),
          '[attrs]',
          'challengePassword = s3cret-Pass',
          '',
        ].join('\n'),
      )
      const pem = opensslCsr(['-newkey', 'rsa:2048'], ['-config', config])
      const info = expectCommonFields(pem)
      expect(info.publicKey).toEqual({ algorithm: 'RSA', modulusLength: 2048 })
      expect(info.keyType).toBe('RSA2048')
      expect(info.signatureAlgorithm).toBe('sha256WithRSAEncryption')
      expect(info.challengePassword).toBe('s3cret-Pass')
      await expect(verifyCsr(pem)).resolves.toBeUndefined()
      await expect(verifyCsr(csrDer(pem))).resolves.toBeUndefined()
      await expectTamperedRejected(pem)
    },
    TIMEOUT,
  )

  it(
    'secp256k1: reported with the curve OID and keyType null; verifyCsr says not supported',
    async () => {
      const pem = opensslCsr(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1'])
      const info = expectCommonFields(pem)
      expect(info.publicKey).toEqual({ algorithm: 'ECDSA', namedCurve: '1.3.132.0.10' })
      expect(info.keyType).toBeNull()
      expect(info.signatureAlgorithm).toBe('ecdsa-with-SHA256')
      await expect(verifyCsr(pem)).rejects.toMatchObject({ code: 'ERR_PKI_NOT_SUPPORTED' })
    },
    TIMEOUT,
  )
})
