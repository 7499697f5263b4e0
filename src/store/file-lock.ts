/**
 * Inter-process locks for the file store: a lock is a file holding `{ pid, start, nonce, token }`, created atomically
 * and only if absent (a fully written temporary file hard-linked to the lock name, see createFile), so a lock file is
 * never seen half-written. Waiters retry with a small, jittered backoff up to a time limit.
 *
 * A holder that died (SIGKILL, a crash) leaves its lock behind. Such a lock is stale when its pid is no process on
 * this machine (`kill(pid, 0)` gives ESRCH). A lock with this very process's pid needs more than a pid to judge, since
 * several holders share it: worker threads, Deno workers, two store instances, two bundled copies of pocket-ca. So
 * each store instance (not each module: module state is per isolate) writes a random nonce of its own into its locks,
 * and a lock with our pid is stale only when it carries OUR nonce and a token this instance does not hold (a release
 * whose unlink failed), or when it names another start of a process with our pid (an earlier process that died, the
 * pid since recycled to us: common in containers, where a restarted service gets the same small pid). With another
 * nonce and the same start (or a start we cannot know), it is alive: another thread or store of this process.
 *
 * Breaking a stale lock is guarded by a second lock file (`<lock>.break`): only its holder re-reads the lock and
 * removes it if it still holds the same stale content, so two waiters cannot both break it and one of them delete
 * the fresh lock the other just took.
 *
 * Residual window (documented, not closed): if a breaker itself dies while holding `<lock>.break` (it holds it for a
 * read and an unlink), two waiters may both find that guard dead and remove it, and a slow one can then remove the
 * guard the fast one re-took; both then break, and the slower can delete the lock the faster one has just created.
 * That needs a death inside a window of microseconds and two waiters interleaving exactly there.
 *
 * Limits: pids mean something only on one machine and in one pid namespace, so a store directory must not be shared
 * by processes on several hosts (NFS) or in separate containers. Where liveness cannot be checked (Deno without
 * `--allow-run`), a dead holder counts as alive: its lock then times out with a message that says to remove it. The
 * same happens where a process's start cannot be read (no Linux /proc; Deno without `--allow-all`) to a lock left
 * by an earlier process that had our pid, and to a lock another store instance of this process failed to remove
 * (only the instance that wrote a lock can tell it is no longer held).
 */
import { PkiStorageError } from '../errors.ts'
import { createFile, errorCode, type Host, jsonBytes, randomToken, readIfExists, storageError } from './file-io.ts'

/** A lock file whose content cannot be read as a holder is taken for stale only after this long: lock files are
 * written in full before they get their name, so only a power loss (content never flushed) or tampering makes one. */
const UNREADABLE_GRACE_MS = 10_000
const MAX_BACKOFF_MS = 25

/**
 * A lock a store instance holds; give it back with {@link Locks.release}. Read-only: whether it is still held is the
 * instance's to know (its set of held tokens), not the object's.
 *
 * @example
 * const lock: HeldLock = await locks.acquire(caDir, 'lock', { timeoutMs: 30_000, onMissing })
 */
export interface HeldLock {
  readonly dir: string
  readonly name: string
  readonly token: string
  /** True when a stale lock was broken on the way: the dead holder may have left temporary files to clean. */
  readonly brokeStale: boolean
}

/**
 * The locks of one store instance: {@link createLocks} makes one per openFileStore, and it tells this instance's
 * locks from everyone else's (other processes, threads and store instances of this process).
 *
 * @example
 * const locks = createLocks(host, crypto)
 * const lock = await locks.acquire(caDir, 'lock', { timeoutMs: 30_000, onMissing: () => new PkiNotFoundError(id) })
 * try { await write() } finally { await locks.release(lock) }
 */
export interface Locks {
  /**
   * Takes the lock file `dir/name`, waiting (backoff 1..25 ms with jitter) while a live holder has it and breaking it
   * when its holder is dead. PkiStorageError after `timeoutMs`, or when the lock cannot be written; `onMissing()` is
   * thrown when the lock's directory does not exist.
   */
  acquire(dir: string, name: string, o: { timeoutMs: number; onMissing: () => Error }): Promise<HeldLock>
  /**
   * Gives a lock back: removes the lock file only if it still holds this lock's token (if it cannot be read, or is
   * gone, the name may already be someone else's lock). Never throws: by the time a lock is released the write it
   * guarded has happened or has been undone, and a lock file left behind is stale to this instance (our nonce, a
   * token no longer held) and to later processes (a dead pid, or another start). Does nothing for a forgotten lock.
   */
  release(lock: HeldLock): Promise<void>
  /** Forgets a lock whose file has gone with its directory (deleteCa moves the whole CA directory away). */
  forget(lock: HeldLock): void
}

interface Holder {
  pid?: number
  token?: string
  /** The store instance that wrote it: tells the holders with one pid apart. */
  nonce?: string
  /** When the holder's process started (see Host.start). */
  start?: string
  /** The raw content, to tell "still the same stale lock" from a fresh one. */
  text: string
}

function holderOf(bytes: Uint8Array): Holder {
  const text = new TextDecoder().decode(bytes)
  try {
    const v = JSON.parse(text) as { pid?: unknown; token?: unknown; nonce?: unknown; start?: unknown }
    // A pid of 0 or below would make kill(pid, 0) address a process group: such content counts as unreadable.
    if (Number.isSafeInteger(v.pid) && (v.pid as number) > 0 && typeof v.token === 'string') {
      return {
        pid: v.pid as number,
        token: v.token,
        nonce: typeof v.nonce === 'string' ? v.nonce : undefined,
        start: typeof v.start === 'string' ? v.start : undefined,
        text,
      }
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * The locks of one store instance (see {@link Locks}): a fresh nonce, written into every lock it takes, and the set of
 * tokens it holds now. Call once per store instance and keep it in that instance's closure: two instances (in two
 * threads, or one) must never share one, and a module-level one would be shared by every instance of an isolate and
 * by none of another's.
 *
 * @example
 * const locks = createLocks(host, crypto)
 * const lock = await locks.acquire(caDir, 'lock', { timeoutMs: 30_000, onMissing: () => notFound(id) })
 * try { await write() } finally { await locks.release(lock) }
 */
export function createLocks(host: Host, crypto: Crypto): Locks {
  const nonce = randomToken(crypto)
  /** Tokens of the locks (and break guards) this instance holds now. */
  const held = new Set<string>()

  async function isStale(path: string, holder: Holder): Promise<boolean> {
    if (holder.pid === undefined || holder.token === undefined) {
      try {
        return Date.now() - (await host.fs.stat(path)).mtimeMs > UNREADABLE_GRACE_MS
      } catch {
        return false
      }
    }
    if (holder.pid !== host.pid) return !(await host.isAlive(holder.pid))
    if (holder.nonce === nonce) return !held.has(holder.token)
    // Our pid, another instance: alive if it is this process (another thread or store), dead if an earlier one.
    return host.start !== undefined && holder.start !== undefined && holder.start !== host.start
  }

  /** Creates `dir/name` holding a fresh token; the token is registered as held before the file can be seen. */
  async function tryCreate(dir: string, name: string): Promise<string | undefined> {
    const token = randomToken(crypto)
    held.add(token)
    try {
      const content = jsonBytes({ pid: host.pid, start: host.start, nonce, token, at: new Date().toISOString() })
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
  async function breakLock(dir: string, name: string, stale: Holder): Promise<boolean> {
    const path = host.join(dir, name)
    const guard = host.join(dir, `${name}.break`)
    let guardToken: string | undefined
    try {
      guardToken = await tryCreate(dir, `${name}.break`)
    } catch {
      return false
    }
    if (guardToken === undefined) {
      // Another waiter is breaking the lock right now, or died doing so: its guard is then as stale as any lock.
      const other = await readHolder(host, guard).catch(() => undefined)
      if (other && (await isStale(guard, other))) await host.fs.unlink(guard).catch(() => {})
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

  function heldBy(holder: Holder): string {
    if (holder.pid === undefined) return ''
    if (holder.pid !== host.pid) return ` (held by pid ${holder.pid})`
    return (
      ` (held by pid ${holder.pid}: this process, so another store instance or thread of it` +
      (host.start === undefined ? ', or an earlier process with the same pid' : '') +
      ')'
    )
  }

  return {
    async acquire(dir, name, o) {
      const path = host.join(dir, name)
      const deadline = Date.now() + o.timeoutMs
      let backoff = 1
      let brokeStale = false
      for (;;) {
        let token: string | undefined
        try {
          token = await tryCreate(dir, name)
        } catch (e) {
          const code = errorCode((e as { cause?: unknown }).cause)
          if (code === 'ENOENT' || code === 'ENOTDIR') throw o.onMissing()
          throw storageError(`could not take the lock ${path}`, e)
        }
        if (token !== undefined) return { dir, name, token, brokeStale }
        const holder = await readHolder(host, path)
        // Released between our attempt and this read: try again at once.
        if (holder === undefined) continue
        if ((await isStale(path, holder)) && (await breakLock(dir, name, holder))) {
          brokeStale = true
          continue
        }
        if (Date.now() >= deadline) {
          throw new PkiStorageError(
            `file store: timed out after ${o.timeoutMs} ms waiting for ${path}${heldBy(holder)}` +
              '; if no such holder is running (and this runtime may not check: Deno needs --allow-run), remove it',
          )
        }
        await sleep(backoff + Math.random() * backoff)
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
      }
    },

    async release(lock) {
      if (!held.has(lock.token)) return
      const path = host.join(lock.dir, lock.name)
      const holder = await readHolder(host, path).catch(() => undefined)
      if (holder?.token === lock.token) {
        // One retry: a transient failure should not leave other processes waiting on a live pid until their limit.
        await host.fs.unlink(path).catch(() => host.fs.unlink(path).catch(() => {}))
      }
      // Only now: while the token is held, no waiter in this instance can judge the file stale and break it.
      held.delete(lock.token)
    },

    forget(lock) {
      held.delete(lock.token)
    },
  }
}
