/**
 * verifyChain over hierarchies built here from small specs: every failure reason, each with the depth it is
 * reported at (0 = leaf), on chains made by the toolkit and on careless ones a sloppy CA would sign; host name and
 * IP matching (RFC 9525); names compared as RFC 5280 7.1 says; RSASSA-PSS; and what the toolkit issues, for
 * several key types.
 */
import { OID, oid } from '../../src/der/oid.ts'
import { children, type DerNode, readSingle } from '../../src/der/reader.ts'
import { contextTag, integer, nullValue, sequence, setOf } from '../../src/der/writer.ts'
import {
  type ChainFailureReason,
  createRootCa,
  createSubordinateCa,
  generateKeyPair,
  getCaCsr,
  importCaCertificate,
  issueCertificate,
  type KeyType,
  parseCertificate,
  signSubordinateCa,
  verifyChain,
} from '../../src/index.ts'
import type { KeyTypeSpec } from '../../src/keys/types.ts'
import { deepEqual, equal, ok, rejects } from '../assert.ts'
import { suite } from '../harness.ts'
import { signingContextForTests } from './ca-helpers.ts'
import { buildHierarchy, craftCertificate, DAY, type NodeSpec, nameDer, tamper } from './chain-helpers.ts'

const ROOT: NodeSpec = { id: 'root', api: true }
const SUB: NodeSpec = { id: 'sub', issuer: 'root', api: true, isCa: true }
const LEAF: NodeSpec = { id: 'leaf', issuer: 'sub', api: true, dnsNames: ['api.example.com'], ips: ['10.0.0.1'] }
const TOOLKIT = [ROOT, SUB, LEAF]
/** A careless leaf under `issuer`, with whatever else is given. */
const leaf = (issuer: string, more: Partial<NodeSpec> = {}): NodeSpec => ({
  id: 'leaf',
  issuer,
  dnsNames: ['api.example.com'],
  ...more,
})
/** A careless CA certificate under `issuer`. */
const ca = (id: string, issuer: string, more: Partial<NodeSpec> = {}): NodeSpec => ({ id, issuer, isCa: true, ...more })

interface Row {
  name: string
  nodes: NodeSpec[]
  /** Defaults: leaf 'leaf', roots ['root'], intermediates: every other node. */
  leaf?: string
  roots?: string[]
  intermediates?: string[]
  dnsName?: string
  ip?: string
  usage?: string[]
  /** Validation time in days from now. */
  atDays?: number
  /** 'valid' with the expected chain length, or the reason and depth. */
  expect: ['valid', number] | [ChainFailureReason, number]
}

const ROWS: Row[] = [
  {
    name: 'valid: toolkit root > sub > leaf, host, IP and usage',
    nodes: TOOLKIT,
    dnsName: 'API.Example.COM.',
    ip: '10.0.0.1',
    usage: ['serverAuth'],
    expect: ['valid', 3],
  },
  { name: 'valid: usage by OID', nodes: TOOLKIT, usage: ['1.3.6.1.5.5.7.3.1'], expect: ['valid', 3] },
  // validity
  { name: 'expired leaf', nodes: [ROOT, SUB, leaf('sub', { validity: [-10, -1] })], expect: ['expired', 0] },
  {
    name: 'expired intermediate',
    nodes: [ROOT, ca('sub', 'root', { validity: [-10, -1] }), leaf('sub')],
    expect: ['expired', 1],
  },
  {
    name: 'expired root',
    nodes: [{ id: 'root', isCa: true, validity: [-10, -1] }, ca('sub', 'root'), leaf('sub')],
    expect: ['expired', 2],
  },
  { name: 'not yet valid leaf', nodes: [ROOT, SUB, leaf('sub', { validity: [1, 30] })], expect: ['not_yet_valid', 0] },
  {
    name: 'not yet valid intermediate',
    nodes: [ROOT, ca('sub', 'root', { validity: [1, 30] }), leaf('sub')],
    expect: ['not_yet_valid', 1],
  },
  { name: 'at: after the leaf expired', nodes: TOOLKIT, atDays: 400, expect: ['expired', 0] },
  { name: 'at: after the root expired', nodes: TOOLKIT, atDays: 4000, expect: ['expired', 2] },
  { name: 'at: before the root was valid', nodes: TOOLKIT, atDays: -2, expect: ['not_yet_valid', 2] },
  // signatures
  {
    name: 'leaf signature flipped',
    nodes: [ROOT, SUB, leaf('sub', { tamper: true })],
    expect: ['signature_invalid', 0],
  },
  {
    name: 'intermediate signature flipped',
    nodes: [ROOT, ca('sub', 'root', { tamper: true }), leaf('sub')],
    expect: ['signature_invalid', 1],
  },
  {
    name: 'leaf signed by another key under the same issuer name',
    nodes: [ROOT, SUB, ca('impostor', 'root', { subject: 'sub' }), leaf('impostor')],
    intermediates: ['sub'],
    expect: ['signature_invalid', 0],
  },
  // authority
  {
    name: 'issuer is an end entity',
    nodes: [ROOT, SUB, { id: 'ee', issuer: 'sub', api: true, dnsNames: ['ee.example.com'] }, leaf('ee')],
    expect: ['not_authorized_to_sign', 1],
  },
  {
    name: 'issuer without basicConstraints',
    nodes: [ROOT, { id: 'sub', issuer: 'root', keyUsage: ['keyCertSign'] }, leaf('sub')],
    expect: ['not_authorized_to_sign', 1],
  },
  {
    name: 'CA without keyCertSign',
    nodes: [ROOT, ca('sub', 'root', { keyUsage: ['digitalSignature', 'cRLSign'] }), leaf('sub')],
    expect: ['not_authorized_to_sign', 1],
  },
  // pathLen
  {
    name: 'root pathLen 0, a CA below it',
    nodes: [{ ...ROOT, pathLen: 0 }, ca('sub', 'root'), leaf('sub')],
    expect: ['path_len_exceeded', 2],
  },
  {
    name: 'sub pathLen 0, a CA below it',
    nodes: [ROOT, { ...SUB, pathLen: 0 }, ca('subsub', 'sub'), leaf('subsub')],
    expect: ['path_len_exceeded', 2],
  },
  {
    name: 'pathLen: a self-issued CA between two CAs does not count (RFC 5280 6.1.4 (l))',
    nodes: [
      { ...ROOT, pathLen: 2 },
      { id: 'a', issuer: 'root', api: true, isCa: true, pathLen: 1 },
      // Same name as a (written as UTF8String where the toolkit wrote a's own subject), new key, signed by a.
      ca('a-rollover', 'a', { subject: 'a' }),
      ca('b', 'a-rollover'),
      leaf('b'),
    ],
    expect: ['valid', 5],
  },
  {
    name: 'pathLen: the same CA under another name does count',
    nodes: [
      { ...ROOT, pathLen: 2 },
      { id: 'a', issuer: 'root', api: true, isCa: true, pathLen: 1 },
      ca('a2', 'a'),
      ca('b', 'a2'),
      leaf('b'),
    ],
    expect: ['path_len_exceeded', 3],
  },
  // name constraints
  {
    name: 'DNS outside the permitted subtree',
    nodes: [
      { ...ROOT, nameConstraints: { permittedDns: ['example.com'] } },
      SUB,
      leaf('sub', { dnsNames: ['www.example.org'] }),
    ],
    expect: ['name_not_permitted', 0],
  },
  {
    name: 'DNS inside the permitted subtree',
    nodes: [
      { ...ROOT, nameConstraints: { permittedDns: ['example.com'] } },
      SUB,
      leaf('sub', { dnsNames: ['a.b.example.com'] }),
    ],
    expect: ['valid', 3],
  },
  {
    name: 'DNS in an excluded subtree',
    nodes: [
      { ...ROOT, nameConstraints: { excludedDns: ['bad.example.com'] } },
      SUB,
      leaf('sub', { dnsNames: ['x.bad.example.com'] }),
    ],
    expect: ['name_excluded', 0],
  },
  {
    name: 'DNS wildcard reaching into an excluded subtree',
    nodes: [
      { ...ROOT, nameConstraints: { excludedDns: ['bad.example.com'] } },
      SUB,
      leaf('sub', { dnsNames: ['*.example.com'] }),
    ],
    expect: ['name_excluded', 0],
  },
  {
    name: 'IP outside the permitted range',
    nodes: [{ ...ROOT, nameConstraints: { permittedIps: ['10.0.0.0/8'] } }, SUB, leaf('sub', { ips: ['192.168.1.1'] })],
    expect: ['name_not_permitted', 0],
  },
  {
    name: 'IP in an excluded range',
    nodes: [{ ...ROOT, nameConstraints: { excludedIps: ['10.1.0.0/16'] } }, SUB, leaf('sub', { ips: ['10.1.2.3'] })],
    expect: ['name_excluded', 0],
  },
  {
    name: 'IPv6 inside the permitted range',
    nodes: [
      { ...ROOT, nameConstraints: { permittedIps: ['2001:db8::/32'] } },
      SUB,
      leaf('sub', { ips: ['2001:db8::7'] }),
    ],
    ip: '2001:DB8:0::7',
    expect: ['valid', 3],
  },
  {
    name: 'e-mail outside the permitted host',
    nodes: [
      { ...ROOT, nameConstraints: { permittedEmails: ['example.com'] } },
      SUB,
      leaf('sub', { emails: ['a@example.org'] }),
    ],
    expect: ['name_not_permitted', 0],
  },
  {
    name: 'e-mail in an excluded domain',
    nodes: [
      { ...ROOT, nameConstraints: { excludedEmails: ['.bad.example.com'] } },
      SUB,
      leaf('sub', { emails: ['a@mx.bad.example.com'] }),
    ],
    expect: ['name_excluded', 0],
  },
  {
    name: 'directory name outside the permitted subtree',
    nodes: [
      { ...ROOT, nameConstraints: { permittedDirectoryNames: [{ country: 'US', organization: 'Example' }] } },
      leaf('root', {
        subject: [
          [OID.country, 'US'],
          [OID.organization, 'Other'],
          [OID.commonName, 'x'],
        ],
      }),
    ],
    expect: ['name_not_permitted', 0],
  },
  {
    name: 'directory name inside the permitted subtree, compared case- and space-insensitively',
    nodes: [
      { ...ROOT, nameConstraints: { permittedDirectoryNames: [{ country: 'US', organization: 'Example Corp' }] } },
      leaf('root', {
        subject: [
          [OID.country, 'US'],
          [OID.organization, '  EXAMPLE   corp ', 'printable'],
          [OID.commonName, 'x'],
        ],
      }),
    ],
    expect: ['valid', 2],
  },
  {
    name: 'a CA outside its parent constraints (its host-like CN)',
    nodes: [
      { ...ROOT, nameConstraints: { permittedDns: ['example.com'] } },
      ca('sub', 'root', { subject: 'ca.evil.org' }),
      leaf('sub'),
    ],
    expect: ['name_not_permitted', 1],
  },
  {
    name: 'constraints of an intermediate apply below it',
    nodes: [
      ROOT,
      { ...SUB, nameConstraints: { excludedDns: ['internal.example.com'] } },
      leaf('sub', { dnsNames: ['db.internal.example.com'] }),
    ],
    expect: ['name_excluded', 0],
  },
  // critical extensions
  {
    name: 'unknown critical extension on the leaf',
    nodes: [ROOT, SUB, leaf('sub', { unknownCritical: true })],
    expect: ['unhandled_critical_extension', 0],
  },
  {
    name: 'unknown critical extension on an intermediate',
    nodes: [ROOT, ca('sub', 'root', { unknownCritical: true }), leaf('sub')],
    expect: ['unhandled_critical_extension', 1],
  },
  // usage
  {
    name: 'leaf for clientAuth, asked for serverAuth',
    nodes: [ROOT, SUB, leaf('sub', { extKeyUsage: ['1.3.6.1.5.5.7.3.2'] })],
    usage: ['serverAuth'],
    expect: ['incompatible_usage', 0],
  },
  {
    name: 'intermediate restricted to emailProtection, asked for serverAuth',
    nodes: [
      ROOT,
      ca('sub', 'root', { extKeyUsage: ['1.3.6.1.5.5.7.3.4'] }),
      leaf('sub', { extKeyUsage: ['1.3.6.1.5.5.7.3.1'] }),
    ],
    usage: ['serverAuth'],
    expect: ['incompatible_usage', 1],
  },
  {
    name: 'anyExtendedKeyUsage satisfies every usage',
    nodes: [ROOT, SUB, leaf('sub', { extKeyUsage: ['2.5.29.37.0'] })],
    usage: ['serverAuth', 'codeSigning', 'timeStamping', 'ocspSigning', 'emailProtection', 'clientAuth'],
    expect: ['valid', 3],
  },
  { name: 'no extKeyUsage: any usage', nodes: [ROOT, SUB, leaf('sub')], usage: ['codeSigning'], expect: ['valid', 3] },
  // host names and IPs (RFC 9525)
  { name: 'wrong host', nodes: TOOLKIT, dnsName: 'www.example.com', expect: ['name_mismatch', 0] },
  { name: 'wrong IP', nodes: TOOLKIT, ip: '10.0.0.2', expect: ['name_mismatch', 0] },
  { name: 'an IPv4 address is not an IPv6 one', nodes: TOOLKIT, ip: '::ffff:10.0.0.1', expect: ['name_mismatch', 0] },
  {
    name: 'wildcard: one left-most label',
    nodes: [ROOT, SUB, leaf('sub', { dnsNames: ['*.example.com'] })],
    dnsName: 'a.example.com',
    expect: ['valid', 3],
  },
  {
    name: 'wildcard: not the bare domain',
    nodes: [ROOT, SUB, leaf('sub', { dnsNames: ['*.example.com'] })],
    dnsName: 'example.com',
    expect: ['name_mismatch', 0],
  },
  {
    name: 'wildcard: not two labels',
    nodes: [ROOT, SUB, leaf('sub', { dnsNames: ['*.example.com'] })],
    dnsName: 'a.b.example.com',
    expect: ['name_mismatch', 0],
  },
  {
    name: 'wildcard: only as a whole label',
    nodes: [ROOT, SUB, leaf('sub', { dnsNames: ['a*.example.com'] })],
    dnsName: 'ab.example.com',
    expect: ['name_mismatch', 0],
  },
  {
    name: 'IDN: the U-label asked for matches the A-label presented',
    nodes: [ROOT, SUB, leaf('sub', { dnsNames: ['xn--bcher-kva.example'] })],
    dnsName: 'Bücher.example',
    expect: ['valid', 3],
  },
  {
    name: 'no common-name fallback',
    nodes: [ROOT, SUB, leaf('sub', { subject: 'cn.example.com', dnsNames: [], emails: ['a@example.com'] })],
    dnsName: 'cn.example.com',
    expect: ['name_mismatch', 0],
  },
  // authorities
  { name: 'missing intermediate', nodes: TOOLKIT, intermediates: [], expect: ['unknown_authority', 0] },
  {
    name: 'missing root',
    nodes: [...TOOLKIT, { id: 'other', api: true }],
    roots: ['other'],
    intermediates: ['sub'],
    expect: ['unknown_authority', 1],
  },
  {
    name: 'an intermediate as the trust anchor',
    nodes: TOOLKIT,
    roots: ['sub'],
    intermediates: [],
    expect: ['valid', 2],
  },
  { name: 'a root verified against itself', nodes: TOOLKIT, leaf: 'root', expect: ['valid', 1] },
  {
    name: 'names chain by RFC 5280 7.1: PrintableString vs UTF8String, case and spaces',
    nodes: [
      {
        id: 'root',
        isCa: true,
        subject: [
          [OID.country, 'US'],
          [OID.commonName, 'Case Root'],
        ],
      },
      leaf('root', {
        issuerName: [
          [OID.country, 'us'],
          [OID.commonName, '  case   ROOT ', 'printable'],
        ],
      }),
    ],
    expect: ['valid', 2],
  },
  {
    name: 'names chain by RFC 5280 7.1: RDN order matters',
    nodes: [
      {
        id: 'root',
        isCa: true,
        subject: [
          [OID.country, 'US'],
          [OID.commonName, 'Order Root'],
        ],
      },
      leaf('root', {
        issuerName: [
          [OID.commonName, 'Order Root'],
          [OID.country, 'US'],
        ],
      }),
    ],
    expect: ['unknown_authority', 0],
  },
]

async function runRow(row: Row): Promise<void> {
  const built = await buildHierarchy(row.nodes)
  const leafId = row.leaf ?? 'leaf'
  const roots = row.roots ?? ['root']
  const intermediates =
    row.intermediates ?? row.nodes.map((n) => n.id).filter((id) => id !== leafId && !roots.includes(id))
  const pem = (id: string) => (built[id] as { pem: string }).pem
  const run = verifyChain(pem(leafId), {
    roots: roots.map(pem),
    intermediates: intermediates.map(pem),
    ...(row.dnsName !== undefined ? { dnsName: row.dnsName } : {}),
    ...(row.ip !== undefined ? { ip: row.ip } : {}),
    ...(row.usage ? { usage: row.usage } : {}),
    ...(row.atDays !== undefined ? { at: new Date(Date.now() + row.atDays * DAY) } : {}),
  })
  const [what, n] = row.expect
  if (what === 'valid') {
    const { chain, anchor } = await run
    equal(chain.length, n, `${row.name}: chain length`)
    equal(chain[0]?.pem, parseCertificate(pem(leafId)).pem, `${row.name}: the leaf first`)
    equal(anchor, chain[chain.length - 1], `${row.name}: the anchor last`)
    ok(roots.map(pem).includes(anchor.pem), `${row.name}: the anchor is a root`)
  } else {
    await rejects(run, { code: 'ERR_PKI_CHAIN', reason: what, depth: n }, row.name)
  }
}

/** An RSA-PSS signer (RFC 4055) with SHA-256 or SHA-384 and a salt as long as the hash. */
async function pssSigner(hash: 'SHA-256' | 'SHA-384') {
  const keys = (await crypto.subtle.generateKey(
    { name: 'RSA-PSS', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair
  const hashOid = hash === 'SHA-256' ? '2.16.840.1.101.3.4.2.1' : '2.16.840.1.101.3.4.2.2'
  const saltLength = hash === 'SHA-256' ? 32 : 48
  const hashAlgorithm = sequence(oid(hashOid))
  const params = sequence(
    contextTag(0, true, hashAlgorithm),
    contextTag(1, true, sequence(oid('1.2.840.113549.1.1.8'), hashAlgorithm)),
    contextTag(2, true, integer(saltLength)),
  )
  const spec = {
    signatureAlgorithm: sequence(oid('1.2.840.113549.1.1.10'), params),
    sign: { name: 'RSA-PSS', saltLength },
  } as unknown as KeyTypeSpec
  return { keys, spec, params }
}

export default suite('chain', (test) => {
  for (const row of ROWS) {
    const label = row.expect[0] === 'valid' ? 'valid' : `${row.expect[0]} at depth ${row.expect[1]}`
    test(`${row.name}: ${label}`, () => runRow(row))
  }

  test('a toolkit hierarchy verifies with the caChain its issued certificate carries', async () => {
    // A root, a subordinate imported with its chain, a leaf issued there: verifyChain agrees with importCaCertificate.
    const root = await createRootCa({ subject: { commonName: 'API Root' }, pathLen: 1 })
    const sub = await createSubordinateCa({ subject: { commonName: 'API Sub' } })
    const active = await importCaCertificate(sub, await signSubordinateCa(root, await getCaCsr(sub)), root.certificate)
    const issued = await issueCertificate(active, { x509Parameters: { commonName: 'api.example.com' } })
    const { chain } = await verifyChain(issued.certificate, {
      roots: [root.certificate as string],
      intermediates: [issued.caChain],
    })
    deepEqual(
      chain.map((c) => c.subject.commonName),
      ['api.example.com', 'API Sub', 'API Root'],
    )
  })

  for (const keyType of ['EC256', 'EC384', 'EC521', 'Ed25519', 'RSA2048'] as KeyType[]) {
    test(`everything the toolkit issues verifies, and fails as it should (${keyType})`, async () => {
      const root = await createRootCa({ subject: { commonName: `${keyType} Root` }, keyType })
      const pending = await createSubordinateCa({ subject: { commonName: `${keyType} Sub` }, keyType })
      const sub = await importCaCertificate(
        pending,
        await signSubordinateCa(root, await getCaCsr(pending)),
        root.certificate,
      )
      const issued = await issueCertificate(sub, {
        keyType,
        period: 90,
        x509Parameters: { commonName: 'svc.example.com', ip: '192.0.2.7' },
      })
      const roots = [root.certificate as string]
      const intermediates = [sub.certificate as string]
      // Three input forms: PEM, DER, CertificateInfo.
      const leafInfo = parseCertificate(issued.certificate)
      for (const input of [issued.certificate, leafInfo.der, leafInfo]) {
        const ok3 = await verifyChain(input, {
          roots,
          intermediates,
          dnsName: 'svc.example.com',
          usage: ['serverAuth'],
        })
        deepEqual(
          ok3.chain.map((c) => c.serialNo),
          [issued.serialNo, parseCertificate(sub.certificate as string).serialNo, ok3.anchor.serialNo],
        )
        equal(ok3.anchor.pem, parseCertificate(root.certificate as string).pem)
      }
      await verifyChain(issued.certificate, { roots, intermediates: [issued.caChain], ip: '192.0.2.7' })
      await rejects(verifyChain(issued.certificate, { roots, intermediates, dnsName: 'other.example.com' }), {
        code: 'ERR_PKI_CHAIN',
        reason: 'name_mismatch',
        depth: 0,
      })
      await rejects(verifyChain(issued.certificate, { roots, intermediates, at: new Date(Date.now() + 91 * DAY) }), {
        code: 'ERR_PKI_CHAIN',
        reason: 'expired',
        depth: 0,
      })
      await rejects(verifyChain(issued.certificate, { roots }), {
        code: 'ERR_PKI_CHAIN',
        reason: 'unknown_authority',
        depth: 0,
      })
      await rejects(verifyChain(tamper(issued.certificate), { roots, intermediates }), {
        code: 'ERR_PKI_CHAIN',
        reason: 'signature_invalid',
        depth: 0,
      })
    })
  }

  test('RSASSA-PSS (RFC 4055): SHA-256 and SHA-384, rsaEncryption and id-RSASSA-PSS keys', async () => {
    for (const hash of ['SHA-256', 'SHA-384'] as const) {
      const { keys, spec, params } = await pssSigner(hash)
      const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))
      const name = nameDer(`PSS ${hash} Root`)
      const signer = { name, keyId: new Uint8Array(20), privateKey: keys.privateKey, publicKey: keys.publicKey, spec }
      const root = await craftCertificate(signer, {
        subject: name,
        publicKey: keys.publicKey,
        isCa: true,
        keyUsage: ['keyCertSign'],
      })
      const leafKeys = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])
      const leafPem = await craftCertificate(signer, {
        subject: 'pss.example.com',
        publicKey: (leafKeys as CryptoKeyPair).publicKey,
        dnsNames: ['pss.example.com'],
      })
      const { chain } = await verifyChain(leafPem, { roots: [root], dnsName: 'pss.example.com' })
      equal(chain.length, 2)
      equal(chain[0]?.signatureAlgorithm, '1.2.840.113549.1.1.10')
      await rejects(verifyChain(tamper(leafPem), { roots: [root] }), {
        code: 'ERR_PKI_CHAIN',
        reason: 'signature_invalid',
        depth: 0,
      })
      // The same key as an id-RSASSA-PSS SPKI bound to these parameters (RFC 4055 3.3): still verifies.
      const [, keyBits] = children(readSingle(spki)) as [DerNode, DerNode]
      const pssSpki = sequence(sequence(oid('1.2.840.113549.1.1.10'), params), keyBits.bytes)
      const boundRoot = await craftCertificate(signer, {
        subject: name,
        publicKey: keys.publicKey,
        spki: pssSpki,
        isCa: true,
        keyUsage: ['keyCertSign'],
      })
      await verifyChain(leafPem, { roots: [boundRoot] })
    }
  })

  test('SHA-1 signatures are refused unless allowSha1; RSA keys under 2048 bits always', async () => {
    const sha1Keys = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-1' },
      false,
      ['sign', 'verify'],
    )) as CryptoKeyPair
    const sha1Spec = {
      signatureAlgorithm: sequence(oid(OID.sha1WithRSAEncryption), nullValue()),
      sign: { name: 'RSASSA-PKCS1-v1_5' },
    } as unknown as KeyTypeSpec
    const name = nameDer('SHA-1 Root')
    const signer = {
      name,
      keyId: new Uint8Array(20),
      privateKey: sha1Keys.privateKey,
      publicKey: sha1Keys.publicKey,
      spec: sha1Spec,
    }
    const root = await craftCertificate(signer, {
      subject: name,
      publicKey: sha1Keys.publicKey,
      isCa: true,
      keyUsage: ['keyCertSign'],
    })
    const leafKeys = await generateKeyPair('EC256')
    const leaf = await craftCertificate(signer, {
      subject: 'SHA-1 leaf',
      publicKey: leafKeys.publicKey,
      dnsNames: ['sha1.example'],
    })
    await rejects(verifyChain(leaf, { roots: [root] }), {
      code: 'ERR_PKI_CHAIN',
      reason: 'signature_invalid',
      depth: 0,
    })
    const { chain } = await verifyChain(leaf, { roots: [root], allowSha1: true })
    equal(chain[0]?.signatureAlgorithm, 'sha1WithRSAEncryption')
    await rejects(verifyChain(leaf, { roots: [root], allowSha1: 'yes' as never }), { name: 'TypeError' } as never)

    const weak = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    )) as CryptoKeyPair
    const weakSpec = {
      signatureAlgorithm: sequence(oid(OID.sha256WithRSAEncryption), nullValue()),
      sign: { name: 'RSASSA-PKCS1-v1_5' },
    } as unknown as KeyTypeSpec
    const weakName = nameDer('RSA-1024 Root')
    const weakSigner = {
      name: weakName,
      keyId: new Uint8Array(20),
      privateKey: weak.privateKey,
      publicKey: weak.publicKey,
      spec: weakSpec,
    }
    const weakRoot = await craftCertificate(weakSigner, {
      subject: weakName,
      publicKey: weak.publicKey,
      isCa: true,
      keyUsage: ['keyCertSign'],
    })
    const weakLeaf = await craftCertificate(weakSigner, { subject: 'weak leaf', publicKey: leafKeys.publicKey })
    await rejects(verifyChain(weakLeaf, { roots: [weakRoot], allowSha1: true }), {
      code: 'ERR_PKI_CHAIN',
      reason: 'signature_invalid',
      depth: 0,
    })
  })

  test('bad options are TypeErrors or PkiArgumentErrors; malformed certificates PkiFormatErrors', async () => {
    const built = await buildHierarchy(TOOLKIT)
    const roots = [(built.root as { pem: string }).pem]
    const leafPem = (built.leaf as { pem: string }).pem
    const typeError = { name: 'TypeError' } as never
    await rejects(verifyChain(leafPem, undefined as never), typeError)
    await rejects(verifyChain(leafPem, { roots: 'x' as never }), typeError)
    await rejects(verifyChain(leafPem, { roots: [5 as never] }), typeError)
    await rejects(verifyChain(leafPem, { roots, at: new Date(Number.NaN) }), typeError)
    await rejects(verifyChain(leafPem, { roots, usage: 'serverAuth' as never }), typeError)
    await rejects(verifyChain(leafPem, { roots, usage: ['webAuth'] }), { code: 'ERR_PKI_ARGUMENT', field: 'usage[0]' })
    await rejects(verifyChain(leafPem, { roots, dnsName: '10.0.0.1' }), { code: 'ERR_PKI_ARGUMENT', field: 'dnsName' })
    await rejects(verifyChain(leafPem, { roots, dnsName: '*.example.com' }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'dnsName',
    })
    await rejects(verifyChain(leafPem, { roots, ip: 'example.com' }), { code: 'ERR_PKI_ARGUMENT', field: 'ip' })
    await rejects(verifyChain(leafPem, { roots, maxDepth: -1 }), { code: 'ERR_PKI_ARGUMENT', field: 'maxDepth' })
    await rejects(verifyChain(leafPem + leafPem, { roots }), { code: 'ERR_PKI_ARGUMENT', field: 'leaf' })
    await rejects(verifyChain(Uint8Array.of(0x30, 0x00), { roots }), { code: 'ERR_PKI_FORMAT' })
    await rejects(verifyChain(leafPem, { roots: ['not pem'] }), { code: 'ERR_PKI_FORMAT' })
  })

  test('a PEM bundle in the lists counts as its certificates', async () => {
    const built = await buildHierarchy(TOOLKIT)
    const pem = (id: string) => (built[id] as { pem: string }).pem
    const { chain } = await verifyChain(pem('leaf'), {
      roots: [pem('root')],
      intermediates: [pem('sub') + pem('root')],
    })
    equal(chain.length, 3)
  })

  test('e-mail local parts compare exactly, and unusual string types cannot slip past constraints', async () => {
    const root = await createRootCa({
      subject: { commonName: 'Mail Root' },
      nameConstraints: { excludedEmails: ['Bob@bad.example'], excludedDirectoryNames: [{ organization: 'Bad' }] },
    })
    const { signer } = await signingContextForTests(root)
    const keys = await generateKeyPair('EC256')
    const roots = [root.certificate as string]
    const bob = await craftCertificate(signer, {
      subject: 'Bob',
      publicKey: keys.publicKey,
      emails: ['Bob@bad.example'],
    })
    await rejects(verifyChain(bob, { roots }), { code: 'ERR_PKI_CHAIN', reason: 'name_excluded', depth: 0 })
    const lower = await craftCertificate(signer, {
      subject: 'bob',
      publicKey: keys.publicKey,
      emails: ['bob@bad.example'],
    })
    await verifyChain(lower, { roots })
    // O=Bad as a VisibleString (0x1a): the same name under RFC 5280 7.1, so the same exclusion.
    const visible = sequence(setOf([sequence(oid(OID.organization), Uint8Array.of(0x1a, 3, 0x42, 0x61, 0x64))]))
    const badOrg = await craftCertificate(signer, { subject: visible, publicKey: keys.publicKey })
    await rejects(verifyChain(badOrg, { roots }), { code: 'ERR_PKI_CHAIN', reason: 'name_excluded', depth: 0 })
  })
})
