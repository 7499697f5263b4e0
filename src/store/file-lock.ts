/**
 * Inter-process locks for the file store: a lock is a file holding `{ pid, token }`, created atomically and only if
 * absent (a fully written temporary file hard-linked to the lock name, see createFile), so a lock file is never seen
 * half-written. Waiters retry with a small, jittered backoff up to a time limit.
 *
 * A holder that died (SIGKILL, a crash) leaves its lock behind. Such a lock is stale when its pid is no process on
 * this machine (`kill(pid, 0)` gives ESRCH), or is this very process but with a token no lock of this process holds
 * (a release whose unlink failed, or a pid recycled from an earlier run). Breaking a stale lock is guarded by a second
 * lock file (`<lock>.break`): only its holder re-reads the lock and removes it if it still holds the same stale
 * content, so two waiters cannot both break it and one of them delete the fresh lock the other just took.
 *
 * Residual window (documented, not closed): if a breaker itself dies while holding `<lock>.break` (it holds it for a
 * read and an unlink), two waiters may both find that guard dead and remove it, and a slow one can then remove the
 * guard the fast one re-took; both then break, and the slower can delete the lock the faster one has just created.
 * That needs a death inside a window of microseconds and two waiters interleaving exactly there.
 *
 * Limits: pids mean something only on one machine and in one pid namespace, so a store directory must not be shared
 * by processes on several hosts (NFS) or in separate containers. Where liveness cannot be checked (Deno without
 * `--allow-run`), a dead holder counts as alive: its lock then times out with a message that says to remove it. Tokens held by "this process" are tracked per loaded
 * copy of this module, so two bundled copies of pocket-ca in one process cannot tell each other's locks from stale
 * ones if a release fails.
 */
import { PkiStorageError } from '../errors.ts'
import { createFile, errorCode, type Host, jsonBytes, randomToken, readIfExists, storageError } from './file-io.ts'

/** Tokens of the locks this process holds now (in every store instance), so a lock with our own pid is judged by
 * its token, not by a liveness check that would always say "alive". */
const held = new Set<string>()

/** A lock file whose content cannot be read as a holder is taken for stale only after this long: lock files are
 * written in full before they get their name, so only a power loss (content never flushed) or tampering makes one. */
const UNREADABLE_GRACE_MS = 10_000
const MAX_BACKOFF_MS = 25

/**
 * A lock this process holds; give it back with {@link releaseLock}.
 *
 * @example
 * const lock: HeldLock = await acquireLock(host, crypto, caDir, 'lock', { timeoutMs: 30_000, onMissing })
 */
export interface HeldLock {
  dir: string
  name: string
  token: string
  /** True when a stale lock was broken on the way: the dead holder may have left temporary files to clean. */
  brokeStale: boolean
  /** Set by {@link forgetLock}: the lock file is gone with its directory, so release does nothing. */
  forgotten?: boolean
}

interface Holder {
  pid?: number
  token?: string
  /** The raw content, to tell "still the same stale lock" from a fresh one. */
  text: string
}

function holderOf(bytes: Uint8Array): Holder {
  const text = new TextDecoder().decode(bytes)
  try {
    const v = JSON.parse(text) as { pid?: unknown; token?: unknown }
    // A pid of 0 or below would make kill(pid, 0) address a process group: such content counts as unreadable.
    if (Number.isSafeInteger(v.pid) && (v.pid as number) > 0 && typeof v.token === 'string') {
      return { pid: v.pid as number, token: v.token, text }
    }
  } catch {
    // unreadable: judged by age below
  }
  return { text }
}

async function readHolder(host: Host, path: string): Promise<Holder | undefined> {
  const bytes = await readIfExists(host, path, 'a lock file')
  return bytes && holderOf(bytes)
}

async function isStale(host: Host, path: string, holder: Holder): Promise<boolean> {
  if (holder.pid === undefined || holder.token === undefined) {
    try {
      return Date.now() - (await host.fs.stat(path)).mtimeMs > UNREADABLE_GRACE_MS
    } catch {
      return false
    }
  }
  if (holder.pid === host.pid) return !held.has(holder.token)
  return !(await host.isAlive(holder.pid))
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Creates `dir/name` holding a fresh token; the token is registered as held before the file can be seen. */
async function tryCreate(host: Host, crypto: Crypto, dir: string, name: string): Promise<string | undefined> {
  const token = randomToken(crypto)
  held.add(token)
  try {
    const content = jsonBytes({ pid: host.pid, token, at: new Date().toISOString() })
    // No fsync: after a power loss every holder is dead anyway, and unreadable content is handled by age.
    if (await createFile(host, crypto, dir, name, content, false)) return token
  } catch (e) {
    held.delete(token)
    throw e
  }
  held.delete(token)
  return undefined
}

/** Removes the stale lock `dir/name` if it still holds `stale`, under the `.break` guard. True if it is gone. */
async function breakLock(host: Host, crypto: Crypto, dir: string, name: string, stale: Holder): Promise<boolean> {
  const path = host.join(dir, name)
  const guard = host.join(dir, `${name}.break`)
  let guardToken: string | undefined
  try {
    guardToken = await tryCreate(host, crypto, dir, `${name}.break`)
  } catch {
    return false
  }
  if (guardToken === undefined) {
    // Another waiter is breaking the lock right now, or died doing so: its guard is then as stale as any lock.
    const other = await readHolder(host, guard).catch(() => undefined)
    if (other && (await isStale(host, guard, other))) await host.fs.unlink(guard).catch(() => {})
    return false
  }
  try {
    const now = await readHolder(host, path)
    if (now === undefined) return true
    if (now.text !== stale.text) return false
    await host.fs.unlink(path)
    return true
  } catch {
    return false
  } finally {
    await host.fs.unlink(guard).catch(() => {})
    held.delete(guardToken)
  }
}

/**
 * Takes the lock file `dir/name`, waiting (backoff 1..25 ms with jitter) while a live process holds it and breaking it
 * when its holder is dead. PkiStorageError after `timeoutMs`, or when the lock cannot be written; `onMissing()` is
 * thrown when the lock's directory does not exist.
 *
 * @example
 * const lock = await acquireLock(host, crypto, caDir, 'lock', {
 *   timeoutMs: 30_000, onMissing: () => new PkiNotFoundError(`no CA with id ${id}`) })
 * try { await write() } finally { await releaseLock(host, lock) }
 */
export async function acquireLock(
  host: Host,
  crypto: Crypto,
  dir: string,
  name: string,
  o: { timeoutMs: number; onMissing: () => Error },
): Promise<HeldLock> {
  const path = host.join(dir, name)
  const deadline = Date.now() + o.timeoutMs
  let backoff = 1
  let brokeStale = false
  for (;;) {
    let token: string | undefined
    try {
      token = await tryCreate(host, crypto, dir, name)
    } catch (e) {
      const code = errorCode((e as { cause?: unknown }).cause)
      if (code === 'ENOENT' || code === 'ENOTDIR') throw o.onMissing()
      throw storageError(`could not take the lock ${path}`, e)
    }
    if (token !== undefined) return { dir, name, token, brokeStale }
    const holder = await readHolder(host, path)
    // Released between our attempt and this read: try again at once.
    if (holder === undefined) continue
    if ((await isStale(host, path, holder)) && (await breakLock(host, crypto, dir, name, holder))) {
      brokeStale = true
      continue
    }
    if (Date.now() >= deadline) {
      throw new PkiStorageError(
        `file store: timed out after ${o.timeoutMs} ms waiting for ${path}` +
          (holder.pid === undefined ? '' : ` (held by pid ${holder.pid})`) +
          '; if no such process is running (and this runtime may not check: Deno needs --allow-run), remove it',
      )
    }
    await sleep(backoff + Math.random() * backoff)
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
  }
}

/**
 * Gives a lock back: removes the lock file if it is still ours. Never throws: by the time a lock is released the
 * write it guarded has happened or has been undone, and a lock file left behind is judged stale by its token (this
 * process) or its dead pid (later ones).
 *
 * @example
 * await releaseLock(host, lock)
 */
export async function releaseLock(host: Host, lock: HeldLock): Promise<void> {
  if (lock.forgotten) return
  const path = host.join(lock.dir, lock.name)
  const holder = await readHolder(host, path).catch(() => undefined)
  if (holder === undefined || holder.token === lock.token) {
    // One retry: a transient failure should not leave other processes waiting on a live pid until their time limit.
    await host.fs.unlink(path).catch(() => host.fs.unlink(path).catch(() => {}))
  }
  held.delete(lock.token)
}

/**
 * Forgets a lock whose file has gone with its directory (deleteCa moves the whole CA directory away, lock included).
 *
 * @example
 * forgetLock(lock)
 */
export function forgetLock(lock: HeldLock): void {
  lock.forgotten = true
  held.delete(lock.token)
}
