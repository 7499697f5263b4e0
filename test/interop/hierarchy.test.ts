/**
 * CA hierarchy interop (Node only): three-level hierarchies made with the subordinate flow
 * (createSubordinateCa -> getCaCsr -> signSubordinateCa -> importCaCertificate), a sub-CA under an OpenSSL-made root,
 * CRLs and validity edges, as OpenSSL, GnuTLS certtool, NSS (certutil + vfychain) and dumpasn1 see them.
 * Every tool gets its input through a file in a temporary folder; no shell is involved.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type CertificateAuthority,
  createRootCa,
  createSubordinateCa,
  decodePem,
  generateCrl,
  getCaCsr,
  type IssuedCertificate,
  importCaCertificate,
  issueCertificate,
  type KeyType,
  revokeCertificate,
  signSubordinateCa,
} from '../../src/index.ts'
import { certificateDer, makeTempDir, mustRun, type TempDir, type ToolResult, tool } from './tools.ts'

// RSA 4096 key generation alone can take many seconds on a slow CI machine.
const TIMEOUT = 180_000

let tmp: TempDir

beforeAll(() => {
  tmp = makeTempDir('hierarchy-interop')
})

afterAll(() => {
  tmp?.remove()
})

/** The signature algorithm OpenSSL names for a certificate signed by a key of each type. */
const SIGNATURE_NAME: Record<KeyType, string> = {
  RSA2048: 'sha256WithRSAEncryption',
  RSA3072: 'sha256WithRSAEncryption',
  RSA4096: 'sha256WithRSAEncryption',
  EC256: 'ecdsa-with-SHA256',
  EC384: 'ecdsa-with-SHA384',
  EC521: 'ecdsa-with-SHA512',
  Ed25519: 'ED25519',
}

function pemOf(ca: CertificateAuthority): string {
  if (!ca.certificate) throw new Error(`CA ${ca.id} has no certificate`)
  return ca.certificate
}

/** A sub-CA through the whole subordinate flow, checked ACTIVE. */
async function makeSubordinate(
  parent: CertificateAuthority,
  commonName: string,
  keyType: KeyType,
  o: { period?: number | 'MAX'; pathLen?: number; at?: Date } = {},
): Promise<CertificateAuthority> {
  const pending = await createSubordinateCa({ subject: { commonName, organization: 'Pocket CA Interop' }, keyType })
  expect(pending.status).toBe('PENDING_CERTIFICATE')
  const certificate = await signSubordinateCa(parent, await getCaCsr(pending), o)
  const chain = [pemOf(parent), ...parent.chain].join('')
  const active = await importCaCertificate(pending, certificate, chain, o.at ? { at: o.at } : {})
  expect(active.status).toBe('ACTIVE')
  return active
}

/** `openssl x509 -text` of a certificate file. */
function x509Text(file: string): string {
  return mustRun('openssl', ['x509', '-in', file, '-noout', '-text']).stdout
}

/** The value line under an extension heading of `openssl x509 -text` (e.g. the hex of the SKI). */
function extensionValue(text: string, heading: string): string | undefined {
  const m = text.match(new RegExp(`${heading}:[^\\n]*\\n\\s+([^\\n]+)`))
  return m?.[1]?.trim()
}

/** OpenSSL 3.0 prints a bare hex AKI; older and newer versions prefix `keyid:`. */
function akiKeyId(text: string): string | undefined {
  return extensionValue(text, 'X509v3 Authority Key Identifier')?.replace(/^keyid:/, '')
}

/** The `openssl verify` verdict: exit 0 and `<file>: OK`. */
function expectVerifyOk(r: ToolResult, file: string): void {
  expect(r.status, r.all).toBe(0)
  expect(r.stdout).toContain(`${file}: OK`)
}

function expectVerifyFails(r: ToolResult, file: string, error: string): void {
  expect(r.status).not.toBe(0)
  expect(r.stdout).not.toContain(`${file}: OK`)
  expect(r.all).toContain(error)
}

/** What dumpasn1 (a 32-bit time_t build) calls an error in every time after January 2038: a limit of its own. */
const DUMPASN1_TIME_T = 'Error: Time value cannot be represented in a 32-bit time_t.'

/**
 * `openssl asn1parse` and dumpasn1 both read the DER without complaint. With `timesPast2038`, dumpasn1 may report
 * exactly that many times as errors, and only with its 32-bit time_t message: no other error is tolerated.
 */
function expectCleanDer(der: Uint8Array, name: string, timesPast2038 = 0): void {
  const file = tmp.file(`${name}.der`, der)
  const parsed = tool('openssl', ['asn1parse', '-inform', 'DER', '-in', file])
  expect(parsed.status, parsed.all).toBe(0)
  expect(parsed.all).not.toMatch(/error/i)
  expect(parsed.stdout).toMatch(/^\s*0:d=0\s+hl=\d+ l=\s*\d+ cons: SEQUENCE/)
  const dumped = tool('dumpasn1', [file])
  // dumpasn1 ends with "N warnings, M errors." on stderr and exits with the error count.
  expect(dumped.stderr).toContain(`0 warnings, ${timesPast2038} errors.`)
  expect(dumped.status).toBe(timesPast2038)
  const errors = dumped.stdout.split('\n').filter((l) => /error|warning/i.test(l))
  expect(errors.map((l) => l.replace(/^\s*:\s*/, ''))).toEqual(Array(timesPast2038).fill(DUMPASN1_TIME_T))
}

/** Makes an NSS database in a new folder, trusting `root` as a CA for TLS, e-mail and code signing. */
function nssDatabase(root: string, intermediates: string[]): string {
  const db = `sql:${tmp.subdir('nssdb')}`
  mustRun('certutil', ['-N', '--empty-password', '-d', db])
  mustRun('certutil', ['-A', '-d', db, '-n', 'pocket-ca root', '-t', 'CT,C,C', '-a', '-i', root])
  intermediates.forEach((file, i) => {
    mustRun('certutil', ['-A', '-d', db, '-n', `pocket-ca intermediate ${i}`, '-t', ',,', '-a', '-i', file])
  })
  return db
}

interface Mix {
  root: KeyType
  sub: KeyType
  leaf: KeyType
  ip: string
  /** How `openssl x509 -text` prints the IP SAN (OpenSSL 3.0: IPv6 uncompressed, upper case). */
  ipText: string
  /**
   * NSS 3.87 (Debian 12) has no Ed25519: certutil refuses to add an Ed25519 certificate (SEC_ERROR_ADDING_CERT) and
   * vfychain rejects an Ed25519 TLS server certificate with -8102 "key usage inadequate" even when OpenSSL itself
   * made it. So NSS is skipped for a mix with an Ed25519 root, and checks only the CA part of one with an Ed25519 leaf.
   */
  nss: 'full' | 'ca-only' | 'none'
}

const MIXES: Mix[] = [
  { root: 'EC256', sub: 'RSA2048', leaf: 'EC521', ip: '192.0.2.11', ipText: '192.0.2.11', nss: 'full' },
  {
    root: 'RSA4096',
    sub: 'EC384',
    leaf: 'EC256',
    ip: '2001:db8::12',
    ipText: '2001:DB8:0:0:0:0:0:12',
    nss: 'full',
  },
  { root: 'Ed25519', sub: 'EC256', leaf: 'RSA3072', ip: '198.51.100.13', ipText: '198.51.100.13', nss: 'none' },
  {
    root: 'EC384',
    sub: 'EC384',
    leaf: 'Ed25519',
    ip: '2001:db8:0:1::14',
    ipText: '2001:DB8:0:1:0:0:0:14',
    nss: 'ca-only',
  },
]

describe.each(MIXES)('hierarchy: $root root / $sub sub-CA / $leaf leaf', (mix) => {
  const rootSubject = { commonName: `Interop Root ${mix.root}`, organization: 'Pocket CA Interop', country: 'GB' }
  const dns = `www.${mix.root}-${mix.sub}-${mix.leaf}.hierarchy.example`.toLowerCase()
  let root: CertificateAuthority
  let sub: CertificateAuthority
  let leaf: IssuedCertificate
  const files = { root: '', sub: '', leaf: '', chain: '', impostor: '' }

  beforeAll(async () => {
    root = await createRootCa({
      subject: rootSubject,
      keyType: mix.root,
      pathLen: 1,
    })
    sub = await makeSubordinate(root, `Interop Issuing CA ${mix.sub}`, mix.sub, { period: 1825 })
    leaf = await issueCertificate(sub, { keyType: mix.leaf, x509Parameters: { commonName: dns, ip: mix.ip } })
    files.root = tmp.file('root.pem', pemOf(root))
    files.sub = tmp.file('sub.pem', pemOf(sub))
    files.leaf = tmp.file('leaf.pem', leaf.certificate)
    files.chain = tmp.file('chain.pem', leaf.certificate + pemOf(sub))
    const impostor = await createRootCa({ subject: rootSubject, keyType: mix.root, pathLen: 1 })
    files.impostor = tmp.file('impostor-root.pem', pemOf(impostor))
  }, TIMEOUT)

  it(
    'openssl verify -x509_strict -purpose sslserver accepts the chain for its DNS name and IP, not for others',
    () => {
      const base = ['-x509_strict', '-purpose', 'sslserver', '-CAfile', files.root, '-untrusted', files.sub]
      expectVerifyOk(tool('openssl', ['verify', ...base, '-verify_hostname', dns, files.leaf]), files.leaf)
      expectVerifyOk(tool('openssl', ['verify', ...base, '-verify_ip', mix.ip, files.leaf]), files.leaf)
      expectVerifyFails(
        tool('openssl', ['verify', ...base, '-verify_hostname', `other.${dns}`, files.leaf]),
        files.leaf,
        'hostname mismatch',
      )
      expectVerifyFails(
        tool('openssl', ['verify', ...base, '-verify_ip', '203.0.113.99', files.leaf]),
        files.leaf,
        'IP address mismatch',
      )
      // Without the sub-CA there is no path to the root.
      expectVerifyFails(
        tool('openssl', ['verify', '-x509_strict', '-CAfile', files.root, files.leaf]),
        files.leaf,
        'unable to get local issuer certificate',
      )
    },
    TIMEOUT,
  )

  it(
    'certtool --verify says the chain (leaf + sub-CA) is verified for its host name and serverAuth',
    () => {
      const args = ['--verify', '--load-ca-certificate', files.root, '--infile', files.chain]
      const purpose = ['--verify-purpose', '1.3.6.1.5.5.7.3.1']
      const good = tool('certtool', [...args, '--verify-hostname', dns, ...purpose])
      expect(good.status, good.all).toBe(0)
      expect(good.stdout).toContain('Chain verification output: Verified. The certificate is trusted.')
      const wrongName = tool('certtool', [...args, '--verify-hostname', `other.${dns}`, ...purpose])
      expect(wrongName.status).not.toBe(0)
      expect(wrongName.stdout).toContain('Chain verification output: Not verified.')
      expect(wrongName.stdout).toContain('The name in the certificate does not match the expected.')
      // Another root with the same name and key type is not our root.
      const wrongRoot = tool('certtool', ['--verify', '--load-ca-certificate', files.impostor, '--infile', files.chain])
      expect(wrongRoot.status).not.toBe(0)
      expect(wrongRoot.stdout).toContain('Chain verification output: Not verified.')
    },
    TIMEOUT,
  )

  it.skipIf(mix.nss === 'none')(
    'NSS vfychain -u 1 -pp (SSL server, PKIX) says "Chain is good!" with the root trusted in a fresh database',
    () => {
      const db = nssDatabase(files.root, [files.sub])
      if (mix.nss === 'full') {
        const good = tool('vfychain', ['-d', db, '-u', '1', '-pp', '-a', files.leaf, '-a', files.sub])
        expect(good.status, good.all).toBe(0)
        expect(good.all).toContain('Chain is good!')
        // The leaf is a TLS server certificate only: as an SSL client certificate (-u 0) NSS refuses it.
        const client = tool('vfychain', ['-d', db, '-u', '0', '-pp', '-a', files.leaf, '-a', files.sub])
        expect(client.status).not.toBe(0)
        expect(client.all).toContain('Chain is bad!')
        expect(client.all).toContain('-8101')
      }
      // The sub-CA as an SSL CA (-u 3) under the trusted root.
      const ca = tool('vfychain', ['-d', db, '-u', '3', '-pp', '-a', files.sub])
      expect(ca.status, ca.all).toBe(0)
      expect(ca.all).toContain('Chain is good!')
      // A database without our root does not know the issuer (-8179).
      const emptyDb = `sql:${tmp.subdir('nssdb-empty')}`
      mustRun('certutil', ['-N', '--empty-password', '-d', emptyDb])
      const unknown = tool('vfychain', ['-d', emptyDb, '-u', '3', '-pp', '-a', files.sub])
      expect(unknown.status).not.toBe(0)
      expect(unknown.all).toContain('-8179')
    },
    TIMEOUT,
  )

  it(
    'openssl x509 -text: CA flags, key usages, SKI/AKI, SAN and signature algorithms',
    () => {
      const rootText = x509Text(files.root)
      const subText = x509Text(files.sub)
      const leafText = x509Text(files.leaf)

      expect(rootText).toMatch(/X509v3 Basic Constraints: critical\n\s+CA:TRUE, pathlen:1\n/)
      expect(subText).toMatch(/X509v3 Basic Constraints: critical\n\s+CA:TRUE, pathlen:0\n/)
      expect(leafText).toMatch(/X509v3 Basic Constraints: critical\n\s+CA:FALSE\n/)
      for (const text of [rootText, subText]) {
        expect(text).toMatch(/X509v3 Key Usage: critical\n\s+Certificate Sign, CRL Sign\n/)
      }
      const leafUsage = mix.leaf.startsWith('RSA') ? 'Digital Signature, Key Encipherment' : 'Digital Signature'
      expect(leafText).toMatch(new RegExp(`X509v3 Key Usage: critical\\n\\s+${leafUsage}\\n`))
      expect(leafText).toMatch(/X509v3 Extended Key Usage: \n\s+TLS Web Server Authentication\n/)

      const skis = [rootText, subText, leafText].map((t) => extensionValue(t, 'X509v3 Subject Key Identifier'))
      for (const ski of skis) expect(ski).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/)
      expect(new Set(skis).size).toBe(3)
      expect(akiKeyId(subText)).toBe(skis[0])
      expect(akiKeyId(leafText)).toBe(skis[1])

      expect(extensionValue(leafText, 'X509v3 Subject Alternative Name')).toBe(`DNS:${dns}, IP Address:${mix.ipText}`)
      expect(leafText).toContain(`Subject: CN = ${dns}`)

      // Both the TBS `signature` field and the outer signatureAlgorithm name the issuer's algorithm.
      const signatures = (text: string) => [...text.matchAll(/Signature Algorithm: (\S+)/g)].map((m) => m[1])
      expect(signatures(rootText)).toEqual([SIGNATURE_NAME[mix.root], SIGNATURE_NAME[mix.root]])
      expect(signatures(subText)).toEqual([SIGNATURE_NAME[mix.root], SIGNATURE_NAME[mix.root]])
      expect(signatures(leafText)).toEqual([SIGNATURE_NAME[mix.sub], SIGNATURE_NAME[mix.sub]])
    },
    TIMEOUT,
  )

  it(
    'openssl asn1parse and dumpasn1 report no errors on any of the three certificates',
    () => {
      expectCleanDer(certificateDer(pemOf(root)), 'root')
      expectCleanDer(certificateDer(pemOf(sub)), 'sub')
      expectCleanDer(certificateDer(leaf.certificate), 'leaf')
    },
    TIMEOUT,
  )

  it(
    'openssl x509 -serial equals serialNo without the colons',
    () => {
      const { stdout } = mustRun('openssl', ['x509', '-in', files.leaf, '-noout', '-serial'])
      expect(leaf.serialNo).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2})*$/)
      expect(stdout.trim()).toBe(`serial=${leaf.serialNo.replaceAll(':', '')}`)
    },
    TIMEOUT,
  )
})

describe('a pocket-ca sub-CA under a root made by OpenSSL', () => {
  it(
    'openssl x509 -req signs our CSR, importCaCertificate activates the CA, and openssl verify accepts its leaf',
    async () => {
      const rootKey = tmp.out('ext-root.key')
      const rootFile = tmp.out('ext-root.pem')
      // A minimal config, so that nothing from the system openssl.cnf adds extensions we did not ask for.
      const reqConfig = tmp.file('ext-req.cnf', '[req]\ndistinguished_name = dn\n[dn]\n')
      mustRun('openssl', [
        'req',
        '-x509',
        '-config',
        reqConfig,
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-384',
        '-sha384',
        '-nodes',
        '-keyout',
        rootKey,
        '-subj',
        '/C=GB/O=Elsewhere Ltd/CN=OpenSSL External Root',
        '-days',
        '3650',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
        '-addext',
        'subjectKeyIdentifier=hash',
        '-out',
        rootFile,
      ])
      const rootPem = readFileSync(rootFile, 'utf8')

      const pending = await createSubordinateCa({ subject: { commonName: 'Pocket Issuing CA' }, keyType: 'RSA2048' })
      const csrFile = tmp.file('ext-sub.csr', await getCaCsr(pending))
      const extFile = tmp.file(
        'ext.cnf',
        [
          '[v3_ca]',
          'basicConstraints = critical,CA:TRUE,pathlen:0',
          'keyUsage = critical,keyCertSign,cRLSign',
          'subjectKeyIdentifier = hash',
          'authorityKeyIdentifier = keyid:always',
          '',
        ].join('\n'),
      )
      const subFile = tmp.out('ext-sub.pem')
      mustRun('openssl', [
        'x509',
        '-req',
        '-in',
        csrFile,
        '-CA',
        rootFile,
        '-CAkey',
        rootKey,
        '-CAcreateserial',
        '-CAserial',
        tmp.out('ext-root.srl'),
        '-extfile',
        extFile,
        '-extensions',
        'v3_ca',
        '-days',
        '1825',
        '-sha384',
        '-out',
        subFile,
      ])
      const subPem = readFileSync(subFile, 'utf8')

      const sub = await importCaCertificate(pending, subPem, rootPem)
      expect(sub.status).toBe('ACTIVE')
      expect(sub.chain.map((p) => certificateDer(p))).toEqual([certificateDer(rootPem)])

      const dns = 'app.external-root.example'
      const leaf = await issueCertificate(sub, { period: 90, x509Parameters: { commonName: dns, ip: '192.0.2.77' } })
      expect(leaf.caChain).toBe(sub.certificate + sub.chain.join(''))
      const leafFile = tmp.file('ext-leaf.pem', leaf.certificate)
      const base = ['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', rootFile, '-untrusted', subFile]
      expectVerifyOk(tool('openssl', [...base, '-verify_hostname', dns, leafFile]), leafFile)
      expectVerifyOk(tool('openssl', [...base, '-verify_ip', '192.0.2.77', leafFile]), leafFile)
      expectVerifyFails(
        tool('openssl', [...base, '-verify_hostname', 'other.example', leafFile]),
        leafFile,
        'hostname mismatch',
      )
      // Our leaf's AKI is the SKI OpenSSL wrote into the sub-CA certificate, and RSA signs it.
      const leafText = x509Text(leafFile)
      expect(akiKeyId(leafText)).toBe(extensionValue(x509Text(subFile), 'X509v3 Subject Key Identifier'))
      expect(leafText).toContain('Signature Algorithm: sha256WithRSAEncryption')
      const certtool = tool('certtool', [
        '--verify',
        '--load-ca-certificate',
        rootFile,
        '--infile',
        tmp.file('ext-chain.pem', leaf.certificate + subPem),
      ])
      expect(certtool.stdout).toContain('Chain verification output: Verified. The certificate is trusted.')
    },
    TIMEOUT,
  )
})

describe('CRLs', () => {
  let root: CertificateAuthority
  let sub: CertificateAuthority
  let revokedLeaf: IssuedCertificate
  let goodLeaf: IssuedCertificate
  let crl1 = ''
  let crl2 = ''
  const files = { root: '', sub: '', rootAndSub: '', revokedLeaf: '', goodLeaf: '', crl1: '', crl2: '' }

  beforeAll(async () => {
    root = await createRootCa({ subject: { commonName: 'CRL Interop Root' }, keyType: 'EC256', pathLen: 1 })
    sub = await makeSubordinate(root, 'CRL Interop Issuing CA', 'RSA2048', { period: 1825 })
    revokedLeaf = await issueCertificate(sub, { x509Parameters: { commonName: 'revoked.crl.example' } })
    goodLeaf = await issueCertificate(sub, { x509Parameters: { commonName: 'good.crl.example' } })
    const revoked = await revokeCertificate(sub, revokedLeaf.serialNo, 'keyCompromise')
    const first = await generateCrl(revoked)
    crl1 = first.crl
    expect(first.ca.crlNumber).toBe(1)
    const second = await generateCrl(first.ca)
    crl2 = second.crl
    expect(second.ca.crlNumber).toBe(2)
    files.root = tmp.file('crl-root.pem', pemOf(root))
    files.sub = tmp.file('crl-sub.pem', pemOf(sub))
    files.rootAndSub = tmp.file('crl-root-sub.pem', pemOf(root) + pemOf(sub))
    files.revokedLeaf = tmp.file('crl-revoked-leaf.pem', revokedLeaf.certificate)
    files.goodLeaf = tmp.file('crl-good-leaf.pem', goodLeaf.certificate)
    files.crl1 = tmp.file('crl1.pem', crl1)
    files.crl2 = tmp.file('crl2.pem', crl2)
  }, TIMEOUT)

  it(
    'openssl crl -verify says verify OK with the issuing CA, and fails with another CA',
    () => {
      expect(crl1).toMatch(/^-----BEGIN X509 CRL-----\n/)
      for (const file of [files.crl1, files.crl2]) {
        const good = tool('openssl', ['crl', '-in', file, '-CAfile', files.sub, '-noout', '-verify'])
        expect(good.status, good.all).toBe(0)
        expect(good.stderr).toContain('verify OK')
      }
      const bad = tool('openssl', ['crl', '-in', files.crl1, '-CAfile', files.root, '-noout', '-verify'])
      expect(bad.status).not.toBe(0)
      expect(bad.all).not.toContain('verify OK')
    },
    TIMEOUT,
  )

  it(
    'openssl crl -text shows the CRL number, the revoked serial and its reason',
    () => {
      const text = mustRun('openssl', ['crl', '-in', files.crl1, '-noout', '-text']).stdout
      expect(text).toContain('Version 2 (0x1)')
      expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption')
      expect(text).toMatch(/X509v3 CRL Number: \n\s+1\n/)
      expect(text).toContain(`Serial Number: ${revokedLeaf.serialNo.replaceAll(':', '')}\n`)
      expect(text).toMatch(/X509v3 CRL Reason Code: \n\s+Key Compromise\n/)
      expect(text).not.toContain(goodLeaf.serialNo.replaceAll(':', ''))
      expect(extensionValue(text, 'X509v3 Authority Key Identifier')?.replace(/^keyid:/, '')).toBe(
        extensionValue(x509Text(files.sub), 'X509v3 Subject Key Identifier'),
      )

      const text2 = mustRun('openssl', ['crl', '-in', files.crl2, '-noout', '-text']).stdout
      expect(text2).toMatch(/X509v3 CRL Number: \n\s+2\n/)
      expect(text2).toContain(`Serial Number: ${revokedLeaf.serialNo.replaceAll(':', '')}\n`)
    },
    TIMEOUT,
  )

  it(
    'openssl verify -crl_check: the revoked leaf fails with "certificate revoked", the other passes',
    () => {
      const base = ['verify', '-crl_check', '-CAfile', files.rootAndSub, '-CRLfile', files.crl1]
      expectVerifyFails(tool('openssl', [...base, files.revokedLeaf]), files.revokedLeaf, 'certificate revoked')
      expectVerifyOk(tool('openssl', [...base, files.goodLeaf]), files.goodLeaf)
      // Without any CRL, -crl_check cannot decide.
      expectVerifyFails(
        tool('openssl', ['verify', '-crl_check', '-CAfile', files.rootAndSub, files.goodLeaf]),
        files.goodLeaf,
        'unable to get certificate CRL',
      )
    },
    TIMEOUT,
  )

  it(
    'openssl verify -crl_check_all: the root revoking the sub-CA fails every leaf under it',
    async () => {
      const subSerial = mustRun('openssl', ['x509', '-in', files.sub, '-noout', '-serial']).stdout.trim()
      const rootCrlEmpty = tmp.file('crl-root-empty.pem', (await generateCrl(root)).crl)
      const args = (rootCrl: string) => [
        'verify',
        '-crl_check_all',
        '-CAfile',
        files.rootAndSub,
        '-CRLfile',
        rootCrl,
        '-CRLfile',
        files.crl1,
        files.goodLeaf,
      ]
      expectVerifyOk(tool('openssl', args(rootCrlEmpty)), files.goodLeaf)
      const rootRevoked = await revokeCertificate(root, subSerial.replace(/^serial=/, ''), 'cACompromise')
      const rootCrl = tmp.file('crl-root-revoking.pem', (await generateCrl(rootRevoked)).crl)
      const r = tool('openssl', args(rootCrl))
      expectVerifyFails(r, files.goodLeaf, 'certificate revoked')
      expect(r.all).toMatch(/error 23 at 1 depth lookup: certificate revoked/)
      const text = mustRun('openssl', ['crl', '-in', rootCrl, '-noout', '-text']).stdout
      expect(text).toMatch(/X509v3 CRL Reason Code: \n\s+CA Compromise\n/)
    },
    TIMEOUT,
  )

  it(
    'certtool --crl-info reads it and certtool --verify-crl verifies it',
    () => {
      const info = mustRun('certtool', ['--crl-info', '--infile', files.crl1]).stdout
      expect(info).toContain('Version: 2')
      expect(info).toContain('Issuer: CN=CRL Interop Issuing CA,O=Pocket CA Interop')
      expect(info).toContain('CRL Number (not critical): 01')
      expect(info).toContain('Revoked certificates (1):')
      // certtool prints the INTEGER's content octets: with the 00 sign octet when the serial's first octet is 80+.
      const serialHex = revokedLeaf.serialNo.replaceAll(':', '').toLowerCase()
      expect(info).toMatch(new RegExp(`Serial Number \\(hex\\): (00)?${serialHex}\\n`))
      expect(mustRun('certtool', ['--crl-info', '--infile', files.crl2]).stdout).toContain(
        'CRL Number (not critical): 02',
      )
      const verified = tool('certtool', ['--verify-crl', '--load-ca-certificate', files.sub, '--infile', files.crl1])
      expect(verified.stdout).toContain('Verification output: Verified.')
      const wrong = tool('certtool', ['--verify-crl', '--load-ca-certificate', files.root, '--infile', files.crl1])
      expect(wrong.stdout).toContain('Verification output: Not verified.')
    },
    TIMEOUT,
  )

  it(
    'openssl asn1parse and dumpasn1 report no errors on the CRLs',
    () => {
      for (const [i, pem] of [crl1, crl2].entries()) {
        const block = decodePem(pem, { label: 'X509 CRL' })[0]
        if (!block) throw new Error('no X509 CRL block')
        expectCleanDer(block.der, `crl${i + 1}`)
      }
    },
    TIMEOUT,
  )
})

describe('validity', () => {
  /** `openssl x509 -enddate -noout`, e.g. `notAfter=Jan 13 10:00:00 2055 GMT`. */
  function endDate(pem: string): string {
    return mustRun('openssl', ['x509', '-in', tmp.file('enddate.pem', pem), '-noout', '-enddate']).stdout.trim()
  }

  it(
    "a leaf with period 'MAX' ends exactly when its issuer does (openssl x509 -enddate)",
    async () => {
      const root = await createRootCa({ subject: { commonName: 'MAX Root' }, keyType: 'EC256', validityDays: 3650 })
      const sub = await makeSubordinate(root, 'MAX Issuing CA', 'EC256', { period: 1000 })
      const leaf = await issueCertificate(sub, { period: 'MAX', x509Parameters: { commonName: 'max.example' } })
      const direct = await issueCertificate(root, { period: 'MAX', x509Parameters: { commonName: 'max2.example' } })
      expect(endDate(leaf.certificate)).toMatch(/^notAfter=\w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} GMT$/)
      expect(endDate(leaf.certificate)).toBe(endDate(pemOf(sub)))
      expect(endDate(pemOf(sub))).not.toBe(endDate(pemOf(root)))
      expect(endDate(direct.certificate)).toBe(endDate(pemOf(root)))
      const chainFile = tmp.file('max-untrusted.pem', pemOf(sub))
      const leafFile = tmp.file('max-leaf.pem', leaf.certificate)
      const rootFile = tmp.file('max-root.pem', pemOf(root))
      expectVerifyOk(
        tool('openssl', ['verify', '-x509_strict', '-CAfile', rootFile, '-untrusted', chainFile, leafFile]),
        leafFile,
      )
    },
    TIMEOUT,
  )

  it(
    'a root made at 2045 for 3650 days and a MAX leaf under it carry GeneralizedTime, and OpenSSL reads the dates',
    async () => {
      const rootAt = new Date('2045-01-15T10:00:00Z')
      const root = await createRootCa({
        subject: { commonName: 'Future Root' },
        keyType: 'EC256',
        validityDays: 3650,
        at: rootAt,
      })
      const leaf = await issueCertificate(root, {
        period: 'MAX',
        x509Parameters: { commonName: 'future.example' },
        at: new Date('2045-02-01T00:00:00Z'),
      })
      const rootFile = tmp.file('future-root.pem', pemOf(root))
      const leafFile = tmp.file('future-leaf.pem', leaf.certificate)
      // 2045 + 3650 days = 2055-01-13: notBefore stays UTCTime (before 2050), notAfter is GeneralizedTime.
      const rootAsn1 = mustRun('openssl', ['asn1parse', '-in', rootFile]).stdout
      expect(rootAsn1).toMatch(/prim: UTCTIME\s+:450115100000Z\n/)
      expect(rootAsn1).toMatch(/prim: GENERALIZEDTIME\s+:20550113100000Z\n/)
      const leafAsn1 = mustRun('openssl', ['asn1parse', '-in', leafFile]).stdout
      expect(leafAsn1).toMatch(/prim: UTCTIME\s+:450201000000Z\n/)
      expect(leafAsn1).toMatch(/prim: GENERALIZEDTIME\s+:20550113100000Z\n/)
      expect(endDate(pemOf(root))).toBe('notAfter=Jan 13 10:00:00 2055 GMT')
      expect(endDate(leaf.certificate)).toBe('notAfter=Jan 13 10:00:00 2055 GMT')
      expectCleanDer(certificateDer(pemOf(root)), 'future-root', 2)
      expectCleanDer(certificateDer(leaf.certificate), 'future-leaf', 2)

      const verifyAt = (date: string) => {
        const epoch = String(Date.parse(date) / 1000)
        return tool('openssl', ['verify', '-x509_strict', '-attime', epoch, '-CAfile', rootFile, leafFile])
      }
      expectVerifyOk(verifyAt('2046-06-01T00:00:00Z'), leafFile)
      expectVerifyOk(verifyAt('2055-01-13T09:59:59Z'), leafFile)
      expectVerifyFails(verifyAt('2044-06-01T00:00:00Z'), leafFile, 'certificate is not yet valid')
      expectVerifyFails(verifyAt('2055-01-13T10:00:01Z'), leafFile, 'certificate has expired')
    },
    TIMEOUT,
  )
})
