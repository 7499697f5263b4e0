/**
 * The IndexedDB store in real Chromium (issue 5): CAs survive a reload with their keys still non-extractable
 * CryptoKeys, the database holds no private key bytes, a failed operation leaves the database exactly as it was, and
 * an encrypted backup moves a CA with its registry from Chromium to Node and back.
 *
 * The page (store-page.ts, bundled by esbuild) puts the library on `globalThis.pocket`; each step here runs a
 * function in the page with {@link inPage}. Records holding CryptoKeys never leave the page: they are kept in
 * `pocket.kept`, or read back from IndexedDB after a reload.
 */
import type { Server } from 'node:http'
import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  createMemoryStore,
  exportCaBackup,
  importCaBackup,
  issueCertificate,
  parseCertificate,
  verifyChain,
} from '../../src/index.ts'
import {
  type Bundle,
  bundleScript,
  closeServer,
  type LaunchedChromium,
  launchChromium,
  serve,
  serverUrl,
  watchPage,
} from './page.ts'
import type { StorePage } from './store-page.ts'

let bundle: Bundle
let server: Server
let chromium: LaunchedChromium
let page: Page
/** Console errors, uncaught exceptions and failed requests in the page: each test fails on any. */
const problems: string[] = []

async function loadPage(): Promise<void> {
  await page.waitForFunction(() => 'pocket' in globalThis, undefined, { timeout: 30_000 })
}

beforeAll(async () => {
  bundle = await bundleScript('test/browser/store-page.ts')
  server = await serve(bundle, 'pocket-ca store tests')
  chromium = await launchChromium()
  page = await chromium.browser.newPage()
  watchPage(page, problems)
  await page.goto(serverUrl(server), { waitUntil: 'load', timeout: 60_000 })
  await loadPage()
})

afterAll(async () => {
  await chromium?.close()
  if (server) await closeServer(server)
})

afterEach(() => {
  const found = problems.splice(0)
  if (found.length > 0) throw new Error(bundle.mapStack(found.join('\n')))
})

/**
 * Runs `fn(pocket, arg)` in the page and returns its (JSON-able) result. `fn` is sent as source text, so it may use
 * only its parameters and the page's globals, never anything imported here.
 */
async function inPage<R, A = undefined>(fn: (pocket: StorePage, arg: A) => R | Promise<R>, arg?: A): Promise<R> {
  try {
    return (await page.evaluate(`(${fn.toString()})(globalThis.pocket, ${JSON.stringify(arg ?? null)})`)) as R
  } catch (error) {
    throw new Error(bundle.mapStack((error as Error).message), { cause: error })
  }
}

async function reload(): Promise<void> {
  await page.reload({ waitUntil: 'load' })
  await loadPage()
}

const subjectOf = (pem: string) => parseCertificate(pem).subjectDn

describe('IndexedDB store: across a reload', () => {
  it('keeps a root and a subordinate CA, which issue after the reload; the database holds no private key bytes', async () => {
    await inPage((p) => p.deleteDatabase('pocket-ca'))
    const made = await inPage(async (p) => {
      const store = await p.openIndexedDbStore()
      const root = await p.createRootCa({ subject: { commonName: 'Reload Root' }, store })
      const pending = await p.createSubordinateCa({ subject: { commonName: 'Reload Sub' }, store })
      const cert = await p.signSubordinateCa(root, await p.getCaCsr(pending))
      const sub = await p.importCaCertificate(pending, cert, [root.certificate as string], { store })
      const waiting = await p.createSubordinateCa({ subject: { commonName: 'Still Pending' }, store })
      return { rootId: root.id, subId: sub.id, waitingId: waiting.id, rootCert: root.certificate as string }
    })

    await reload()
    const after = await inPage(async (p, ids) => {
      const store = await p.openIndexedDbStore()
      const listed = (await store.listCas()).map((s) => ({ id: s.id, status: s.status }))
      const loaded = await store.loadCa(ids.subId)
      const issued = await p.issueCertificate(loaded, { x509Parameters: { commonName: 'reloaded.example' }, store })
      const verified = await p.verifyChain(issued.certificate, {
        roots: [ids.rootCert],
        intermediates: [loaded.certificate as string],
        dnsName: 'reloaded.example',
      })
      return {
        listed,
        leaf: issued.certificate,
        subCert: loaded.certificate as string,
        depth: verified.chain.length,
        exported: await p.failure(() => p.exportPrivateKey(loaded.keys.privateKey)),
        extractable: loaded.keys.privateKey.extractable,
        publicType: loaded.keys.publicKey.type,
        sealed: 'sealedKey' in loaded,
        registry: (await store.listIssued(ids.subId)).map((e) => ({ serialNo: e.serialNo, status: e.status })),
        serialNo: issued.serialNo,
      }
    }, made)
    expect(after.listed).toEqual([
      { id: made.rootId, status: 'ACTIVE' },
      { id: made.subId, status: 'ACTIVE' },
      { id: made.waitingId, status: 'PENDING_CERTIFICATE' },
    ])
    expect(after.depth).toBe(3)
    expect(subjectOf(after.leaf)).toBe('CN=reloaded.example')
    // Verified on Node too, against the root made in the page.
    await verifyChain(after.leaf, {
      roots: [made.rootCert],
      intermediates: [after.subCert],
      dnsName: 'reloaded.example',
    })
    expect(after.exported).toMatchObject({ code: 'ERR_PKI_ARGUMENT', field: 'key' })
    expect(after.extractable).toBe(false)
    expect(after.publicType).toBe('public')
    expect(after.sealed).toBe(false)
    expect(after.registry).toEqual([{ serialNo: after.serialNo, status: 'ISSUED' }])

    const scan = await inPage((p) => p.scanDatabase('pocket-ca'))
    expect(scan.values).toBe(4) // three CAs and one registry entry
    const privateKeys = scan.keys.filter((k) => k.type === 'private')
    expect(privateKeys).toHaveLength(3)
    expect(privateKeys.every((k) => !k.extractable)).toBe(true)
    expect(scan.keys.filter((k) => k.type === 'public')).toHaveLength(3)
    expect(scan.keys.filter((k) => k.type === 'secret')).toEqual([]) // no sealed key without allowBackup
    expect(scan.privatePem).toEqual([])
    expect(scan.binaries).toEqual([])
    expect(scan.unknown).toEqual([])
  })
})

describe('IndexedDB store: a failed operation changes nothing', () => {
  it('leaves the database byte for byte as it was, and the errors are the documented ones', async () => {
    await inPage((p) => p.deleteDatabase('atomic'))
    const outcome = await inPage(async (p) => {
      const store = await p.openIndexedDbStore({ name: 'atomic' })
      const root = await p.createRootCa({ subject: { commonName: 'Atomic Root' }, store })
      const issued = await p.issueCertificate(root, { x509Parameters: { commonName: 'a.example' }, store })
      const other = await p.createRootCa({ subject: { commonName: 'Atomic Disabled' }, store })
      await p.disableCa(other, { store })
      const existing = await store.getIssued(root.id, issued.serialNo)
      const fresh = { ...existing, serialNo: '7F:01:02:03' }
      const thrown = new Error('refused by change')
      let identical = false
      const attempts: Record<string, () => Promise<unknown>> = {
        changeThrows: () =>
          store.updateCa(root.id, () => {
            throw thrown
          }),
        changeMutatesThenThrows: () =>
          store.updateCa(root.id, (s) => {
            s.crlNumber = 99
            s.revoked.push({ serialNo: issued.serialNo, reason: 'keyCompromise', at: new Date().toISOString() })
            throw new p.PkiStateError(s.status, 'no')
          }),
        changeAltersId: () => store.updateCa(root.id, (s) => ({ ...s, id: 'another-id' })),
        updateUnknown: () => store.updateCa('no-such-ca', (s) => s),
        addIssuedDisabled: () => store.addIssued(other.id, fresh),
        addIssuedTaken: () => store.addIssued(root.id, { ...fresh, serialNo: issued.serialNo.toLowerCase() }),
        addIssuedUnknown: () => store.addIssued('no-such-ca', fresh),
        addCaTwice: async () => store.addCa(await store.loadCa(root.id), [fresh]),
        addCaUncloneable: async () => {
          // A field structured clone refuses (a function): IndexedDB's DataCloneError, reported as PkiStorageError.
          const ca = await p.createRootCa({ subject: { commonName: 'Uncloneable' } })
          return store.addCa({ ...ca, hook: () => {} } as never, [fresh])
        },
        deleteUnknown: () => store.deleteCa('no-such-ca'),
        issueDisabled: async () =>
          p.issueCertificate(await store.loadCa(other.id), { x509Parameters: { commonName: 'b.example' }, store }),
        revokeUnknownSerial: async () => p.revokeCertificate(root, '01:02:03', 'superseded', { store }),
        revokeTwiceSecond: async () => {
          // Through a second connection: the first revocation is there, the second is refused inside updateCa.
          const second = await p.openIndexedDbStore({ name: 'atomic' })
          const revoked = await p.revokeCertificate(root, issued.serialNo, 'superseded', { store: second })
          p.kept.revokedDump = await p.dumpDatabase('atomic')
          return p.revokeCertificate(revoked, issued.serialNo, 'superseded', { store: second })
        },
      }
      const results: Record<string, { error: unknown; unchanged: boolean }> = {}
      for (const [name, attempt] of Object.entries(attempts)) {
        const before = name === 'revokeTwiceSecond' ? undefined : await p.dumpDatabase('atomic')
        const error = await p.failure(async () => {
          try {
            await attempt()
          } catch (e) {
            if (name === 'changeThrows') identical = e === thrown
            throw e
          }
        })
        const after = await p.dumpDatabase('atomic')
        results[name] = { error, unchanged: (before ?? p.kept.revokedDump) === after }
      }
      // The store still works after all that, and a successful write does change the dump.
      const beforeWrite = await p.dumpDatabase('atomic')
      await store.addIssued(root.id, fresh)
      const changed = beforeWrite !== (await p.dumpDatabase('atomic'))
      return { results, identical, changed }
    })

    const expected: Record<string, object> = {
      changeThrows: { name: 'Error', message: 'refused by change' },
      changeMutatesThenThrows: { code: 'ERR_PKI_STATE', status: 'ACTIVE' },
      changeAltersId: { name: 'TypeError' },
      updateUnknown: { code: 'ERR_PKI_NOT_FOUND' },
      addIssuedDisabled: { code: 'ERR_PKI_STATE', status: 'DISABLED' },
      addIssuedTaken: { code: 'ERR_PKI_ARGUMENT', field: 'serialNo' },
      addIssuedUnknown: { code: 'ERR_PKI_NOT_FOUND' },
      addCaTwice: { code: 'ERR_PKI_STATE' },
      addCaUncloneable: { code: 'ERR_PKI_STORAGE', causeName: 'DataCloneError' },
      deleteUnknown: { code: 'ERR_PKI_NOT_FOUND' },
      issueDisabled: { code: 'ERR_PKI_STATE', status: 'DISABLED' },
      revokeUnknownSerial: { code: 'ERR_PKI_NOT_FOUND' },
      revokeTwiceSecond: { code: 'ERR_PKI_ARGUMENT', field: 'serialNo' },
    }
    for (const [name, want] of Object.entries(expected)) {
      expect({ name, ...outcome.results[name] }).toEqual({
        name,
        error: expect.objectContaining(want),
        unchanged: true,
      })
    }
    expect(Object.keys(outcome.results).sort()).toEqual(Object.keys(expected).sort())
    expect(outcome.identical).toBe(true) // the very object `change` threw, as generateCrl relies on
    expect(outcome.changed).toBe(true)
  })

  it('serializes concurrent writers from two connections: no update is lost', async () => {
    await inPage((p) => p.deleteDatabase('concurrent'))
    const result = await inPage(async (p) => {
      const a = await p.openIndexedDbStore({ name: 'concurrent' })
      const b = await p.openIndexedDbStore({ name: 'concurrent' })
      const root = await p.createRootCa({ subject: { commonName: 'Concurrent Root' }, store: a })
      const bump = (s: Parameters<Parameters<typeof a.updateCa>[1]>[0]) => ({ ...s, crlNumber: s.crlNumber + 1 })
      const record = (i: number) => ({
        serialNo: (0x100 + i).toString(16),
        certificate: root.certificate as string,
        issuedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        notAfter: '2027-01-01T00:00:00.000Z',
        subject: `CN=${i}`,
      })
      const writes: Promise<unknown>[] = []
      for (let i = 0; i < 20; i++) {
        const store = i % 2 ? a : b
        writes.push(store.updateCa(root.id, bump), store.addIssued(root.id, record(i)))
      }
      // The same serial from both connections at once: exactly one wins.
      const race = await Promise.allSettled([a.addIssued(root.id, record(99)), b.addIssued(root.id, record(99))])
      await Promise.all(writes)
      const crl = await p.generateCrl(root, { store: b })
      return {
        crlNumber: (await a.loadCa(root.id)).crlNumber,
        crlResultNumber: crl.ca.crlNumber,
        registry: (await b.listIssued(root.id)).map((e) => e.subject),
        race: race.map((r) => r.status),
      }
    })
    expect(result.crlNumber).toBe(21)
    expect(result.crlResultNumber).toBe(21)
    expect(result.registry).toEqual([...Array.from({ length: 20 }, (_, i) => `CN=${i}`), 'CN=99'])
    expect(result.race.sort()).toEqual(['fulfilled', 'rejected'])
  })
})

describe('IndexedDB store: the CaStore contract, side by side with the memory store', () => {
  it('answers a scripted sequence of calls exactly as createMemoryStore does', async () => {
    await inPage((p) => p.deleteDatabase('contract'))
    const answers = await inPage(async (p) => {
      const root = await p.createRootCa({ subject: { commonName: 'Contract Root' } })
      const sub = await p.createSubordinateCa({ subject: { commonName: 'Contract Sub' } })
      const at = (s: number) => new Date(Date.UTC(2026, 5, 1, 0, 0, s)).toISOString()
      const rec = (serialNo: string, s: number) => ({
        serialNo,
        certificate: root.certificate as string,
        issuedAt: at(s),
        notAfter: at(s + 100),
        subject: `CN=s${serialNo}`,
      })
      const script = async (store: ReturnType<typeof p.createMemoryStore>) => {
        const out: unknown[] = []
        const replacer = (_k: string, v: unknown) =>
          v instanceof CryptoKey ? `${v.type}:${v.extractable}:${v.usages.join(',')}` : v
        const step = async (work: () => Promise<unknown>) => {
          const error = await p.failure(async () => out.push(JSON.stringify(await work(), replacer)))
          if (error) out.push({ code: error.code ?? error.name, field: error.field, status: error.status })
        }
        out.push(store.keeps)
        await step(() => store.listCas())
        await step(() => store.addCa(sub))
        await step(() => store.addCa(root, [rec('0b', 3), rec('0A', 3), rec('05', 1), rec('05', 2)]))
        await step(() => store.listCas())
        await step(() => store.loadCa(root.id))
        await step(() => store.listIssued(root.id))
        await step(() => store.getIssued(root.id, '0a'))
        await step(() => store.getIssued(root.id, 'ff'))
        await step(() => store.getIssued(root.id, 'not hex'))
        await step(() => store.getIssued('bad id!', '0a'))
        await step(() => store.addIssued(root.id, rec('0C', 0)))
        await step(() => store.addIssued(sub.id, rec('0D', 0)))
        await step(() => store.addIssued(root.id, { ...rec('0E', 0), subject: 5 as never }))
        await step(() =>
          store.updateCa(root.id, (s) => ({
            ...s,
            revoked: [...s.revoked, { serialNo: '0A', reason: 'superseded', at: at(50) }],
          })),
        )
        await step(() => store.listIssued(root.id))
        await step(() => store.updateCa(root.id, (s) => ({ ...s, keys: sub.keys }) as never))
        await step(() => store.deleteCa(sub.id))
        await step(() => store.deleteCa(sub.id))
        await step(() => store.listIssued(sub.id))
        await step(() => store.addCa(sub, [rec('01', 0)]))
        await step(() => store.listCas())
        await step(() => store.listIssued(sub.id))
        await step(() => store.deleteCa(root.id))
        await step(() => store.addCa(root))
        await step(() => store.listIssued(root.id))
        await step(() => store.listCas())
        return out
      }
      return {
        memory: await script(p.createMemoryStore()),
        indexedDb: await script(await p.openIndexedDbStore({ name: 'contract' })),
      }
    })
    expect(answers.indexedDb).toEqual(answers.memory)
  })

  it('closes on request and on versionchange: later calls fail with PkiStorageError, deleteDatabase is not blocked', async () => {
    const result = await inPage(async (p) => {
      const a = await p.openIndexedDbStore({ name: 'closing' })
      const b = await p.openIndexedDbStore({ name: 'closing' })
      await a.listCas()
      a.close()
      a.close() // twice is harmless
      const closed = await p.failure(() => a.listCas())
      await p.deleteDatabase('closing') // b closes itself on versionchange, or this would wait forever
      const afterDelete = await p.failure(() => b.listCas())
      // A runtime without IndexedDB: shadow the page's for a moment.
      const own = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB') as PropertyDescriptor
      Object.defineProperty(globalThis, 'indexedDB', { value: undefined, configurable: true })
      const noIdb = await p.failure(() => p.openIndexedDbStore({ name: 'never-made' }))
      Object.defineProperty(globalThis, 'indexedDB', own)
      const restored = typeof indexedDB.open === 'function'
      return { closed, afterDelete, noIdb, restored }
    })
    expect(result.closed).toMatchObject({ code: 'ERR_PKI_STORAGE', causeName: 'InvalidStateError' })
    expect(result.afterDelete).toMatchObject({ code: 'ERR_PKI_STORAGE', causeName: 'InvalidStateError' })
    expect(result.noIdb).toMatchObject({ code: 'ERR_PKI_NOT_SUPPORTED' })
    expect(result.restored).toBe(true)
  })
})

describe('IndexedDB store: databases it did not make', () => {
  it('refuses a database of the same name made by someone else, or by a newer version', async () => {
    const result = await inPage(async (p) => {
      const make = (name: string, version: number) =>
        new Promise<void>((resolve, reject) => {
          const req = indexedDB.open(name, version)
          req.onupgradeneeded = () => req.result.createObjectStore('other')
          req.onsuccess = () => {
            req.result.close()
            resolve()
          }
          req.onerror = () => reject(req.error)
        })
      await p.deleteDatabase('foreign')
      await p.deleteDatabase('newer')
      await make('foreign', 1)
      await make('newer', 2)
      return {
        foreign: await p.failure(() => p.openIndexedDbStore({ name: 'foreign' })),
        newer: await p.failure(() => p.openIndexedDbStore({ name: 'newer' })),
        badName: await p.failure(() => p.openIndexedDbStore({ name: 5 as never })),
      }
    })
    expect(result.foreign).toMatchObject({ code: 'ERR_PKI_STORAGE' })
    expect(result.newer).toMatchObject({ code: 'ERR_PKI_STORAGE', causeName: 'VersionError' })
    expect(result.badName).toMatchObject({ name: 'TypeError' })
  })
})

describe('IndexedDB store: encrypted backups between Chromium and Node', () => {
  const passphrase = 'correct horse battery staple'

  it('moves a CA with its registry from Chromium to Node and back; each side issues', async () => {
    await inPage(async (p) => {
      await p.deleteDatabase('backup')
      await p.deleteDatabase('backup-restored')
    })
    // In Chromium: a root that may be backed up, one issued certificate, the backup.
    const fromPage = await inPage(async (p, pass) => {
      const store = await p.openIndexedDbStore({ name: 'backup' })
      const root = await p.createRootCa({ subject: { commonName: 'Travelling Root' }, store, allowBackup: true })
      const issued = await p.issueCertificate(root, { x509Parameters: { commonName: 'chromium.example' }, store })
      const text = await p.exportCaBackup(root, { passphrase: pass, store })
      return {
        text,
        rootId: root.id,
        rootCert: root.certificate as string,
        serialNo: issued.serialNo,
        scan: await p.scanDatabase('backup'),
      }
    }, passphrase)
    // With allowBackup the key is also kept sealed: bytes, but only the IV and the wrapped key.
    const sealed = fromPage.scan.binaries.map((b) => b.path.replace(/^cas\[.*?\]/, '')).sort()
    expect(sealed).toEqual(['.ca.sealedKey.iv', '.ca.sealedKey.wrapped'])
    expect(fromPage.scan.keys.filter((k) => k.type !== 'public').every((k) => !k.extractable)).toBe(true)
    expect(fromPage.scan.privatePem).toEqual([])
    expect(fromPage.text).not.toContain('PRIVATE KEY')

    // In Node: restore, check the registry came along, issue, verify against the original root, back up again.
    const memory = createMemoryStore()
    const restored = await importCaBackup(fromPage.text, { passphrase, store: memory })
    expect(restored.ca.id).toBe(fromPage.rootId)
    expect(restored.issued.map((r) => r.serialNo)).toEqual([fromPage.serialNo])
    const inNode = await issueCertificate(restored.ca, {
      x509Parameters: { commonName: 'node.example' },
      store: memory,
    })
    await verifyChain(inNode.certificate, { roots: [fromPage.rootCert], dnsName: 'node.example' })
    expect((await memory.listIssued(restored.ca.id)).map((e) => e.serialNo).sort()).toEqual(
      [fromPage.serialNo, inNode.serialNo].sort(),
    )
    const fromNode = await exportCaBackup(restored.ca, { passphrase, store: memory })

    // Back in Chromium, after a reload: a wrong passphrase adds nothing, the same id is refused where it is already
    // stored, and into a fresh database the CA restores with both registry entries and issues again.
    await reload()
    const back = await inPage(
      async (p, arg) => {
        const store = await p.openIndexedDbStore({ name: 'backup-restored' })
        const original = await p.openIndexedDbStore({ name: 'backup' })
        const emptyDump = await p.dumpDatabase('backup-restored')
        const wrong = await p.failure(() => p.importCaBackup(arg.text, { passphrase: 'not it', store }))
        const afterWrong = await p.dumpDatabase('backup-restored')
        const originalDump = await p.dumpDatabase('backup')
        const twice = await p.failure(() => p.importCaBackup(arg.text, { passphrase: arg.passphrase, store: original }))
        const originalAfter = await p.dumpDatabase('backup')
        const { ca, issued } = await p.importCaBackup(arg.text, { passphrase: arg.passphrase, store })
        const leaf = await p.issueCertificate(await store.loadCa(ca.id), {
          x509Parameters: { commonName: 'back.example' },
          store,
        })
        await p.verifyChain(leaf.certificate, { roots: [arg.rootCert], dnsName: 'back.example' })
        const loaded = await store.loadCa(ca.id)
        return {
          wrong,
          wrongChangedNothing: emptyDump === afterWrong,
          twice,
          twiceChangedNothing: originalDump === originalAfter,
          listed: (await store.listCas()).map((s) => s.id),
          imported: issued.map((r) => r.serialNo),
          registry: (await store.listIssued(ca.id)).map((e) => e.serialNo),
          leaf: leaf.certificate,
          leafSerial: leaf.serialNo,
          extractable: loaded.keys.privateKey.extractable,
          sealed: loaded.sealedKey !== undefined,
        }
      },
      { text: fromNode, passphrase, rootCert: fromPage.rootCert },
    )
    expect(back.wrong).toMatchObject({ code: 'ERR_PKI_ARGUMENT', field: 'passphrase' })
    expect(back.wrongChangedNothing).toBe(true)
    expect(back.twice).toMatchObject({ code: 'ERR_PKI_STATE' })
    expect(back.twiceChangedNothing).toBe(true)
    expect(back.listed).toEqual([fromPage.rootId])
    expect(back.imported.sort()).toEqual([fromPage.serialNo, inNode.serialNo].sort())
    expect(back.registry.sort()).toEqual([fromPage.serialNo, inNode.serialNo, back.leafSerial].sort())
    expect(back.extractable).toBe(false)
    expect(back.sealed).toBe(true)
    // The leaf made in Chromium verifies on Node against the root made in Chromium at the start.
    await verifyChain(back.leaf, { roots: [fromPage.rootCert], dnsName: 'back.example' })
  })
})
