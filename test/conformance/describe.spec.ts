/**
 * `describe`: every kind of PEM block and DER object it names, several blocks in one text, and what it refuses.
 * The fixtures below were made with OpenSSL 3.0 once, and are embedded (with the commands) rather than read from
 * ../shared/testdata, which holds no such files.
 */
import {
  createCsr,
  createRootCa,
  type Description,
  decodePem,
  describe as describeInput,
  exportPrivateKey,
  exportPublicKey,
  generateCrl,
  generateKeyPair,
  issueCertificate,
  parseCertificate,
  revokeCertificate,
} from '../../src/index.ts'
import { deepEqual, equal, ok, throws } from '../assert.ts'
import { suite } from '../harness.ts'

/**
 * A certs-only PKCS#7 bundle of a P-256 leaf and its root:
 *   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key \
 *     -subj "/C=NZ/O=pocket-ca test/CN=P7 Root" -days 36500 -out root.pem
 *   openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -subj "/CN=p7.example" -out leaf.csr
 *   printf "subjectAltName=DNS:p7.example\nbasicConstraints=critical,CA:FALSE\n" > ext.cnf
 *   openssl x509 -req -in leaf.csr -CA root.pem -CAkey root.key -set_serial 0x1001 -days 36500 -extfile ext.cnf \
 *     -out leaf.pem
 *   openssl crl2pkcs7 -nocrl -certfile leaf.pem -certfile root.pem -out bundle.p7b
 */
const PKCS7_BUNDLE = `-----BEGIN PKCS7-----
MIIDnwYJKoZIhvcNAQcCoIIDkDCCA4wCAQExADALBgkqhkiG9w0BBwGgggN0MIIB
pjCCAUygAwIBAgICEAEwCgYIKoZIzj0EAwIwODELMAkGA1UEBhMCTloxFzAVBgNV
BAoMDnBvY2tldC1jYSB0ZXN0MRAwDgYDVQQDDAdQNyBSb290MCAXDTI2MTEyNTAy
NTE0M1oYDzIxMjYxMTAxMDI1MTQzWjAVMRMwEQYDVQQDDApwNy5leGFtcGxlMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEKcBegG0VSqoHhxZtUqQiQboqECmNsftp
KfPNeXz50X9BOCblCA6YcgFyP800P82fMx4mR2zN1NfbSFn4zb1xiKNnMGUwFQYD
VR0RBA4wDIIKcDcuZXhhbXBsZTAMBgNVHRMBAf8EAjAAMB0GA1UdDgQWBBQ3hGds
fWrcXJKa5oDBzh1/UaPZCzAfBgNVHSMEGDAWgBSYVVD+8T65TFd/jYLpHjXNSTed
ZzAKBggqhkjOPQQDAgNIADBFAiEArsZTG6jjMgdd+n4CviRbo3qYukSceu+fRYgm
EqIUay4CIGZidoUNVINYxhkAZJIuCEC+irUwC8XU4OyMSrIECjTeMIIBxjCCAW2g
AwIBAgIUFQ+G/Q/FS4+dFIdxpJ+nSNxQZwQwCgYIKoZIzj0EAwIwODELMAkGA1UE
BhMCTloxFzAVBgNVBAoMDnBvY2tldC1jYSB0ZXN0MRAwDgYDVQQDDAdQNyBSb290
MCAXDTI2MTEyNTAyNTE0M1oYDzIxMjYxMTAxMDI1MTQzWjA4MQswCQYDVQQGEwJO
WjEXMBUGA1UECgwOcG9ja2V0LWNhIHRlc3QxEDAOBgNVBAMMB1A3IFJvb3QwWTAT
BgcqhkjOPQIBBggqhkjOPQMBBwNCAARrjNpF/OuJ+VCAPLPK293on+XWetbdCX6m
6Hg950Xp4Y7UrIMhhUGf75S3ZYzCH33x/iaohNOONMWY25rgaMMLo1MwUTAdBgNV
HQ4EFgQUmFVQ/vE+uUxXf42C6R41zUk3nWcwHwYDVR0jBBgwFoAUmFVQ/vE+uUxX
f42C6R41zUk3nWcwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiA/
r0wm1cagrehgBEhDYF+NMdSscn08+wzX33QhoE7rJwIgaG9+oYr85re+xOAts/W6
HiQMt2RfN1nHuta1xCcHu1QxAA==
-----END PKCS7-----
`

/** `openssl x509 -noout -fingerprint -sha256` / `-sha1` and `-subject -nameopt RFC2253` of the two certificates. */
const BUNDLE_CERTS = [
  {
    subjectDn: 'CN=p7.example',
    sha256: '59:5D:CF:4C:9F:17:0B:A1:65:F7:38:37:6F:6C:2D:FC:AE:67:18:D7:DB:B0:6B:DE:98:9E:E1:75:D6:B7:A6:BE',
    sha1: 'B7:F1:8B:C7:1C:A9:02:D2:A1:E2:0D:32:36:66:71:79:B4:5B:4B:4C',
  },
  {
    subjectDn: 'CN=P7 Root,O=pocket-ca test,C=NZ',
    sha256: '99:A8:CC:F3:AA:61:9B:FD:E6:F7:8D:BF:49:9A:BE:E8:13:AF:1C:F1:DD:2A:9D:78:3D:1E:E0:17:71:B8:FA:7A',
    sha1: '73:9A:AD:EE:BF:F7:1B:22:A2:38:B2:E9:81:DE:B4:63:BD:B8:15:F6',
  },
]

/** `openssl ecparam -name secp384r1 -genkey`: an EC PARAMETERS block, then a SEC1 EC PRIVATE KEY. */
const EC_PARAMS_AND_SEC1 = `-----BEGIN EC PARAMETERS-----
BgUrgQQAIg==
-----END EC PARAMETERS-----
-----BEGIN EC PRIVATE KEY-----
MIGkAgEBBDBW27RJIjjqqMicNBxGytCFBOWCUWX5FMDWozpeQsGJs1hM+/tyZ39n
xiJWNLoIQXCgBwYFK4EEACKhZANiAAT1FknhU0josKMQRAOxJg7p6ivgwkHgPRBa
O0cDhQAwuIHY3UWeCfzK6n06iHkvIKHWo7hbyM7TzOz294kpEAnZHMOr7RMyMh2L
IThqwnoOS4FpDZT0kFsNZebhaOxqPbE=
-----END EC PRIVATE KEY-----
`

/** `openssl genrsa -traditional 1024` (a test key, nothing else). */
const RSA_PKCS1 = `-----BEGIN RSA PRIVATE KEY-----
MIICXAIBAAKBgQDN75ZQmvXiBtwycawRAVm4DH/EYGiLO8gCBBxOgszBJrlaumap
V4vqhLk1hqSmHVBKXg7NTLXY//Afm0RNnDuX7vouda5qZTWhmZO6TmjhdXTZ3PKt
43tmYALeugqNBxpbFvKMCNkdPVg4BxluOrxUA4yUTlWfidm41JZ7dbrCXwIDAQAB
AoGACdkROR2P8JUfZpIlBlMoNTLz0TJDDZV4RRBpQh/jJsFxT7NmQWbcXASozrR3
nzH7qvLAhnTKpWvn0bsdExELkGxs6RyoDh1V0pfw16bpm4LAN1ngtWyGM6ueDD4x
elDMn6ZpRMQFWBeafdJwYl47oRaR86/CkhPv+VW3eG5y3bECQQD1a/rDYHY3QtgY
+QmXsx8Lc2iWqMUBD+Ju3CofSORmBAkwZzv/T+aQKyiMn09hKWCNJ8q3kNtfiKrp
ENev6vBVAkEA1s/qDV6N9cEg7KM4APCzhKg8Aiijra6k9RhXIzFco8mptXVTMwXa
8uMZ26o/owJC2ADynkM6PW02n9Dw48QL4wJAPGCLOaOykZfNSB+EX6C+g3eqBF6S
0NcSkslxR28MWZimlhTfqskCZPdpK2dKBRJD4ZYnhg+KGK+rtFjjZzD6XQJAAXpu
zua+rVlF47r/0KnXYmtR9mXXMoPIKNOhDeHyFEJ4A4KqLui0aAV+EQ/r3jBOy3O+
N66YwQF2ZcUnUznvJwJBAM+IePI3hSly4jgP9bPKIuvf0xqkIrFHe1jQVlW6M79/
KDYOlq3w4jn6Uk1Oi+T48unV8EQs7fn6/aeoblpvhjY=
-----END RSA PRIVATE KEY-----
`

/** `openssl rsa -in rsa.pem -RSAPublicKey_out`, the public half of {@link RSA_PKCS1}. */
const RSA_PUBLIC_PKCS1 = `-----BEGIN RSA PUBLIC KEY-----
MIGJAoGBAM3vllCa9eIG3DJxrBEBWbgMf8RgaIs7yAIEHE6CzMEmuVq6ZqlXi+qE
uTWGpKYdUEpeDs1Mtdj/8B+bRE2cO5fu+i51rmplNaGZk7pOaOF1dNnc8q3je2Zg
At66Co0HGlsW8owI2R09WDgHGW46vFQDjJROVZ+J2bjUlnt1usJfAgMBAAE=
-----END RSA PUBLIC KEY-----
`

/**
 * `openssl genpkey -algorithm ed25519 | openssl pkcs8 -topk8 -v2 aes-128-cbc -v2prf hmacWithSHA512 -iter 4096
 * -passout pass:fixture`.
 */
const ENCRYPTED_ED25519 = `-----BEGIN ENCRYPTED PRIVATE KEY-----
MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAh/PNnQ8vsrBwICEAAw
DAYIKoZIhvcNAgsFADAdBglghkgBZQMEAQIEEDwC7qwDJU8FythmGbY18M8EQEp/
qfglZHxvGD3pVGn10EsJjdictgYbCdMxpMXkED1pK0BDaEBSTlTMbqSNXe0rzNBb
OVwNHLxnsE0dHft+LxA=
-----END ENCRYPTED PRIVATE KEY-----
`

function one(d: Description | Description[]): Description {
  ok(!Array.isArray(d), 'expected one description')
  return d as Description
}

function der(pem: string): Uint8Array {
  return (decodePem(pem)[0] as { der: Uint8Array }).der
}

/** The value without its Uint8Array fields (`der`), at any depth. */
function withoutBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutBytes)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => !(v instanceof Uint8Array))
      .map(([k, v]) => [k, withoutBytes(v)]),
  )
}

/** Plain data: JSON keeps everything but the bytes (no Date, Map, undefined field), and structured cloning all. */
function checkPlain(value: unknown): void {
  const plain = withoutBytes(value)
  deepEqual(JSON.parse(JSON.stringify(plain)), plain)
  deepEqual(structuredClone(value), value)
}

export default suite('describe', (test) => {
  test('a certificate, CSR and CRL, as PEM and as DER', async () => {
    const ca = await createRootCa({ subject: { commonName: 'Describe Root', organization: 'pocket-ca' } })
    const issued = await issueCertificate(ca, { x509Parameters: { commonName: 'describe.example' } })
    const { crl } = await generateCrl(await revokeCertificate(ca, issued.serialNo, 'keyCompromise'))
    const csr = await createCsr(await generateKeyPair('EC384'), { commonName: 'csr.describe.example' })
    for (const input of [issued.certificate, der(issued.certificate)]) {
      const d = one(describeInput(input))
      ok(d.kind === 'certificate')
      equal(d.serialNo, issued.serialNo)
      equal(d.issuerDn, 'CN=Describe Root,O=pocket-ca')
      deepEqual(d.fingerprints, parseCertificate(issued.certificate).fingerprints)
      checkPlain(d)
    }
    for (const input of [csr, der(csr)]) {
      const d = one(describeInput(input))
      ok(d.kind === 'csr')
      equal(d.subjectDn, 'CN=csr.describe.example')
      equal(d.keySize, 384)
    }
    for (const input of [crl, der(crl)]) {
      const d = one(describeInput(input))
      ok(d.kind === 'crl')
      equal(d.revoked[0]?.reason, 'keyCompromise')
      equal(d.issuerDn, 'CN=Describe Root,O=pocket-ca')
    }
  })

  test('private keys: PKCS#8, legacy RSA and EC (with OpenSSL EC PARAMETERS), encrypted PKCS#8; no key material', async () => {
    const keys = await generateKeyPair('EC256', { extractable: true })
    const pkcs8 = (await exportPrivateKey(keys.privateKey)) as string
    for (const input of [pkcs8, der(pkcs8)]) {
      deepEqual(one(describeInput(input)), {
        kind: 'privateKey',
        format: 'pkcs8',
        algorithm: 'ECDSA',
        namedCurve: 'P-256',
        keyType: 'EC256',
        keySize: 256,
      })
    }
    const rsa = await generateKeyPair('RSA2048', { extractable: true })
    const rsaPkcs8 = one(describeInput((await exportPrivateKey(rsa.privateKey)) as string))
    ok(rsaPkcs8.kind === 'privateKey' && rsaPkcs8.keyType === 'RSA2048' && rsaPkcs8.modulusLength === 2048)
    deepEqual(describeInput(EC_PARAMS_AND_SEC1), [
      { kind: 'ecParameters', namedCurve: 'P-384', keySize: 384 },
      { kind: 'privateKey', format: 'sec1', algorithm: 'ECDSA', namedCurve: 'P-384', keyType: 'EC384', keySize: 384 },
    ])
    for (const input of [RSA_PKCS1, der(RSA_PKCS1)]) {
      deepEqual(one(describeInput(input)), {
        kind: 'privateKey',
        format: 'pkcs1',
        algorithm: 'RSA',
        modulusLength: 1024,
        keyType: null,
        keySize: 1024,
      })
    }
    for (const input of [ENCRYPTED_ED25519, der(ENCRYPTED_ED25519)]) {
      deepEqual(one(describeInput(input)), {
        kind: 'encryptedPrivateKey',
        format: 'pkcs8-encrypted',
        scheme: 'PBES2',
        kdf: 'PBKDF2',
        iterations: 4096,
        prf: 'hmacWithSHA512',
        cipher: 'aes-128-cbc',
      })
    }
  })

  test('public keys: SPKI (with fingerprints) and PKCS#1 RSA', async () => {
    const keys = await generateKeyPair('EC521', { extractable: true })
    const spki = (await exportPublicKey(keys.publicKey)) as string
    const d = one(describeInput(spki))
    ok(d.kind === 'publicKey')
    deepEqual([d.format, d.algorithm, d.namedCurve, d.keyType, d.keySize], ['spki', 'ECDSA', 'P-521', 'EC521', 521])
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', der(spki) as Uint8Array<ArrayBuffer>))
    equal(d.fingerprints.sha256, Array.from(digest, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':'))
    equal(d.pem, spki)
    deepEqual(one(describeInput(der(spki))), d)
    const pkcs1 = one(describeInput(RSA_PUBLIC_PKCS1))
    ok(pkcs1.kind === 'publicKey' && pkcs1.format === 'pkcs1' && pkcs1.keySize === 1024 && pkcs1.algorithm === 'RSA')
  })

  test('a PKCS#7 bundle from openssl crl2pkcs7 -nocrl, as PEM and as DER', () => {
    for (const input of [PKCS7_BUNDLE, der(PKCS7_BUNDLE)]) {
      const d = one(describeInput(input))
      ok(d.kind === 'pkcs7')
      equal(d.signerCount, 0)
      deepEqual(d.crls, [])
      deepEqual(
        d.certificates.map((c) => ({ subjectDn: c.subjectDn, ...c.fingerprints })),
        BUNDLE_CERTS,
      )
      deepEqual(d.certificates[0]?.dnsNames, ['p7.example'])
      equal(d.certificates[0]?.notAfter, '2126-11-01T02:51:43.000Z', 'GeneralizedTime after 2049')
      equal(d.pem, PKCS7_BUNDLE)
      checkPlain(d)
    }
  })

  test('several blocks in one text: one description each, in order', async () => {
    const ca = await createRootCa({ subject: { commonName: 'Bundle Root' } })
    const issued = await issueCertificate(ca, { keyType: 'EC256', x509Parameters: { commonName: 'b.example' } })
    const text = `key:\n${issued.privateKey}\ncert:\n${issued.certificate}\nchain:\n${issued.caChain}`
    const all = describeInput(text)
    ok(Array.isArray(all))
    deepEqual(
      all.map((d) => d.kind),
      ['privateKey', 'certificate', 'certificate'],
    )
  })

  test('unknown or malformed input is a format error; a wrong argument type a TypeError', () => {
    const label = '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n'
    throws(() => describeInput(label), { code: 'ERR_PKI_FORMAT' }, 'unknown label')
    throws(() => describeInput('hello'), { code: 'ERR_PKI_FORMAT' }, 'no PEM')
    throws(() => describeInput(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05)), { code: 'ERR_PKI_FORMAT' }, 'odd DER')
    throws(() => describeInput(Uint8Array.of(0x04, 0x00)), { code: 'ERR_PKI_FORMAT' }, 'not a SEQUENCE')
    throws(() => describeInput(Uint8Array.of(0x30, 0x80, 0x00, 0x00)), { code: 'ERR_PKI_FORMAT' }, 'BER')
    throws(() => describeInput(new Uint8Array(0)), { code: 'ERR_PKI_FORMAT' }, 'empty')
    const bad = PKCS7_BUNDLE.replace('MIIDnwYJKoZIhvcNAQcCoIIDkDCCA4wCAQEx', 'MIIDnwYJKoZIhvcNAQcBoIIDkDCCA4wCAQEx')
    throws(() => describeInput(bad), { code: 'ERR_PKI_FORMAT' }, 'PKCS#7 data, not signedData')
    throws(() => describeInput(7 as unknown as string), { name: 'TypeError' } as never)
  })
})
