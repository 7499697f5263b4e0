/**
 * The file store on Deno (through Deno's `node:fs/promises`, `node:path` and `node:process`): a store in a temporary
 * folder, a CA added, reloaded by a second store instance, updated and listed; modes on disk; the passphrase check;
 * a lock left by a dead process broken; two worker threads (one pid, a store each) writing one CA at once.
 *
 *   deno test --allow-read --allow-write --allow-env --allow-run --no-prompt test/deno/file-store.test.ts
 *
 * Without --allow-run the store cannot check whether a lock's holder is alive: the stale-lock case then checks that
 * a write times out instead.
 */
import { join } from 'node:path'
import {
  createRootCa,
  createSubordinateCa,
  generateCrl,
  issueCertificate,
  parseCrl,
  revokeCertificate,
} from '../../src/index.ts'
import { openFileStore } from '../../src/store/file.ts'
import { deepEqual, equal, ok, rejects } from '../assert.ts'
import { startThreads } from '../node/fixtures/file-store-threads.ts'

const passphrase = 'correct horse battery staple'
const iterations = 10_000
const x509Parameters = { commonName: 'leaf.example' }

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: 'pocket-ca-file-store-' })
  try {
    await fn(join(dir, 'store'))
  } finally {
    await Deno.remove(dir, { recursive: true })
  }
}

async function walk(dir: string, rel = ''): Promise<{ path: string; mode: number; isDirectory: boolean }[]> {
  const out = []
  for await (const entry of Deno.readDir(join(dir, rel))) {
    const path = rel ? `${rel}/${entry.name}` : entry.name
    const st = await Deno.lstat(join(dir, path))
    out.push({ path, mode: (st.mode ?? 0) & 0o777, isDirectory: st.isDirectory })
    if (st.isDirectory) out.push(...(await walk(dir, path)))
  }
  return out
}

Deno.test('file store: add, reload in a second instance, update, list', async () => {
  await withTempDir(async (dir) => {
    const store = await openFileStore(dir, { passphrase, iterations })
    const root = await createRootCa({ subject: { commonName: 'Deno Root' }, store })
    const sub = await createSubordinateCa({ subject: { commonName: 'Deno Sub' }, store })
    const leaf = await issueCertificate(root, { x509Parameters, store })

    const again = await openFileStore(dir, { passphrase, iterations })
    deepEqual(
      (await again.listCas()).map((s) => [s.id, s.status]),
      [
        [root.id, 'ACTIVE'],
        [sub.id, 'PENDING_CERTIFICATE'],
      ],
    )
    const loaded = await again.loadCa(root.id)
    equal(loaded.keys.privateKey.extractable, false)
    equal(loaded.certificate, root.certificate)
    const updated = await again.updateCa(root.id, (s) => ({ ...s, settings: { ...s.settings, ocspUrl: 'http://o' } }))
    equal(updated.settings.ocspUrl, 'http://o')
    equal((await store.loadCa(root.id)).settings.ocspUrl, 'http://o')
    await revokeCertificate(loaded, leaf.serialNo, 'superseded', { store: again })
    const entries = await store.listIssued(root.id)
    deepEqual(
      entries.map((e) => [e.serialNo, e.status]),
      [[leaf.serialNo, 'REVOKED']],
    )
    equal(parseCrl((await generateCrl(root, { store })).crl).revoked[0]?.serialNo, leaf.serialNo)
    const second = await issueCertificate(loaded, { x509Parameters, store: again })
    equal((await store.getIssued(root.id, second.serialNo)).status, 'ISSUED')

    for (const e of await walk(dir)) {
      equal(e.mode, e.isDirectory ? 0o700 : 0o600, e.path)
      ok(!e.path.split('/').some((n) => n.startsWith('.')), `litter: ${e.path}`)
    }
    ok((await Deno.readTextFile(join(dir, root.id, 'key.pem'))).startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----'))

    await rejects(openFileStore(dir, { passphrase: 'wrong', iterations }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'passphrase',
    })
    await again.deleteCa(sub.id)
    deepEqual(
      (await store.listCas()).map((s) => s.id),
      [root.id],
    )
    await rejects(store.loadCa(sub.id), { code: 'ERR_PKI_NOT_FOUND' })
  })
})

Deno.test('file store: a lock left by a dead process is broken (with --allow-run: else it times out)', async () => {
  await withTempDir(async (dir) => {
    // Deno checks a pid with kill(pid, 0) only under --allow-run; without it a holder cannot be proven dead.
    const canCheck = (await Deno.permissions.query({ name: 'run' })).state === 'granted'
    const store = await openFileStore(dir, { passphrase, iterations, lockTimeout: canCheck ? 5000 : 200 })
    const root = await createRootCa({ subject: { commonName: 'Deno Stale Root' }, store })
    // A pid no process has: the largest one Linux can give out, or one below it that is free.
    let pid = 4_194_304
    if (canCheck) {
      const child = new Deno.Command(Deno.execPath(), { args: ['eval', ''], stdout: 'null', stderr: 'null' }).spawn()
      await child.status
      pid = child.pid
    }
    const lock = join(dir, root.id, 'lock')
    await Deno.writeTextFile(lock, JSON.stringify({ pid, token: 'feedfacefeedface' }))
    if (!canCheck) {
      await rejects(issueCertificate(root, { x509Parameters, store }), { code: 'ERR_PKI_STORAGE' })
      equal((await store.listIssued(root.id)).length, 0)
      // What the error message tells an operator to do.
      await Deno.remove(lock)
    }
    const started = Date.now()
    await issueCertificate(root, { x509Parameters, store })
    ok(Date.now() - started < 5000, 'not timed out')
    equal((await store.listIssued(root.id)).length, 1)
    const lockLeft = await Deno.stat(lock).then(
      () => true,
      () => false,
    )
    equal(lockLeft, false)
  })
})

Deno.test('file store: two worker threads (one pid, a store each) write one CA at once: no update lost', async () => {
  await withTempDir(async (dir) => {
    const store = await openFileStore(dir, { passphrase, iterations })
    const root = await createRootCa({ subject: { commonName: 'Deno Thread Root' }, store })
    const rounds = 3
    const perThread = 15
    const serials = (
      await Promise.all(
        Array.from({ length: rounds * 2 * perThread }, () => issueCertificate(root, { x509Parameters, store })),
      )
    ).map((c) => c.serialNo)
    const part = (round: number, thread: number) => serials.slice((round * 2 + thread) * perThread).slice(0, perThread)
    // The Node test's worker fixture, run as it is: Deno runs TypeScript.
    const worker = new URL('../node/fixtures/file-store-worker.ts', import.meta.url)
    const threads = startThreads(worker, { dir, caId: root.id, passphrase, iterations }, [
      Array.from({ length: rounds }, (_, round) => part(round, 0)),
      Array.from({ length: rounds }, (_, round) => part(round, 1)),
    ])
    try {
      for (let round = 0; round < rounds; round++) {
        const before = await store.loadCa(root.id)
        const posted = { revoked: perThread, bumps: perThread }
        deepEqual(await threads.round(), [posted, posted])
        // A lock broken under a live holder shows as a lost read-modify-write: a revocation or a bump missing.
        const after = await store.loadCa(root.id)
        deepEqual(
          after.revoked.map((r) => r.serialNo).sort(),
          [...before.revoked.map((r) => r.serialNo), ...part(round, 0), ...part(round, 1)].sort(),
          `round ${round}`,
        )
        equal(after.crlNumber, before.crlNumber + 2 * perThread, `round ${round}`)
      }
    } finally {
      await threads.stop()
    }
  })
})
