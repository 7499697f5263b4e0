/**
 * Path validation interop (Node only): hierarchies OpenSSL makes (RSASSA-PSS with its default and explicit
 * parameters, RSA PKCS#1 v1.5 with SHA-512, ECDSA P-384) verify with verifyChain; and on chains built from the
 * conformance specs, verifyChain and `openssl verify` agree on what is valid and what is not.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PkiChainError, verifyChain } from '../../src/index.ts'
import { buildHierarchy, DAY, type NodeSpec } from '../conformance/chain-helpers.ts'
import { makeTempDir, mustRun, type TempDir, tool } from './tools.ts'

const TIMEOUT = 120_000
let tmp: TempDir

beforeAll(() => {
  tmp = makeTempDir('chain-interop')
})

afterAll(() => {
  tmp?.remove()
})

/** A key with `openssl genpkey`: `algorithm` and `-pkeyopt` options. */
function genKey(algorithm: string, options: string[] = []): string {
  const out = tmp.out('key.pem')
  mustRun('openssl', ['genpkey', '-algorithm', algorithm, ...options.flatMap((o) => ['-pkeyopt', o]), '-out', out])
  return out
}

function extFile(lines: string[]): string {
  return tmp.file('ext.cnf', `[v3]\n${lines.join('\n')}\n`)
}

/** A self-signed CA with `openssl req -x509`, signing options given as `-sigopt`. */
function opensslRoot(key: string, cn: string, sign: string[]): string {
  const out = tmp.out('root.pem')
  const ext = extFile(['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'])
  mustRun('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    key,
    '-subj',
    `/CN=${cn}`,
    '-days',
    '30',
    '-config',
    ext,
    '-extensions',
    'v3',
    ...sign,
    '-out',
    out,
  ])
  return out
}

/** A certificate for `subjectKey` signed by `caKey` / `caCert` with `openssl x509 -req`. */
function opensslIssue(
  subjectKey: string,
  cn: string,
  ca: { cert: string; key: string },
  lines: string[],
  sign: string[],
) {
  const csr = tmp.out('req.csr')
  mustRun('openssl', ['req', '-new', '-key', subjectKey, '-subj', `/CN=${cn}`, '-out', csr])
  const out = tmp.out('cert.pem')
  mustRun('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-days',
    '20',
    '-extfile',
    extFile(lines),
    '-extensions',
    'v3',
    ...sign,
    '-out',
    out,
  ])
  return out
}

const read = (path: string) => readFileSync(path, 'utf8')

describe('hierarchies OpenSSL makes verify with verifyChain', () => {
  it(
    'RSASSA-PSS root (id-RSASSA-PSS key) > ECDSA P-384 intermediate (PSS SHA-384) > RSA leaf (ECDSA SHA-384)',
    async () => {
      const rootKey = genKey('RSA-PSS', ['rsa_keygen_bits:2048'])
      const root = opensslRoot(rootKey, 'OpenSSL PSS Root', ['-sigopt', 'rsa_padding_mode:pss'])
      const subKey = genKey('EC', ['ec_paramgen_curve:P-384'])
      const sub = opensslIssue(
        subKey,
        'OpenSSL EC Sub',
        { cert: root, key: rootKey },
        ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign'],
        ['-sha384', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:48'],
      )
      const leafKey = genKey('RSA', ['rsa_keygen_bits:2048'])
      const leaf = opensslIssue(
        leafKey,
        'openssl.example.com',
        { cert: sub, key: subKey },
        ['subjectAltName=DNS:openssl.example.com', 'extendedKeyUsage=serverAuth'],
        ['-sha384'],
      )
      const { chain } = await verifyChain(read(leaf), {
        roots: [read(root)],
        intermediates: [read(sub)],
        dnsName: 'openssl.example.com',
        usage: ['serverAuth'],
      })
      expect(chain.map((c) => c.signatureAlgorithm)).toEqual([
        'ecdsa-with-SHA384',
        '1.2.840.113549.1.1.10',
        '1.2.840.113549.1.1.10',
      ])
    },
    TIMEOUT,
  )

  it(
    'RSA PKCS#1 v1.5 with SHA-512 and an RSA key signed with PSS (rsaEncryption SPKI, maximal salt)',
    async () => {
      const rootKey = genKey('RSA', ['rsa_keygen_bits:2048'])
      const root = opensslRoot(rootKey, 'OpenSSL RSA Root', ['-sha512'])
      const leafKey = genKey('EC', ['ec_paramgen_curve:P-256'])
      const leaf = opensslIssue(
        leafKey,
        'pss.openssl.example.com',
        { cert: root, key: rootKey },
        ['subjectAltName=DNS:pss.openssl.example.com'],
        ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:max'],
      )
      const { chain } = await verifyChain(read(leaf), { roots: [read(root)], dnsName: 'pss.openssl.example.com' })
      expect(chain[1]?.signatureAlgorithm).toBe('sha512WithRSAEncryption')
    },
    TIMEOUT,
  )
})

/** Chains from specs (see test/conformance/chain.spec.ts) on which OpenSSL and verifyChain must agree. */
const AGREEMENT: { name: string; nodes: NodeSpec[]; host?: string; valid: boolean }[] = [
  {
    name: 'valid toolkit chain',
    nodes: [
      { id: 'root', api: true },
      { id: 'sub', issuer: 'root', api: true, isCa: true },
      { id: 'leaf', issuer: 'sub', api: true, dnsNames: ['ok.example.com'] },
    ],
    host: 'ok.example.com',
    valid: true,
  },
  {
    name: 'wrong host',
    nodes: [
      { id: 'root', api: true },
      { id: 'leaf', issuer: 'root', api: true, dnsNames: ['ok.example.com'] },
    ],
    host: 'other.example.com',
    valid: false,
  },
  {
    name: 'pathLen exceeded',
    nodes: [
      { id: 'root', api: true, pathLen: 0 },
      { id: 'sub', issuer: 'root', isCa: true },
      { id: 'leaf', issuer: 'sub', dnsNames: ['a.example.com'] },
    ],
    valid: false,
  },
  {
    name: 'self-issued intermediate not counted',
    nodes: [
      { id: 'root', api: true, pathLen: 2 },
      { id: 'a', issuer: 'root', api: true, isCa: true, pathLen: 1 },
      { id: 'a2', issuer: 'a', isCa: true, subject: 'a' },
      { id: 'b', issuer: 'a2', isCa: true },
      { id: 'leaf', issuer: 'b', dnsNames: ['a.example.com'] },
    ],
    valid: true,
  },
  {
    name: 'DNS outside the permitted subtree',
    nodes: [
      { id: 'root', api: true, nameConstraints: { permittedDns: ['example.com'] } },
      { id: 'leaf', issuer: 'root', dnsNames: ['www.example.org'] },
    ],
    valid: false,
  },
  {
    name: 'IP in an excluded range',
    nodes: [
      { id: 'root', api: true, nameConstraints: { excludedIps: ['10.0.0.0/8'] } },
      { id: 'leaf', issuer: 'root', ips: ['10.1.2.3'] },
    ],
    valid: false,
  },
  {
    name: 'unknown critical extension',
    nodes: [
      { id: 'root', api: true },
      { id: 'leaf', issuer: 'root', dnsNames: ['a.example.com'], unknownCritical: true },
    ],
    valid: false,
  },
  {
    name: 'issuer is not a CA',
    nodes: [
      { id: 'root', api: true },
      { id: 'ee', issuer: 'root', api: true, dnsNames: ['ee.example.com'] },
      { id: 'leaf', issuer: 'ee', dnsNames: ['a.example.com'] },
    ],
    valid: false,
  },
  {
    name: 'expired intermediate',
    nodes: [
      { id: 'root', api: true },
      { id: 'sub', issuer: 'root', isCa: true, validity: [-10, -1] },
      { id: 'leaf', issuer: 'sub', dnsNames: ['a.example.com'] },
    ],
    valid: false,
  },
  {
    name: 'tampered leaf signature',
    nodes: [
      { id: 'root', api: true },
      { id: 'leaf', issuer: 'root', dnsNames: ['a.example.com'], tamper: true },
    ],
    valid: false,
  },
]

describe('verifyChain and openssl verify agree', () => {
  for (const row of AGREEMENT) {
    it(
      row.name,
      async () => {
        const built = await buildHierarchy(row.nodes)
        const pem = (id: string) => (built[id] as { pem: string }).pem
        const others = row.nodes.map((n) => n.id).filter((id) => id !== 'root' && id !== 'leaf')
        let ours: boolean
        try {
          await verifyChain(pem('leaf'), {
            roots: [pem('root')],
            intermediates: others.map(pem),
            ...(row.host ? { dnsName: row.host } : {}),
            at: new Date(Date.now() + DAY / 24),
          })
          ours = true
        } catch (e) {
          if (!(e instanceof PkiChainError)) throw e
          ours = false
        }
        const args = ['verify', '-CAfile', tmp.file('root.pem', pem('root'))]
        if (others.length) args.push('-untrusted', tmp.file('untrusted.pem', others.map(pem).join('')))
        if (row.host) args.push('-verify_hostname', row.host)
        const theirs = tool('openssl', [...args, tmp.file('leaf.pem', pem('leaf'))])
        expect({ ours, openssl: theirs.status === 0 }, theirs.all).toEqual({ ours: row.valid, openssl: row.valid })
      },
      TIMEOUT,
    )
  }
})
