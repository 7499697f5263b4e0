/**
 * Path building: alternatives when several issuers share a name (key identifiers order them, signatures decide),
 * renewed and cross-signed CAs, loops, depth, and hostile pools, whose cost is bounded by counting the signature
 * verifications (not by time).
 */
import { SEARCH_LIMITS } from '../../src/chain/build.ts'
import { MAX_CONSTRAINT_COMPARISONS } from '../../src/chain/rules.ts'
import { buildChain, generateKeyPair, PkiChainError, parseCertificate, verifyChain } from '../../src/index.ts'
import { deepEqual, equal, ok, rejects } from '../assert.ts'
import { suite } from '../harness.ts'
import { buildHierarchy, countingCrypto, craftCertificate, keySigner, nameDer } from './chain-helpers.ts'

const pemOf = (built: Record<string, { pem: string }>) => (id: string) => (built[id] as { pem: string }).pem

export default suite('chain building', (test) => {
  test('two intermediates with one subject: the one whose key signed the leaf is found, in either order', async () => {
    // Both twins claim the key identifier the leaf's AKI names, so neither is preferred: the signature decides.
    const keyId = Uint8Array.of(9, 9, 9)
    const built = await buildHierarchy([
      { id: 'root', api: true },
      { id: 'right', issuer: 'root', isCa: true, subject: 'Twin CA', subjectKeyId: keyId },
      { id: 'wrong', issuer: 'root', isCa: true, subject: 'Twin CA', subjectKeyId: keyId },
      { id: 'leaf', issuer: 'right', dnsNames: ['twin.example.com'] },
    ])
    const pem = pemOf(built)
    for (const intermediates of [
      [pem('wrong'), pem('right')],
      [pem('right'), pem('wrong')],
    ]) {
      const counter = countingCrypto()
      const { chain } = await verifyChain(pem('leaf'), {
        roots: [pem('root')],
        intermediates,
        dnsName: 'twin.example.com',
        crypto: counter.crypto,
      })
      equal(chain[1]?.pem, parseCertificate(pem('right')).pem)
      ok(counter.verifies <= 3, `${counter.verifies} signature verifications`)
    }
    // buildChain lists both candidates: it looks at names and key identifiers only.
    const paths = buildChain(pem('leaf'), { roots: [pem('root')], intermediates: [pem('wrong'), pem('right')] })
    deepEqual(
      paths.map((p) => p.map((c) => c.subject.commonName)),
      [
        ['leaf', 'Twin CA', 'root'],
        ['leaf', 'Twin CA', 'root'],
      ],
    )
  })

  test('key identifiers are a hint: an issuer without the matching SKI is still tried, and found', async () => {
    const built = await buildHierarchy([
      { id: 'root', api: true },
      { id: 'sub', issuer: 'root', isCa: true, subjectKeyId: Uint8Array.of(1, 2, 3) },
      { id: 'leaf', issuer: 'sub' },
    ])
    const pem = pemOf(built)
    const { chain } = await verifyChain(pem('leaf'), { roots: [pem('root')], intermediates: [pem('sub')] })
    equal(chain.length, 3)
  })

  test('a renewed CA (same name and key): the expired certificate is passed over for the valid one', async () => {
    const built = await buildHierarchy([
      { id: 'root', api: true },
      { id: 'old', issuer: 'root', isCa: true, subject: 'Renewed CA', validity: [-20, -1] },
      { id: 'new', issuer: 'root', isCa: true, subject: 'Renewed CA', keyOf: 'old' },
      { id: 'leaf', issuer: 'new' },
    ])
    const pem = pemOf(built)
    for (const intermediates of [
      [pem('old'), pem('new')],
      [pem('new'), pem('old')],
    ]) {
      const { chain } = await verifyChain(pem('leaf'), { roots: [pem('root')], intermediates })
      equal(chain[1]?.pem, parseCertificate(pem('new')).pem)
    }
    // With only the old one, the failure says why: expired at depth 1.
    await rejects(verifyChain(pem('leaf'), { roots: [pem('root')], intermediates: [pem('old')] }), {
      code: 'ERR_PKI_CHAIN',
      reason: 'expired',
      depth: 1,
    })
  })

  test('a cross-signed CA: the path through the trusted root is taken', async () => {
    const built = await buildHierarchy([
      { id: 'rootA', api: true },
      { id: 'rootB', api: true },
      { id: 'viaA', issuer: 'rootA', isCa: true, subject: 'Cross CA' },
      { id: 'viaB', issuer: 'rootB', isCa: true, subject: 'Cross CA', keyOf: 'viaA' },
      { id: 'leaf', issuer: 'viaA' },
    ])
    const pem = pemOf(built)
    const intermediates = [pem('viaA'), pem('viaB')]
    for (const root of ['rootA', 'rootB']) {
      const { anchor, chain } = await verifyChain(pem('leaf'), { roots: [pem(root)], intermediates })
      equal(anchor.pem, parseCertificate(pem(root)).pem)
      equal(chain[1]?.pem, parseCertificate(pem(root === 'rootA' ? 'viaA' : 'viaB')).pem)
    }
  })

  test('the most informative failure: the path that got furthest', async () => {
    // Two candidates: one whose issuer is unknown above it, one with a bad signature on the leaf.
    const built = await buildHierarchy([
      { id: 'root', api: true },
      { id: 'lost', isCa: true },
      { id: 'right', issuer: 'lost', isCa: true, subject: 'Shared CA' },
      { id: 'wrong', issuer: 'root', isCa: true, subject: 'Shared CA' },
      { id: 'leaf', issuer: 'right' },
    ])
    const pem = pemOf(built)
    await rejects(verifyChain(pem('leaf'), { roots: [pem('root')], intermediates: [pem('wrong'), pem('right')] }), {
      code: 'ERR_PKI_CHAIN',
      reason: 'unknown_authority',
      depth: 1,
    })
  })

  test('a loop A -> B -> A fails fast as unknown_authority', async () => {
    const keysA = await generateKeyPair('EC256')
    const keysB = await generateKeyPair('EC256')
    const signerA = await keySigner(keysA, nameDer('Loop A'))
    const signerB = await keySigner(keysB, nameDer('Loop B'))
    const a = await craftCertificate(signerB, { subject: 'Loop A', publicKey: keysA.publicKey, isCa: true })
    const b = await craftCertificate(signerA, { subject: 'Loop B', publicKey: keysB.publicKey, isCa: true })
    const leafKeys = await generateKeyPair('EC256')
    const leaf = await craftCertificate(signerA, { subject: 'loop.example.com', publicKey: leafKeys.publicKey })
    const root = (await buildHierarchy([{ id: 'root', api: true }])).root?.pem as string
    const counter = countingCrypto()
    await rejects(verifyChain(leaf, { roots: [root], intermediates: [a, b, a, b], crypto: counter.crypto }), {
      code: 'ERR_PKI_CHAIN',
      reason: 'unknown_authority',
      depth: 2,
    })
    ok(counter.verifies <= 2, `${counter.verifies} signature verifications`)
    await rejects(async () => buildChain(leaf, { roots: [root], intermediates: [a, b] }), {
      code: 'ERR_PKI_CHAIN',
      reason: 'unknown_authority',
    })
  })

  test('maxDepth bounds the path: too deep is unknown_authority', async () => {
    const built = await buildHierarchy([
      { id: 'root', api: true },
      { id: 'ca1', issuer: 'root', isCa: true },
      { id: 'ca2', issuer: 'ca1', isCa: true },
      { id: 'ca3', issuer: 'ca2', isCa: true },
      { id: 'leaf', issuer: 'ca3' },
    ])
    const pem = pemOf(built)
    const o = { roots: [pem('root')], intermediates: [pem('ca1'), pem('ca2'), pem('ca3')] }
    equal((await verifyChain(pem('leaf'), o)).chain.length, 5)
    equal((await verifyChain(pem('leaf'), { ...o, maxDepth: 4 })).chain.length, 5)
    await rejects(verifyChain(pem('leaf'), { ...o, maxDepth: 3 }), {
      code: 'ERR_PKI_CHAIN',
      reason: 'unknown_authority',
    })
    equal(buildChain(pem('leaf'), { ...o, maxDepth: 4 }).length, 1)
    await rejects(async () => buildChain(pem('leaf'), { ...o, maxDepth: 3 }), { code: 'ERR_PKI_CHAIN' })
  })

  test('hostile pool: 200 certificates with one subject and one key fail fast within the signature bound', async () => {
    const keys = await generateKeyPair('EC256')
    const name = nameDer('Evil CA')
    const signer = await keySigner(keys, name)
    const pool: string[] = []
    for (let i = 0; i < 200; i++) {
      pool.push(await craftCertificate(signer, { subject: name, publicKey: keys.publicKey, isCa: true }))
    }
    const leafKeys = await generateKeyPair('EC256')
    const leaf = await craftCertificate(signer, { subject: 'evil.example.com', publicKey: leafKeys.publicKey })
    const root = (await buildHierarchy([{ id: 'root', api: true }])).root?.pem as string
    const counter = countingCrypto()
    const error = await rejects(verifyChain(leaf, { roots: [root], intermediates: pool, crypto: counter.crypto }), {
      code: 'ERR_PKI_CHAIN',
    })
    ok(error instanceof PkiChainError)
    ok(counter.verifies <= SEARCH_LIMITS.signatures, `${counter.verifies} signature verifications`)
    // By names alone the pool is as big a maze; the candidate bounds keep buildChain small too.
    await rejects(async () => buildChain(leaf, { roots: [root], intermediates: pool }), { code: 'ERR_PKI_CHAIN' })
  })

  test('hostile pool: 200 certificates with one subject and 200 keys, a chain hidden among them', async () => {
    const name = nameDer('Maze CA')
    const keys = await Promise.all(Array.from({ length: 201 }, () => generateKeyPair('EC256')))
    const signers = await Promise.all(keys.map((k) => keySigner(k, name)))
    // Certificate i holds key i and is signed by key i + 1: every link needs the one right twin among 200.
    const pool: string[] = []
    for (let i = 0; i < 200; i++) {
      const signer = signers[i + 1] as Awaited<ReturnType<typeof keySigner>>
      pool.push(
        await craftCertificate(signer, { subject: name, publicKey: (keys[i] as CryptoKeyPair).publicKey, isCa: true }),
      )
    }
    pool.reverse()
    const leafKeys = await generateKeyPair('EC256')
    const leaf = await craftCertificate(signers[0] as never, {
      subject: 'maze.example.com',
      publicKey: leafKeys.publicKey,
    })
    const root = (await buildHierarchy([{ id: 'root', api: true }])).root?.pem as string
    const counter = countingCrypto()
    await rejects(verifyChain(leaf, { roots: [root], intermediates: pool, crypto: counter.crypto }), {
      code: 'ERR_PKI_CHAIN',
    })
    ok(counter.verifies <= SEARCH_LIMITS.signatures, `${counter.verifies} signature verifications`)
  })

  test('hostile names: thousands of SANs against hundreds of subtrees stop at the comparison bound', async () => {
    const permittedDns = Array.from({ length: 500 }, (_, i) => `d${i}.example.com`)
    const dnsNames = Array.from({ length: 600 }, (_, i) => `h${i}.d${i % 500}.example.com`)
    ok(permittedDns.length * dnsNames.length > MAX_CONSTRAINT_COMPARISONS)
    const built = await buildHierarchy([
      { id: 'root', api: true, nameConstraints: { permittedDns } },
      { id: 'leaf', issuer: 'root', dnsNames },
    ])
    const pem = pemOf(built)
    await rejects(verifyChain(pem('leaf'), { roots: [pem('root')] }), {
      code: 'ERR_PKI_CHAIN',
      reason: 'name_not_permitted',
      depth: 0,
    })
    // The same names, fewer of them: within the bound, and all permitted.
    const fewer = await buildHierarchy([
      { id: 'root', api: true, nameConstraints: { permittedDns } },
      { id: 'leaf', issuer: 'root', dnsNames: dnsNames.slice(0, 100) },
    ])
    equal((await verifyChain(pemOf(fewer)('leaf'), { roots: [pemOf(fewer)('root')] })).chain.length, 2)
  })
})
