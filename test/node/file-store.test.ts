/**
 * The file store (src/store/file.ts) on Node: layout, modes and encryption on disk (checked with OpenSSL), other
 * processes (killed at random while issuing; two issuing at once), stale and live locks, and a file system that fails
 * on its N-th mutating call. The CaStore contract itself runs in the conformance suite ('store: persistent').
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import * as fsp from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type CaStore,
  type CertificateAuthority,
  createCsr,
  createRootCa,
  createSubordinateCa,
  disableCa,
  enableCa,
  exportCaBackup,
  generateCrl,
  generateKeyPair,
  getCaCsr,
  importCaBackup,
  importCaCertificate,
  issueCertificate,
  parseCrl,
  revokeCertificate,
  signCsr,
  signSubordinateCa,
  verifyChain,
} from '../../src/index.ts'
import { openFileStore } from '../../src/store/file.ts'
import { type FileHandleLike, type FileSystem, processStart } from '../../src/store/file-io.ts'
import { mustRun, tool } from '../interop/tools.ts'
import { startThreads } from './fixtures/file-store-threads.ts'
import { repoRoot } from './testdata.ts'

const passphrase = 'correct horse battery staple'
/** PBKDF2 iterations for the tests' stores: the minimum, so that opening a store costs little. */
const iterations = 10_000
const x509Parameters = { commonName: 'leaf.example' }

const tempRoot = mkdtempSync(join(tmpdir(), 'pocket-ca-file-store-'))
afterAll(() => rmSync(tempRoot, { recursive: true, force: true }))
let dirCount = 0
/** A fresh path for a store directory (not created: openFileStore makes it). */
const freshDir = () => join(tempRoot, `store-${dirCount++}`)

const open = (dir: string, more: Partial<Parameters<typeof openFileStore>[1]> = {}) =>
  openFileStore(dir, { passphrase, iterations, ...more })

async function rejectsWith(p: Promise<unknown>, expected: Record<string, unknown>): Promise<unknown> {
  let error: unknown
  try {
    await p
  } catch (e) {
    error = e
  }
  expect(error, `expected a rejection with ${JSON.stringify(expected)}`).toBeDefined()
  expect(error).toMatchObject(expected)
  return error
}

interface TreeEntry {
  path: string
  type: 'file' | 'dir'
  mode: number
  content?: string
}

/** Every name under `dir` with its type, permission bits and content: what "the store is as it was" means on disk. */
async function snapshot(dir: string): Promise<TreeEntry[]> {
  const out: TreeEntry[] = []
  async function walk(rel: string): Promise<void> {
    for (const name of (await fsp.readdir(join(dir, rel))).sort()) {
      const path = rel ? `${rel}/${name}` : name
      const st = await fsp.lstat(join(dir, path))
      if (st.isDirectory()) {
        out.push({ path, type: 'dir', mode: st.mode & 0o777 })
        await walk(path)
      } else {
        const content = (await fsp.readFile(join(dir, path))).toString('base64')
        out.push({ path, type: 'file', mode: st.mode & 0o777, content })
      }
    }
  }
  await walk('')
  return out
}

/** The names under `dir` (recursively) that are not final: temporary files, lock files, trash. */
async function litter(dir: string): Promise<string[]> {
  return (await snapshot(dir)).map((e) => e.path).filter((p) => p.split('/').some((n) => n.startsWith('.')))
}

/** `node:fs/promises` with some calls replaced: to do something at an exact point of a store's work. */
function fsWith(over: Partial<FileSystem>): FileSystem {
  return { ...(fsp as unknown as FileSystem), ...over }
}

/** A process id that is certainly dead: a child that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''])
  await new Promise((resolve) => child.on('exit', resolve))
  return child.pid as number
}

describe('file store: layout, files on disk, passphrase', () => {
  it('keeps a CA as ca.json + encrypted key.pem + issued/, all 0600 in 0700 directories, and reloads it', async () => {
    const dir = freshDir()
    const store = await open(dir)
    expect(store.keeps).toBe('encrypted-pkcs8')
    const root = await createRootCa({ subject: { commonName: 'File Root' }, store })
    const pending = await createSubordinateCa({ subject: { commonName: 'File Sub' }, store })
    const leaf = await issueCertificate(root, { x509Parameters, store })

    // A second instance (as another process would) sees the same CAs, oldest first, and can use them.
    const again = await open(dir)
    expect((await again.listCas()).map((s) => [s.id, s.status])).toEqual([
      [root.id, 'ACTIVE'],
      [pending.id, 'PENDING_CERTIFICATE'],
    ])
    const loaded = await again.loadCa(root.id)
    expect(loaded.keys.privateKey.extractable).toBe(false)
    expect(loaded.sealedKey).toBeDefined()
    expect(loaded.certificate).toBe(root.certificate)
    const sub = await importCaCertificate(
      await again.loadCa(pending.id),
      await signSubordinateCa(loaded, await getCaCsr(pending)),
      [root.certificate as string],
      { store: again },
    )
    const subLeaf = await issueCertificate(sub, { x509Parameters, store: again })
    const verified = await verifyChain(subLeaf.certificate, {
      roots: [root.certificate as string],
      intermediates: [sub.certificate as string],
      dnsName: 'leaf.example',
    })
    expect(verified.chain.length).toBe(3)
    await revokeCertificate(loaded, leaf.serialNo, 'keyCompromise', { store: again })
    expect((await store.getIssued(root.id, leaf.serialNo)).status).toBe('REVOKED')
    const { crl } = await generateCrl(root, { store })
    expect(parseCrl(crl).revoked.map((r) => r.serialNo)).toEqual([leaf.serialNo])
    expect((await again.loadCa(root.id)).crlNumber).toBe(1)

    const tree = await snapshot(dir)
    const names = tree.map((e) => e.path)
    const hex = leaf.serialNo.replaceAll(':', '')
    expect(names).toEqual(
      expect.arrayContaining([
        'store.json',
        `${root.id}/ca.json`,
        `${root.id}/key.pem`,
        `${root.id}/issued`,
        `${root.id}/issued/${hex}.json`,
      ]),
    )
    expect(await litter(dir)).toEqual([])
    expect((await fsp.stat(dir)).mode & 0o777).toBe(0o700)
    for (const e of tree) expect([e.path, e.mode]).toEqual([e.path, e.type === 'dir' ? 0o700 : 0o600])
    const caJson = JSON.parse(readFileSync(join(dir, root.id, 'ca.json'), 'utf8'))
    expect(caJson.ca.id).toBe(root.id)
    expect(caJson.ca.revoked.map((r: { serialNo: string }) => r.serialNo)).toEqual([leaf.serialNo])
    expect(typeof caJson.publicKey).toBe('string')
    expect(JSON.parse(readFileSync(join(dir, root.id, 'issued', `${hex}.json`), 'utf8')).certificate).toBe(
      leaf.certificate,
    )

    // No key in the clear anywhere; key.pem opens in OpenSSL with the store passphrase and only with it.
    for (const e of tree) {
      if (e.content)
        expect(Buffer.from(e.content, 'base64').toString('latin1')).not.toMatch(/BEGIN (EC |RSA )?PRIVATE KEY/)
    }
    const keyPath = join(dir, root.id, 'key.pem')
    expect(readFileSync(keyPath, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/)
    expect(tool('openssl', ['pkey', '-in', keyPath, '-passin', 'pass:wrong', '-noout']).status).not.toBe(0)
    const pub = mustRun('openssl', ['pkey', '-in', keyPath, '-passin', `pass:${passphrase}`, '-pubout']).stdout
    const certPub = tool('openssl', ['x509', '-pubkey', '-noout'], { input: root.certificate as string }).stdout
    expect(pub).toBe(certPub)
  })

  it('refuses a wrong passphrase on opening and on loading, and a CA whose key cannot be exported', async () => {
    const dir = freshDir()
    const store = await open(dir)
    const root = await createRootCa({ subject: { commonName: 'Pass Root' }, store })
    await rejectsWith(open(dir, { passphrase: 'wrong' }), { code: 'ERR_PKI_ARGUMENT', field: 'passphrase' })

    // A CA directory moved in from a store with another passphrase: its key does not open.
    const other = freshDir()
    const otherStore = await open(other, { passphrase: 'another passphrase' })
    await fsp.cp(join(dir, root.id), join(other, root.id), { recursive: true })
    expect((await otherStore.listCas()).map((s) => s.id)).toEqual([root.id])
    await rejectsWith(otherStore.loadCa(root.id), { code: 'ERR_PKI_ARGUMENT', field: 'passphrase' })

    const unsealed = await createRootCa({ subject: { commonName: 'Unsealed' } })
    await rejectsWith(store.addCa(unsealed), { code: 'ERR_PKI_STATE' })
    await rejectsWith(store.addCa(root), { code: 'ERR_PKI_STATE' })
    await rejectsWith(store.loadCa('nope'), { code: 'ERR_PKI_NOT_FOUND' })
    await rejectsWith(store.deleteCa('nope'), { code: 'ERR_PKI_NOT_FOUND' })
    await rejectsWith(
      store.addIssued('nope', { serialNo: '01', certificate: '', issuedAt: '', notAfter: '', subject: '' }),
      {
        code: 'ERR_PKI_NOT_FOUND',
      },
    )
    // A key.pem swapped for another CA's (same passphrase) is found out against the public key in ca.json.
    const second = await createRootCa({ subject: { commonName: 'Second Root' }, store })
    await fsp.copyFile(join(dir, second.id, 'key.pem'), join(dir, root.id, 'key.pem'))
    await rejectsWith((await open(dir)).loadCa(root.id), { code: 'ERR_PKI_KEY_MISMATCH' })
    await rejectsWith(open(dir, { passphrase: '' }), { code: 'ERR_PKI_ARGUMENT', field: 'passphrase' })
  })

  it('takes 10,000..10,000,000 PBKDF2 iterations: a TypeError for a non-number, else PkiArgumentError', async () => {
    const dir = freshDir()
    for (const iterations of [9_999, 1000, 10_000.5, 10_000_001, Number.NaN, Number.POSITIVE_INFINITY, -10_000]) {
      await rejectsWith(open(dir, { iterations }), { code: 'ERR_PKI_ARGUMENT', field: 'iterations' })
    }
    for (const iterations of ['10000', null, 10_000n, {}]) {
      const error = await rejectsWith(open(dir, { iterations: iterations as unknown as number }), {})
      expect(error, String(iterations)).toBeInstanceOf(TypeError)
    }
    // Nothing was written by a refused open.
    await expect(fsp.stat(dir)).rejects.toMatchObject({ code: 'ENOENT' })
    await open(dir, { iterations: 10_000 })
  })

  it('hands out copies of the keys it keeps: a caller changing its record changes nothing in the store', async () => {
    const dir = freshDir()
    const store = await open(dir)
    const ca = await createRootCa({ subject: { commonName: 'Copy Root' }, allowBackup: true })
    await store.addCa(ca)
    const sealed = ca.sealedKey as NonNullable<typeof ca.sealedKey>
    const iv = sealed.iv.slice()
    const wrapped = sealed.wrapped.slice()
    // The record given to addCa stays the caller's.
    sealed.iv.fill(0)
    sealed.wrapped.fill(0)
    const loaded = await store.loadCa(ca.id)
    expect(loaded.sealedKey?.iv).toEqual(iv)
    expect(loaded.sealedKey?.wrapped).toEqual(wrapped)
    // Nor do the records loadCa and updateCa return share anything with the store's cache.
    const updated = await store.updateCa(ca.id, (s) => ({ ...s, crlNumber: 3 }))
    for (const r of [loaded, updated]) {
      expect(r.sealedKey).not.toBe((await store.loadCa(ca.id)).sealedKey)
      r.sealedKey?.iv.fill(0)
      r.sealedKey?.wrapped.fill(0)
      r.keys.privateKey = r.keys.publicKey
    }
    const again = await store.loadCa(ca.id)
    expect(again.sealedKey?.iv).toEqual(iv)
    expect(again.sealedKey?.wrapped).toEqual(wrapped)
    expect(again.keys.privateKey.type).toBe('private')
    // The sealed key still unseals: a backup of it restores a CA that issues.
    const backup = await exportCaBackup(again, { passphrase, iterations })
    const { ca: restored } = await importCaBackup(backup, { passphrase })
    expect((await issueCertificate(restored, { x509Parameters })).certificate).toMatch(/^-----BEGIN CERTIFICATE-----/)
  })

  it('updateCa refuses, writing nothing, when another CA whose key does not open took the id', async () => {
    const dir = freshDir()
    let beforeLock: (() => Promise<void>) | undefined
    const store = await open(dir, {
      fs: fsWith({
        // Runs once, just before this store takes a CA lock: after updateCa got its keys, before it reads ca.json.
        link: async (from, to) => {
          const run = to.endsWith('/lock') ? beforeLock : undefined
          if (run) beforeLock = undefined
          await run?.()
          await fsp.link(from, to)
        },
      }),
    })
    const root = await createRootCa({ subject: { commonName: 'Replaced Root' }, store })
    const files = ['ca.json', 'key.pem']
    const original = await Promise.all(files.map((f) => fsp.readFile(join(dir, root.id, f))))
    /** Another CA under the same id, as if another process had deleted the CA and added this one meanwhile. */
    const impostor = async (impostorPassphrase: string) => {
      const otherDir = freshDir()
      const other = await open(otherDir, { passphrase: impostorPassphrase })
      const ca = await createRootCa({ subject: { commonName: 'Impostor' }, allowBackup: true })
      await other.addCa({ ...ca, id: root.id })
      beforeLock = async () => {
        for (const f of files) await fsp.copyFile(join(otherDir, root.id, f), join(dir, root.id, f))
      }
      return { ca, caJson: join(otherDir, root.id, 'ca.json') }
    }

    // Its key is under another passphrase: the update is refused before it writes.
    const locked = await impostor('another passphrase')
    await rejectsWith(
      store.updateCa(root.id, (s) => ({ ...s, crlNumber: 42 })),
      { code: 'ERR_PKI_ARGUMENT', field: 'passphrase' },
    )
    expect(beforeLock).toBeUndefined()
    expect(await fsp.readFile(join(dir, root.id, 'ca.json'))).toEqual(await fsp.readFile(locked.caJson))
    expect(await litter(dir)).toEqual([])

    // Its key opens: the update goes to the CA now under the id, and returns that CA's keys.
    for (const [i, f] of files.entries()) await fsp.writeFile(join(dir, root.id, f), original[i] as Uint8Array)
    expect((await store.loadCa(root.id)).certificate).toBe(root.certificate)
    const open2 = await impostor(passphrase)
    const updated = await store.updateCa(root.id, (s) => ({ ...s, crlNumber: 42 }))
    expect(updated.crlNumber).toBe(42)
    expect(updated.certificate).toBe(open2.ca.certificate)
    const spki = async (k: CryptoKey) => new Uint8Array(await crypto.subtle.exportKey('spki', k))
    expect(await spki(updated.keys.publicKey)).toEqual(await spki(open2.ca.keys.publicKey))
  })

  it('ignores temporary files, reports damaged files as storage errors, deletes a CA in one step', async () => {
    const dir = freshDir()
    const store = await open(dir)
    const root = await createRootCa({ subject: { commonName: 'Litter Root' }, store })
    const a = await issueCertificate(root, { x509Parameters, store })
    // What a live writer in the middle of its work looks like (pid of this process: never cleaned up under it).
    const live = `.tmp-${process.pid}-0123456789abcdef`
    await fsp.writeFile(join(dir, root.id, 'issued', `${live}.0A0B.json`), '{"half')
    await fsp.writeFile(join(dir, root.id, `${live}.ca.json`), '{"half')
    await fsp.mkdir(join(dir, `${live}`))
    expect((await store.listIssued(root.id)).map((e) => e.serialNo)).toEqual([a.serialNo])
    expect((await store.listCas()).map((s) => s.id)).toEqual([root.id])
    expect((await store.loadCa(root.id)).id).toBe(root.id)

    const entry = join(dir, root.id, 'issued', `${a.serialNo.replaceAll(':', '')}.json`)
    const good = await fsp.readFile(entry)
    await fsp.writeFile(entry, '{"certificate": 1}')
    await rejectsWith(store.listIssued(root.id), { code: 'ERR_PKI_STORAGE' })
    await rejectsWith(store.getIssued(root.id, a.serialNo), { code: 'ERR_PKI_STORAGE' })
    await fsp.writeFile(entry, good)

    await store.deleteCa(root.id)
    await rejectsWith(store.loadCa(root.id), { code: 'ERR_PKI_NOT_FOUND' })
    await rejectsWith(store.listIssued(root.id), { code: 'ERR_PKI_NOT_FOUND' })
    expect(await store.listCas()).toEqual([])
    expect((await fsp.readdir(dir)).sort()).toEqual([live, 'store.json'])
  })
})

describe('file store: locks', () => {
  it('releases only its own lock: a lock file it cannot read, or finds gone, is left as it is', async () => {
    const dir = freshDir()
    let onLockRead: ((path: string) => Promise<void>) | undefined
    const store = await open(dir, {
      // Short: a lock that should be broken at once but is not fails the test with this time limit.
      lockTimeout: 2000,
      fs: fsWith({
        // A writer that is not contended reads its lock file only to release it.
        readFile: async (path) => {
          const run = path.endsWith('/lock') ? onLockRead : undefined
          if (run) onLockRead = undefined
          await run?.(path)
          return fsp.readFile(path)
        },
      }),
    })
    const root = await createRootCa({ subject: { commonName: 'Release Root' }, store })
    const lock = join(dir, root.id, 'lock')
    const theirs = JSON.stringify({ pid: process.ppid, token: 'feedfacefeedface' })

    // Gone when read, and taken by another process before the unlink: that lock is theirs.
    onLockRead = async (path) => {
      await fsp.unlink(path)
      await fsp.writeFile(path, theirs)
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' })
    }
    await store.updateCa(root.id, (s) => ({ ...s, crlNumber: 1 }))
    expect(onLockRead).toBeUndefined()
    expect(await fsp.readFile(lock, 'utf8')).toBe(theirs)
    await fsp.unlink(lock)

    // Unreadable: whose it is cannot be known, so it stays; to this store it is its own lock no longer held (its
    // nonce, a released token), and the next write breaks it at once.
    onLockRead = async () => {
      throw Object.assign(new Error('EIO: i/o error (injected)'), { code: 'EIO' })
    }
    await store.updateCa(root.id, (s) => ({ ...s, crlNumber: 2 }))
    expect(onLockRead).toBeUndefined()
    const left = JSON.parse(await fsp.readFile(lock, 'utf8'))
    expect(left.pid).toBe(process.pid)
    expect((await store.updateCa(root.id, (s) => ({ ...s, crlNumber: 3 }))).crlNumber).toBe(3)
    expect(await litter(dir)).toEqual([])
  })

  it.runIf(process.platform === 'linux')(
    'judges a lock with this pid by its nonce and process start: another store is alive, an earlier process dead',
    async () => {
      const dir = freshDir()
      const store = await open(dir, { lockTimeout: 300 })
      const root = await createRootCa({ subject: { commonName: 'Pid Root' }, store })
      const lock = join(dir, root.id, 'lock')
      const start = await processStart(fsp as unknown as FileSystem)
      expect(start).toMatch(/^[0-9a-f-]+\/\d+$/)
      const [bootId] = (start as string).split('/')
      const mine = { pid: process.pid, nonce: '0123456789abcdef', token: 'feedfacefeedface' }

      // Another store instance or thread of this process: alive, so a writer waits for it and times out.
      for (const content of [{ ...mine, start }, mine]) {
        await fsp.writeFile(lock, JSON.stringify(content))
        const error = await rejectsWith(
          store.updateCa(root.id, (s) => ({ ...s, crlNumber: 7 })),
          { code: 'ERR_PKI_STORAGE' },
        )
        expect((error as Error).message).toContain(`held by pid ${process.pid}: this process`)
        expect(await fsp.readFile(lock, 'utf8')).toBe(JSON.stringify(content))
      }
      expect((await store.loadCa(root.id)).crlNumber).toBe(0)

      // An earlier process that had this pid (same boot, another start): dead, its lock broken at once.
      await fsp.writeFile(lock, JSON.stringify({ ...mine, start: `${bootId}/1` }))
      expect((await store.updateCa(root.id, (s) => ({ ...s, crlNumber: 8 }))).crlNumber).toBe(8)
      expect(await litter(dir)).toEqual([])
    },
  )

  it('breaks a lock whose holder died, and cleans up what it was writing', async () => {
    const dir = freshDir()
    // A short time limit: had the dead holder's lock been respected, the issuance would fail with it.
    const store = await open(dir, { lockTimeout: 2000 })
    const root = await createRootCa({ subject: { commonName: 'Stale Root' }, store })
    const pid = await deadPid()
    const caDir = join(dir, root.id)
    await fsp.writeFile(join(caDir, 'lock'), JSON.stringify({ pid, token: 'feedfacefeedface' }))
    await fsp.writeFile(join(caDir, 'issued', `.tmp-${pid}-feedfacefeedface.0A0B.json`), '{"half')
    await fsp.writeFile(join(caDir, `.tmp-${pid}-feedfacefeedface.ca.json`), '{"half')
    const leaf = await issueCertificate(root, { x509Parameters, store })
    expect((await store.listIssued(root.id)).map((e) => e.serialNo)).toEqual([leaf.serialNo])
    expect(await litter(dir)).toEqual([])
  })

  it('waits for a live holder, up to the time limit, then gives a PkiStorageError', async () => {
    const dir = freshDir()
    const store = await open(dir, { lockTimeout: 300 })
    const root = await createRootCa({ subject: { commonName: 'Live Root' }, store })
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'])
    try {
      const lock = join(dir, root.id, 'lock')
      await fsp.writeFile(lock, JSON.stringify({ pid: sleeper.pid, token: 'feedfacefeedface' }))
      const before = await snapshot(dir)
      await rejectsWith(
        store.updateCa(root.id, (s) => ({ ...s, crlNumber: 7 })),
        { code: 'ERR_PKI_STORAGE' },
      )
      expect(await snapshot(dir)).toEqual(before)
      // The holder lets go while a writer waits: the writer goes ahead.
      const waiting = store.updateCa(root.id, (s) => ({ ...s, crlNumber: 8 }))
      setTimeout(() => void fsp.unlink(lock), 100)
      expect((await waiting).crlNumber).toBe(8)
    } finally {
      sleeper.kill('SIGKILL')
    }
  })

  it('serializes many writers in one process, across store instances', async () => {
    const dir = freshDir()
    const one = await open(dir)
    const two = await open(dir)
    const root = await createRootCa({ subject: { commonName: 'Busy Root' }, store: one })
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        i % 3 === 2
          ? (i % 2 ? one : two).updateCa(root.id, (s) => ({ ...s, crlNumber: s.crlNumber + 1 }))
          : issueCertificate(root, { x509Parameters: { commonName: `c${i}.example` }, store: i % 2 ? one : two }),
      ),
    )
    expect(results.length).toBe(24)
    expect((await one.listIssued(root.id)).length).toBe(16)
    expect((await two.loadCa(root.id)).crlNumber).toBe(8)
    expect(await litter(dir)).toEqual([])
  })
})

/** An fs that fails (ENOSPC, before doing anything) on its N-th mutating call once armed. */
function faultyFs(): { fs: FileSystem; arm(n: number): void; disarm(): void; fired(): boolean } {
  let count = 0
  let failAt = 0
  let didFire = false
  const fail = (what: string, path: string) => {
    if (failAt === 0) return
    count++
    if (count === failAt) {
      didFire = true
      throw Object.assign(new Error(`ENOSPC: no space left on device (injected: ${what} ${path})`), {
        code: 'ENOSPC',
      })
    }
  }
  const handle = (h: fsp.FileHandle, path: string): FileHandleLike => ({
    writeFile: async (data) => {
      fail('write', path)
      await h.writeFile(data)
    },
    sync: async () => {
      fail('fsync', path)
      await h.sync()
    },
    close: () => h.close(),
  })
  const fs: FileSystem = {
    open: async (path, flags, mode) => {
      if (flags !== 'r') fail('open', path)
      return handle(await fsp.open(path, flags, mode), path)
    },
    readFile: (path) => fsp.readFile(path),
    readdir: (path) => fsp.readdir(path),
    stat: (path) => fsp.stat(path),
    mkdir: async (path, o) => {
      fail('mkdir', path)
      return fsp.mkdir(path, o)
    },
    rename: async (from, to) => {
      fail('rename', from)
      await fsp.rename(from, to)
    },
    link: async (from, to) => {
      fail('link', to)
      await fsp.link(from, to)
    },
    unlink: async (path) => {
      fail('unlink', path)
      await fsp.unlink(path)
    },
    rm: async (path, o) => {
      fail('rm', path)
      await fsp.rm(path, o)
    },
  }
  return {
    fs,
    arm: (n) => {
      count = 0
      failAt = n
      didFire = false
    },
    disarm: () => {
      failAt = 0
    },
    fired: () => didFire,
  }
}

describe('file store: a file system failing on its N-th mutating call', () => {
  let dir: string
  let good: CaStore
  let faulty: ReturnType<typeof faultyFs>
  let bad: CaStore
  let root: CertificateAuthority

  beforeAll(async () => {
    dir = freshDir()
    good = await open(dir)
    faulty = faultyFs()
    bad = await open(dir, { fs: faulty.fs })
    root = await createRootCa({ subject: { commonName: 'Fault Root' }, store: good })
  })

  /**
   * Runs `operation` with the N-th mutating call failing, for N = 1, 2, ... until it succeeds with no failure
   * injected. Each run either succeeds or throws a PkiStorageError and leaves the tree byte for byte as it was.
   */
  async function everyFailure<T>(
    name: string,
    operation: (store: CaStore, prepared: T) => Promise<unknown>,
    prepare: () => Promise<T> = async () => undefined as T,
  ): Promise<number> {
    let prepared = await prepare()
    for (let n = 1; n < 200; n++) {
      const before = await snapshot(dir)
      faulty.arm(n)
      let error: unknown
      try {
        await operation(bad, prepared)
      } catch (e) {
        error = e
      } finally {
        faulty.disarm()
      }
      if (error === undefined) {
        // A failure of a best-effort step (a directory fsync, dropping a temporary name) does not fail the write.
        if (!faulty.fired()) return n
        prepared = await prepare()
        continue
      }
      expect([name, n, (error as { code?: string }).code], (error as Error).stack).toEqual([name, n, 'ERR_PKI_STORAGE'])
      expect(faulty.fired()).toBe(true)
      expect(await snapshot(dir), `${name} failing at call ${n} changed the files`).toEqual(before)
    }
    throw new Error(`${name} never succeeded`)
  }

  it('store methods: addCa, updateCa, addIssued, deleteCa', async () => {
    let k = 0
    const calls = {
      addCa: await everyFailure('addCa', async (store) =>
        store.addCa(await createRootCa({ subject: { commonName: `Added ${k++}` }, allowBackup: true }), [
          {
            serialNo: `0A${(k + 16).toString(16).padStart(4, '0')}`,
            certificate: 'pem',
            issuedAt: '2026-01-01T00:00:00.000Z',
            notAfter: '2027-01-01T00:00:00.000Z',
            subject: 'CN=x',
          },
        ]),
      ),
      updateCa: await everyFailure('updateCa', (store) =>
        store.updateCa(root.id, (s) => ({ ...s, crlNumber: s.crlNumber + 1 })),
      ),
      addIssued: await everyFailure('addIssued', (store) =>
        store.addIssued(root.id, {
          serialNo: `7F${(k++).toString(16).padStart(4, '0')}`,
          certificate: 'pem',
          issuedAt: '2026-01-01T00:00:00.000Z',
          notAfter: '2027-01-01T00:00:00.000Z',
          subject: 'CN=x',
        }),
      ),
      deleteCa: await everyFailure(
        'deleteCa',
        (store, doomed) => store.deleteCa(doomed.id),
        () => createRootCa({ subject: { commonName: `Doomed ${k++}` }, store: good }),
      ),
    }
    // Each write takes several mutating calls (lock, temporary file, write, fsync, rename or link, unlock).
    for (const n of Object.values(calls)) expect(n).toBeGreaterThan(4)
    console.info(`file store fault injection, first clean run at call N: ${JSON.stringify(calls)}`)
    const reopened = await open(dir)
    for (const s of await reopened.listCas()) await reopened.listIssued(s.id)
    expect((await good.loadCa(root.id)).crlNumber).toBeGreaterThan(0)
  })

  it('CA functions: create, import, issue, sign a CSR, revoke, CRL, disable, enable', async () => {
    const calls: Record<string, number> = {}
    calls.createRootCa = await everyFailure('createRootCa', (store) =>
      createRootCa({ subject: { commonName: 'Another Root' }, store }),
    )
    calls.createSubordinateCa = await everyFailure('createSubordinateCa', (store) =>
      createSubordinateCa({ subject: { commonName: 'Another Sub' }, store }),
    )
    calls.importCaCertificate = await everyFailure(
      'importCaCertificate',
      (store, { pending, certificate }) =>
        importCaCertificate(pending, certificate, [root.certificate as string], { store }),
      async () => {
        const pending = await createSubordinateCa({ subject: { commonName: 'Pending Sub' }, store: good })
        return { pending, certificate: await signSubordinateCa(root, await getCaCsr(pending)) }
      },
    )
    calls.issueCertificate = await everyFailure('issueCertificate', (store) =>
      issueCertificate(root, { x509Parameters, store }),
    )
    const csr = await createCsr(await generateKeyPair('EC256'), { commonName: 'csr.example' })
    calls.signCsr = await everyFailure('signCsr', (store) => signCsr(root, csr, { store }))
    calls.revokeCertificate = await everyFailure(
      'revokeCertificate',
      (store, serialNo) => revokeCertificate(root, serialNo, 'superseded', { store }),
      async () => (await issueCertificate(root, { x509Parameters, store: good })).serialNo,
    )
    calls.generateCrl = await everyFailure('generateCrl', (store) => generateCrl(root, { store }))
    // A write that succeeded despite a failed best-effort step is done: set the status back before the next try.
    const withStatus = (status: string) => async () => {
      const current = (await good.loadCa(root.id)).status
      if (current !== status) await (status === 'ACTIVE' ? enableCa : disableCa)(root, { store: good })
    }
    calls.disableCa = await everyFailure('disableCa', (store) => disableCa(root, { store }), withStatus('ACTIVE'))
    calls.enableCa = await everyFailure('enableCa', (store) => enableCa(root, { store }), withStatus('DISABLED'))
    console.info(`file store fault injection, first clean run at call N: ${JSON.stringify(calls)}`)
    // And everything still works, through either instance.
    const leaf = await issueCertificate(root, { x509Parameters, store: bad })
    expect((await good.getIssued(root.id, leaf.serialNo)).status).toBe('ISSUED')
    expect((await good.loadCa(root.id)).status).toBe('ACTIVE')
    const reopened = await open(dir)
    for (const s of await reopened.listCas()) await reopened.listIssued(s.id)
  })
})

describe('file store: other processes and threads', () => {
  let child: string
  let worker: string
  let out: string | undefined
  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true })
  })

  beforeAll(async () => {
    // Inside the checkout, so nothing is written outside it but the stores; removed afterwards.
    mkdirSync(join(repoRoot, 'node_modules/.cache'), { recursive: true })
    out = mkdtempSync(join(repoRoot, 'node_modules/.cache/file-store-'))
    child = join(out, 'file-store-child.mjs')
    worker = join(out, 'file-store-worker.mjs')
    await build({
      entryPoints: ['child', 'worker'].map((f) => join(repoRoot, `test/node/fixtures/file-store-${f}.ts`)),
      outdir: out,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
    })
  })

  interface Run {
    process: ChildProcess
    /** Complete lines printed so far. */
    lines: string[]
    ready: Promise<void>
    exit: Promise<{ code: number | null; signal: string | null; stderr: string }>
  }

  function runChild(dir: string, caId: string, count: number, parallel: number): Run {
    const proc = spawn(process.execPath, [
      child,
      dir,
      caId,
      passphrase,
      String(iterations),
      String(count),
      String(parallel),
    ])
    const lines: string[] = []
    let pending = ''
    let stderr = ''
    let onReady: () => void = () => {}
    const ready = new Promise<void>((resolve) => {
      onReady = resolve
    })
    proc.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8')
      const parts = pending.split('\n')
      pending = parts.pop() ?? ''
      for (const line of parts) {
        lines.push(line)
        if (line === 'ready') onReady()
      }
    })
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    const exit = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => {
      proc.on('close', (code, signal) => {
        onReady()
        resolve({ code, signal, stderr })
      })
    })
    return { process: proc, lines, ready, exit }
  }

  const serialsOf = (lines: string[], verb: string) =>
    lines.filter((l) => l.startsWith(`${verb} `)).map((l) => l.slice(verb.length + 1))

  /** Everything a process reported as done is in the store, every registry file parses, the CA still works. */
  async function checkStore(dir: string, caId: string, issued: string[], revoked: string[]): Promise<void> {
    const store = await open(dir)
    const entries = await store.listIssued(caId)
    const status = new Map(entries.map((e) => [e.serialNo, e.status]))
    for (const s of issued) expect(status.has(s), `issued ${s} is missing`).toBe(true)
    for (const s of revoked) expect(status.get(s), `revoked ${s}`).toBe('REVOKED')
    for (const name of await fsp.readdir(join(dir, caId, 'issued'))) {
      if (!name.startsWith('.')) JSON.parse(await fsp.readFile(join(dir, caId, 'issued', name), 'utf8'))
    }
    const ca = await store.loadCa(caId)
    expect(new Set(ca.revoked.map((r) => r.serialNo)).size).toBe(ca.revoked.length)
    const leaf = await issueCertificate(ca, { x509Parameters, store })
    expect((await store.getIssued(caId, leaf.serialNo)).certificate).toBe(leaf.certificate)
  }

  it('a process killed at random while issuing never loses a completed issuance or damages the store', async () => {
    const dir = freshDir()
    const store = await open(dir)
    const root = await createRootCa({ subject: { commonName: 'Kill Root' }, store })
    const issued: string[] = []
    const revoked: string[] = []
    const started = Date.now()
    let kills = 0
    let sawLock = false
    while (kills < 20 && Date.now() - started < 40_000) {
      const run = runChild(dir, root.id, 0, 4)
      await run.ready
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 150))
      // Whether the victim held the CA's lock at the moment of death (then the next writer must break it).
      sawLock ||= await fsp.stat(join(dir, root.id, 'lock')).then(
        () => true,
        () => false,
      )
      run.process.kill('SIGKILL')
      const { signal, stderr } = await run.exit
      expect(signal, stderr).toBe('SIGKILL')
      kills++
      issued.push(...serialsOf(run.lines, 'issued'))
      revoked.push(...serialsOf(run.lines, 'revoked'))
      await checkStore(dir, root.id, issued, revoked)
      // Reopening and one write cleaned up whatever the victim was in the middle of.
      expect(await litter(dir)).toEqual([])
    }
    expect(kills).toBeGreaterThanOrEqual(15)
    expect(issued.length).toBeGreaterThan(kills)
    console.info(
      `file store kill loop: ${kills} kills, ${issued.length} issued, ${revoked.length} revoked, ` +
        `lock seen held at a kill: ${sawLock}, ${Date.now() - started} ms`,
    )
  })

  it('two processes issuing from one CA at once: distinct serials, nothing lost, revocations all kept', async () => {
    const dir = freshDir()
    const store = await open(dir)
    const root = await createRootCa({ subject: { commonName: 'Shared Root' }, store })
    // Both start by finding a lock whose holder died: they race to break it, and only one may.
    await fsp.writeFile(join(dir, root.id, 'lock'), JSON.stringify({ pid: await deadPid(), token: 'feedfacefeedface' }))
    const runs = [runChild(dir, root.id, 50, 5), runChild(dir, root.id, 50, 5)]
    const exits = await Promise.all(runs.map((r) => r.exit))
    for (const e of exits) expect([e.code, e.stderr]).toEqual([0, ''])
    const issued = runs.flatMap((r) => serialsOf(r.lines, 'issued'))
    const revoked = runs.flatMap((r) => serialsOf(r.lines, 'revoked'))
    expect(issued.length).toBe(100)
    expect(new Set(issued).size).toBe(100)
    expect(revoked.length).toBe(20)
    const entries = await store.listIssued(root.id)
    expect(entries.map((e) => e.serialNo).sort()).toEqual([...issued].sort())
    const ca = await store.loadCa(root.id)
    expect(ca.revoked.map((r) => r.serialNo).sort()).toEqual([...revoked].sort())
    expect(entries.filter((e) => e.status === 'REVOKED').length).toBe(20)
    await checkStore(dir, root.id, issued, revoked)
    expect(await litter(dir)).toEqual([])
  })

  it('two worker threads (one pid, a store each) revoking and updating one CA at once: no update lost', async () => {
    const dir = freshDir()
    const store = await open(dir)
    const root = await createRootCa({ subject: { commonName: 'Thread Root' }, store })
    const rounds = 5
    const perThread = 20
    const serials = (
      await Promise.all(
        Array.from({ length: rounds * 2 * perThread }, (_, i) =>
          issueCertificate(root, { x509Parameters: { commonName: `t${i}.example` }, store }),
        ),
      )
    ).map((c) => c.serialNo)
    const part = (round: number, thread: number) => serials.slice((round * 2 + thread) * perThread).slice(0, perThread)
    const started = Date.now()
    const threads = startThreads(worker, { dir, caId: root.id, passphrase, iterations }, [
      Array.from({ length: rounds }, (_, round) => part(round, 0)),
      Array.from({ length: rounds }, (_, round) => part(round, 1)),
    ])
    try {
      for (let round = 0; round < rounds; round++) {
        const before = await store.loadCa(root.id)
        const posted = { revoked: perThread, bumps: perThread }
        expect(await threads.round()).toEqual([posted, posted])
        // A lock broken under a live holder shows as a lost read-modify-write: a revocation or a bump missing.
        const after = await store.loadCa(root.id)
        expect(after.revoked.map((r) => r.serialNo).sort(), `round ${round}`).toEqual(
          [...before.revoked.map((r) => r.serialNo), ...part(round, 0), ...part(round, 1)].sort(),
        )
        expect(after.crlNumber, `round ${round}`).toBe(before.crlNumber + 2 * perThread)
      }
    } finally {
      await threads.stop()
    }
    expect(await litter(dir)).toEqual([])
    console.info(
      `file store, two worker threads: ${rounds} rounds of 2 x ${perThread} revocations + 2 x ${perThread} updates, ` +
        `${Date.now() - started} ms`,
    )
  })
})
