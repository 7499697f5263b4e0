/**
 * The CaStore contract, run against every back end (memory everywhere; the runtime's persistent store through
 * `env.openStore`): CA functions writing through a store, the issued-certificate registry, serial uniqueness and CRL
 * numbers under concurrency, and atomicity (a store that fails on the N-th write leaves everything as it was).
 */
import {
  type CaStore,
  type CertificateAuthority,
  createCsr,
  createMemoryStore,
  createRootCa,
  createSubordinateCa,
  disableCa,
  enableCa,
  exportPrivateKey,
  generateCrl,
  generateKeyPair,
  getCaCsr,
  importCaCertificate,
  issueCertificate,
  parseCrl,
  revokeCertificate,
  signCsr,
  signSubordinateCa,
  verifyChain,
} from '../../src/index.ts'
import { deepEqual, equal, ok, rejects } from '../assert.ts'
import { type Env, type Suite, suite } from '../harness.ts'

const x509Parameters = { commonName: 'leaf.example' }

/** Everything a store holds, as comparable JSON (keys show as their type and extractability). */
export async function dumpStore(store: CaStore): Promise<string> {
  const cas = await store.listCas()
  const out = []
  for (const state of cas) {
    const ca = await store.loadCa(state.id)
    const keys = `${ca.keys.privateKey.type}:${ca.keys.privateKey.extractable}/${ca.keys.publicKey.type}`
    out.push({ state, keys, sealed: ca.sealedKey !== undefined, issued: await store.listIssued(state.id) })
  }
  return JSON.stringify(out)
}

/** A wrapper whose N-th write (addCa, updateCa, addIssued, deleteCa) fails as a back end would, before writing. */
function failingStore(inner: CaStore, failAt: number): { store: CaStore; writes: () => number } {
  let writes = 0
  const write =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      writes++
      if (writes === failAt) {
        const { PkiStorageError } = await import('../../src/errors.ts')
        throw new PkiStorageError(`injected failure of write ${failAt}`)
      }
      return f(...a)
    }
  return {
    writes: () => writes,
    store: {
      keeps: inner.keeps,
      addCa: write(inner.addCa.bind(inner)),
      updateCa: write(inner.updateCa.bind(inner)),
      addIssued: write(inner.addIssued.bind(inner)),
      deleteCa: write(inner.deleteCa.bind(inner)),
      loadCa: inner.loadCa.bind(inner),
      listCas: inner.listCas.bind(inner),
      getIssued: inner.getIssued.bind(inner),
      listIssued: inner.listIssued.bind(inner),
    },
  }
}

/** A crypto whose next `fixed` 16-octet random draws all return the same octets (a serial collision on demand). */
function collidingCrypto(): { crypto: Crypto; repeat: (times: number) => void } {
  const base = globalThis.crypto
  let left = 0
  const fixed = base.getRandomValues(new Uint8Array(16))
  // A first octet randomSerial keeps as drawn (it draws again for one that is zero once the high bit is cleared).
  fixed[0] = 0x42
  const crypto = {
    subtle: base.subtle,
    randomUUID: () => base.randomUUID(),
    getRandomValues<T extends ArrayBufferView | null>(array: T): T {
      if (left > 0 && array instanceof Uint8Array && array.length === 16) {
        left--
        array.set(fixed)
        return array
      }
      return base.getRandomValues(array as never) as T
    },
  } as Crypto
  return { crypto, repeat: (times) => (left = times) }
}

async function rootIn(store: CaStore, commonName = 'Store Root'): Promise<CertificateAuthority> {
  return createRootCa({ subject: { commonName }, store })
}

/**
 * The contract suite for one back end.
 *
 * @example
 * storeSuite('store: memory', async () => createMemoryStore())
 */
export function storeSuite(name: string, open: (env: Env) => Promise<CaStore>): Suite {
  return suite(name, (test) => {
    test('a root and a subordinate made into the store load back, usable and non-extractable', async (env) => {
      const store = await open(env)
      const root = await rootIn(store)
      const pending = await createSubordinateCa({ subject: { commonName: 'Store Sub' }, store })
      const listed = await store.listCas()
      deepEqual(
        listed.map((s) => [s.id, s.status]),
        [
          [root.id, 'ACTIVE'],
          [pending.id, 'PENDING_CERTIFICATE'],
        ],
      )
      // A pending CA has issued nothing: its status is the answer, before any registry lookup.
      await rejects(revokeCertificate(pending, '01', 'superseded', { store }), {
        code: 'ERR_PKI_STATE',
        status: 'PENDING_CERTIFICATE',
      })
      const certificate = await signSubordinateCa(root, await getCaCsr(pending))
      const sub = await importCaCertificate(pending, certificate, [root.certificate as string], { store })
      equal((await store.loadCa(pending.id)).status, 'ACTIVE')
      equal((await store.loadCa(pending.id)).csr, undefined)
      // A stale copy of the pending record cannot activate the CA twice.
      await rejects(importCaCertificate(pending, certificate, [root.certificate as string], { store }), {
        code: 'ERR_PKI_STATE',
        status: 'ACTIVE',
      })
      const loaded = await store.loadCa(sub.id)
      equal(loaded.keys.privateKey.extractable, false)
      await rejects(exportPrivateKey(loaded.keys.privateKey), { code: 'ERR_PKI_ARGUMENT', field: 'key' })
      const leaf = await issueCertificate(loaded, { x509Parameters, store })
      const verified = await verifyChain(leaf.certificate, {
        roots: [root.certificate as string],
        intermediates: loaded.chain.length ? [loaded.certificate as string] : [],
        dnsName: 'leaf.example',
      })
      equal(verified.chain.length, 3)
      await rejects(store.loadCa('no-such-ca'), { code: 'ERR_PKI_NOT_FOUND' })
    })

    test('issuance records every certificate in the registry, with its status', async (env) => {
      const store = await open(env)
      const root = await rootIn(store)
      const a = await issueCertificate(root, { x509Parameters, store })
      const keys = await generateKeyPair('EC256')
      const b = await signCsr(root, await createCsr(keys, { commonName: 'csr.example', organization: 'O' }), { store })
      const all = await store.listIssued(root.id)
      deepEqual(all.map((e) => e.serialNo).sort(), [a.serialNo, b.serialNo].sort())
      const entry = await store.getIssued(root.id, a.serialNo.replace(/:/g, '').toLowerCase())
      equal(entry.certificate, a.certificate)
      equal(entry.status, 'ISSUED')
      equal(entry.subject, 'CN=leaf.example')
      equal((await store.getIssued(root.id, b.serialNo)).subject, 'CN=csr.example,O=O')
      ok(Date.parse(entry.notAfter) > Date.parse(entry.issuedAt), 'notAfter after issuedAt')
      await rejects(store.getIssued(root.id, '01:02'), { code: 'ERR_PKI_NOT_FOUND' })
      // Without a store nothing is recorded anywhere.
      await issueCertificate(root, { x509Parameters })
      equal((await store.listIssued(root.id)).length, 2)
    })

    test('revocation goes through the registry and the stored CA; CRLs come from the store', async (env) => {
      const store = await open(env)
      const root = await rootIn(store)
      const a = await issueCertificate(root, { x509Parameters, store })
      const b = await issueCertificate(root, { x509Parameters, store })
      await rejects(revokeCertificate(root, '0A:0B', 'keyCompromise', { store }), { code: 'ERR_PKI_NOT_FOUND' })
      const after = await revokeCertificate(root, a.serialNo, 'keyCompromise', { store })
      deepEqual(
        after.revoked.map((r) => r.serialNo),
        [a.serialNo],
      )
      // The caller's `root` is stale (no revocations); the store is what counts.
      await rejects(revokeCertificate(root, a.serialNo, 'superseded', { store }), {
        code: 'ERR_PKI_ARGUMENT',
        field: 'serialNo',
      })
      const entry = await store.getIssued(root.id, a.serialNo)
      equal(entry.status, 'REVOKED')
      equal(entry.revocation?.reason, 'keyCompromise')
      equal((await store.getIssued(root.id, b.serialNo)).status, 'ISSUED')
      const first = await generateCrl(root, { store })
      const crl = parseCrl(first.crl)
      equal(crl.crlNumber, '1')
      deepEqual(
        crl.revoked.map((e) => e.serialNo),
        [a.serialNo],
      )
      const second = await generateCrl(root, { store })
      equal(parseCrl(second.crl).crlNumber, '2')
      equal((await store.loadCa(root.id)).crlNumber, 2)
    })

    test('concurrent issuances get distinct serials and all reach the registry', async (env) => {
      const store = await open(env)
      const root = await rootIn(store)
      const issued = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          issueCertificate(root, { x509Parameters: { commonName: `c${i}.example` }, store }),
        ),
      )
      const serials = new Set(issued.map((i) => i.serialNo))
      equal(serials.size, 12)
      deepEqual((await store.listIssued(root.id)).map((e) => e.serialNo).sort(), [...serials].sort())
    })

    test('concurrent CRLs get distinct, increasing numbers', async (env) => {
      const store = await open(env)
      const root = await rootIn(store)
      const crls = await Promise.all(Array.from({ length: 4 }, () => generateCrl(root, { store })))
      deepEqual(crls.map((c) => parseCrl(c.crl).crlNumber).sort(), ['1', '2', '3', '4'])
      equal((await store.loadCa(root.id)).crlNumber, 4)
    })

    test('a serial already in the registry is never issued twice', async (env) => {
      const store = await open(env)
      const root = await rootIn(store)
      const { crypto, repeat } = collidingCrypto()
      repeat(1)
      const first = await issueCertificate(root, { x509Parameters, store, crypto })
      repeat(1) // the next serial drawn is the same as the first: the store refuses it, a fresh one is signed
      const second = await issueCertificate(root, { x509Parameters, store, crypto })
      ok(first.serialNo !== second.serialNo, 'a fresh serial')
      equal((await store.listIssued(root.id)).length, 2)
      const before = await dumpStore(store)
      repeat(3) // a random source stuck on one value
      await rejects(issueCertificate(root, { x509Parameters, store, crypto }), { code: 'ERR_PKI_STORAGE' })
      equal(await dumpStore(store), before)
    })

    test('the stored status decides: a CA disabled elsewhere refuses to issue from a stale record', async (env) => {
      const store = await open(env)
      const root = await rootIn(store)
      await disableCa(root, { store })
      const before = await dumpStore(store)
      await rejects(issueCertificate(root, { x509Parameters, store }), { code: 'ERR_PKI_STATE', status: 'DISABLED' })
      await rejects(disableCa(root, { store }), { code: 'ERR_PKI_STATE', status: 'DISABLED' })
      equal(await dumpStore(store), before)
      // And the other way round: a stale DISABLED copy issues once the stored CA is enabled again.
      const staleDisabled = await store.loadCa(root.id)
      await enableCa(root, { store })
      await issueCertificate(staleDisabled, { x509Parameters, store })
      await rejects(revokeCertificate(staleDisabled, '01', 'superseded', { store }), { code: 'ERR_PKI_NOT_FOUND' })
    })

    test('refused writes change nothing; delete removes a CA and its registry', async (env) => {
      const store = await open(env)
      const root = await rootIn(store)
      await issueCertificate(root, { x509Parameters, store })
      const before = await dumpStore(store)
      await rejects(store.addCa(root), { code: 'ERR_PKI_STATE' })
      await rejects(
        store.updateCa(root.id, () => {
          throw new RangeError('refused')
        }),
        { code: undefined as never, name: 'RangeError' },
      )
      await rejects(issueCertificate(root, { x509Parameters: { commonName: 'not a name!' }, store }), {
        code: 'ERR_PKI_ARGUMENT',
      })
      equal(await dumpStore(store), before)
      await store.deleteCa(root.id)
      await rejects(store.loadCa(root.id), { code: 'ERR_PKI_NOT_FOUND' })
      await rejects(store.listIssued(root.id), { code: 'ERR_PKI_NOT_FOUND' })
      await rejects(store.deleteCa(root.id), { code: 'ERR_PKI_NOT_FOUND' })
      deepEqual(await store.listCas(), [])
    })

    test('a store failing on the N-th write: every operation completes or leaves the store as it was', async (env) => {
      const inner = await open(env)
      const root = await rootIn(inner, 'Fault Root')
      const issued = await issueCertificate(root, { x509Parameters, store: inner })
      const operations: [string, (store: CaStore) => Promise<unknown>][] = [
        ['createRootCa', (store) => createRootCa({ subject: { commonName: 'Another Root' }, store })],
        ['createSubordinateCa', (store) => createSubordinateCa({ subject: { commonName: 'Another Sub' }, store })],
        ['issueCertificate', (store) => issueCertificate(root, { x509Parameters, store })],
        ['revokeCertificate', (store) => revokeCertificate(root, issued.serialNo, 'superseded', { store })],
        ['generateCrl', (store) => generateCrl(root, { store })],
        ['disableCa', (store) => disableCa(root, { store })],
      ]
      for (const [name, operation] of operations) {
        for (let failAt = 1; ; failAt++) {
          const before = await dumpStore(inner)
          const { store, writes } = failingStore(inner, failAt)
          try {
            await operation(store)
          } catch (e) {
            equal((e as { code?: string }).code, 'ERR_PKI_STORAGE', `${name}, write ${failAt}`)
            equal(await dumpStore(inner), before, `${name} failing at write ${failAt} changed the store`)
            continue
          }
          ok(writes() < failAt, `${name} succeeded although write ${failAt} failed`)
          break
        }
      }
      equal((await inner.loadCa(root.id)).status, 'DISABLED')
    })
  })
}

export default storeSuite('store: memory', async () => createMemoryStore())
