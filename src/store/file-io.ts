/**
 * The file-system primitives of the file store (src/store/file.ts): the injectable `node:fs/promises` subset, and the
 * write discipline that keeps a half-written file from ever being visible. Every write goes to a temporary file in
 * the target's own directory (same file system, so the final step is atomic), is fsynced, and is then renamed (to
 * replace) or hard-linked (to create only if absent) into place; the directory is fsynced too, so the new name
 * survives a power loss. Readers look only at final names, so a writer killed at any point leaves at most a temporary
 * file that every read ignores.
 *
 * No `node:` import here: the Node built-ins arrive in a {@link Host} that openFileStore loads at run time, so that a
 * browser bundle of pocket-ca never has to resolve them.
 */
import { PkiStorageError } from '../errors.ts'
import { fromUtf8, toHex, utf8 } from '../lib/bytes.ts'

/**
 * The part of a `node:fs/promises` FileHandle the file store uses.
 *
 * @example
 * const handle: FileHandleLike = await fs.open(path, 'wx', 0o600)
 * await handle.writeFile(bytes)
 * await handle.sync()
 * await handle.close()
 */
export interface FileHandleLike {
  writeFile(data: Uint8Array): Promise<void>
  sync(): Promise<void>
  close(): Promise<void>
}

/**
 * The part of `node:fs/promises` the file store uses; `node:fs/promises` itself fits. Injectable so that tests can
 * make any single call fail (a full disk, a vanished directory) and check that nothing was half-written.
 *
 * @example
 * import * as fs from 'node:fs/promises'
 * const store = await openFileStore('/var/lib/pocket-ca', { passphrase, fs })
 */
export interface FileSystem {
  open(path: string, flags: string, mode?: number): Promise<FileHandleLike>
  readFile(path: string): Promise<Uint8Array>
  readdir(path: string): Promise<string[]>
  mkdir(path: string, options: { recursive?: boolean; mode?: number }): Promise<unknown>
  rename(oldPath: string, newPath: string): Promise<void>
  link(existingPath: string, newPath: string): Promise<void>
  unlink(path: string): Promise<void>
  rm(path: string, options: { recursive?: boolean; force?: boolean }): Promise<void>
  stat(path: string): Promise<{ mtimeMs: number }>
}

/**
 * What the file store needs from its runtime: the file system, path joining and this process's identity. Built once
 * by openFileStore from `node:fs/promises`, `node:path` and `node:process` (or an injected file system).
 *
 * @example
 * const host: Host = { fs, join, pid: process.pid, isAlive: async (pid) => true }
 */
export interface Host {
  fs: FileSystem
  join(...parts: string[]): string
  /** This process's id, written into lock files and temporary names. */
  pid: number
  /** When this process started (see {@link processStart}), or undefined where that cannot be read. */
  start?: string
  /** Whether a process with this pid is alive on this machine (true when in doubt). */
  isAlive(pid: number): Promise<boolean>
}

/** Files are readable by their owner only: ca.json names no secret, but the registry and key.pem are nobody's
 * business. */
const FILE_MODE = 0o600

/**
 * The mode of every directory the store makes: its owner's only, like its files (0600).
 *
 * @example
 * await fs.mkdir(tempDir, { mode: DIR_MODE })
 */
export const DIR_MODE = 0o700

/**
 * The `code` of a Node-style system error (`ENOENT`, `EEXIST`, ...), or undefined.
 *
 * @example
 * if (errorCode(e) === 'ENOENT') return undefined
 */
export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * Wraps a file-system failure as the PkiStorageError every store method promises, keeping the original as `cause`.
 *
 * @example
 * throw storageError('could not write ca.json', e)
 */
export function storageError(what: string, cause: unknown): PkiStorageError {
  if (cause instanceof PkiStorageError) return cause
  const detail = errorCode(cause) ?? (cause instanceof Error ? cause.message : String(cause))
  return new PkiStorageError(`file store: ${what} (${detail})`, { cause })
}

/**
 * Whether a process is alive, given a `process.kill`: `kill(pid, 0)` sends nothing and only checks. ESRCH means no
 * such process; EPERM means one under another user. A runtime may refuse to check at all (Deno without
 * `--allow-run` throws an error with no errno code; it guards /proc as well), and anything uncertain counts as
 * alive, so that doubt never breaks a lock.
 *
 * @example
 * const isAlive = aliveCheck(process.kill.bind(process), process.pid)
 * await isAlive(4242) // false once process 4242 has exited
 */
export function aliveCheck(
  kill: (pid: number, signal: number) => unknown,
  self: number,
): (pid: number) => Promise<boolean> {
  return async (pid) => {
    if (pid === self) return true
    try {
      kill(pid, 0)
      return true
    } catch (e) {
      return errorCode(e) !== 'ESRCH'
    }
  }
}

/**
 * When the current process started, as `<boot id>/<start time>` from Linux's /proc (the start time in clock ticks
 * since boot: no wall clock involved). With the pid it names this process and no earlier one that had the same pid,
 * and every thread and worker of the process reads the same value. Undefined where /proc cannot be read: other
 * systems, and Deno without `--allow-all`.
 *
 * @example
 * const host: Host = { fs, join, pid: process.pid, start: await processStart(fs), isAlive }
 */
export async function processStart(fs: FileSystem): Promise<string | undefined> {
  try {
    const [stat, boot] = await Promise.all([
      fs.readFile('/proc/self/stat'),
      fs.readFile('/proc/sys/kernel/random/boot_id'),
    ])
    // Field 2 (the command name, in parentheses) may hold spaces and parentheses: count the fields after its end.
    const text = fromUtf8(stat)
    const starttime = text.slice(text.lastIndexOf(')') + 2).split(' ')[19]
    const bootId = fromUtf8(boot).trim()
    return starttime && /^\d+$/.test(starttime) && /^[0-9a-f-]+$/.test(bootId) ? `${bootId}/${starttime}` : undefined
  } catch {
    return undefined
  }
}

/** Names of temporary files and directories: `.tmp-<pid>-<random>...` and `.trash-<pid>-<random>`. The pid lets a
 * later process clean up after a dead one without touching what a live one is still writing. */
const TEMP_NAME = /^\.(?:tmp|trash)-(\d+)-/

/**
 * A fresh random token (16 hex digits): for temporary names and lock ownership.
 *
 * @example
 * randomToken(crypto) // '9f1c0a7e5b3d2e41'
 */
export function randomToken(crypto: Crypto): string {
  return toHex(crypto.getRandomValues(new Uint8Array(8)))
}

/**
 * A temporary name for this process: `.tmp-<pid>-<token><suffix>` (or `.trash-...`). Dot-names are never CA ids, and
 * readers only open final names, so temporary files are invisible to every read.
 *
 * @example
 * tempName(host, crypto, 'tmp', '.ca.json') // '.tmp-4242-9f1c0a7e5b3d2e41.ca.json'
 */
export function tempName(host: Host, crypto: Crypto, kind: 'tmp' | 'trash', suffix = ''): string {
  return `.${kind}-${host.pid}-${randomToken(crypto)}${suffix}`
}

/**
 * Removes the temporary files and directories in `dir` that a dead process left behind (killed mid-write). Entries of
 * live processes are left alone: they may still be writing them. Best effort: a failure here only leaves litter.
 *
 * @example
 * await removeDeadTemps(host, host.join(root, id, 'issued'))
 */
export async function removeDeadTemps(host: Host, dir: string): Promise<void> {
  let names: string[]
  try {
    names = await host.fs.readdir(dir)
  } catch {
    return
  }
  for (const name of names) {
    const pid = TEMP_NAME.exec(name)?.[1]
    if (pid === undefined || (await host.isAlive(Number(pid)))) continue
    await host.fs.rm(host.join(dir, name), { recursive: true, force: true }).catch(() => {})
  }
}

/**
 * Writes a new file that must not exist yet: open with `wx` (mode 0600), write, fsync (unless `durable` is false),
 * close. On failure the file is removed again. Used directly only inside a directory nobody else sees yet (addCa's
 * temporary CA directory), and as the first step of {@link replaceFile} and {@link createFile}.
 *
 * @example
 * await writeNewFile(host, host.join(tempDir, 'ca.json'), bytes, 'ca.json')
 */
export async function writeNewFile(
  host: Host,
  path: string,
  data: Uint8Array,
  what: string,
  durable = true,
): Promise<void> {
  const { fs } = host
  let handle: FileHandleLike
  try {
    handle = await fs.open(path, 'wx', FILE_MODE)
  } catch (e) {
    throw storageError(`could not create ${what}`, e)
  }
  try {
    await handle.writeFile(data)
    if (durable) await handle.sync()
  } catch (e) {
    await handle.close().catch(() => {})
    await fs.unlink(path).catch(() => {})
    throw storageError(`could not write ${what}`, e)
  }
  try {
    // A close can report a deferred write error (NFS): the file is then not trusted either.
    await handle.close()
  } catch (e) {
    await fs.unlink(path).catch(() => {})
    throw storageError(`could not write ${what}`, e)
  }
}

/**
 * fsyncs a directory so that a rename or link in it survives a power loss. Best effort: some platforms (Windows) and
 * file systems cannot open or sync a directory, and the rename has already happened by then either way.
 *
 * @example
 * await syncDir(host, root)
 */
export async function syncDir(host: Host, dir: string): Promise<void> {
  let handle: FileHandleLike
  try {
    handle = await host.fs.open(dir, 'r')
  } catch {
    return
  }
  await handle.sync().catch(() => {})
  await handle.close().catch(() => {})
}

/**
 * Replaces (or creates) `dir/name` atomically: a temporary file in the same directory, fsynced, then renamed over the
 * target. Readers see the old content or the new, never a mix. PkiStorageError on failure, with the target untouched
 * and the temporary file removed.
 *
 * @example
 * await replaceFile(host, crypto, host.join(root, id), 'ca.json', bytes)
 */
export async function replaceFile(host: Host, crypto: Crypto, dir: string, name: string, data: Uint8Array) {
  const temp = host.join(dir, tempName(host, crypto, 'tmp', `.${name}`))
  await writeNewFile(host, temp, data, name)
  try {
    await host.fs.rename(temp, host.join(dir, name))
  } catch (e) {
    await host.fs.unlink(temp).catch(() => {})
    throw storageError(`could not replace ${name}`, e)
  }
  await syncDir(host, dir)
}

/**
 * Creates `dir/name` atomically and only if no file has that name: a temporary file in the same directory (fsynced
 * unless `durable` is false), then hard-linked to the name (link, unlike rename, fails with EEXIST instead of
 * replacing). Returns false, with nothing left behind, when the name is taken; PkiStorageError on failure.
 *
 * @example
 * if (!(await createFile(host, crypto, issuedDir, '4F0A.json', bytes))) throw new PkiArgumentError('serialNo', 'taken')
 */
export async function createFile(
  host: Host,
  crypto: Crypto,
  dir: string,
  name: string,
  data: Uint8Array,
  durable = true,
): Promise<boolean> {
  const { fs } = host
  const temp = host.join(dir, tempName(host, crypto, 'tmp', name.startsWith('.') ? name : `.${name}`))
  await writeNewFile(host, temp, data, name, durable)
  let created = true
  try {
    await fs.link(temp, host.join(dir, name))
  } catch (e) {
    if (errorCode(e) !== 'EEXIST') {
      await fs.unlink(temp).catch(() => {})
      throw storageError(`could not create ${name}`, e)
    }
    created = false
  }
  // Once linked the file is in place: a failure to drop the temporary name only leaves litter for removeDeadTemps.
  await fs.unlink(temp).catch(() => {})
  if (created && durable) await syncDir(host, dir)
  return created
}

/**
 * Reads a file as bytes; undefined if it (or its directory) does not exist, PkiStorageError for any other failure.
 *
 * @example
 * const bytes = await readIfExists(host, host.join(root, id, 'ca.json'), 'ca.json')
 */
export async function readIfExists(host: Host, path: string, what: string): Promise<Uint8Array | undefined> {
  try {
    return await host.fs.readFile(path)
  } catch (e) {
    const code = errorCode(e)
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw storageError(`could not read ${what}`, e)
  }
}

/**
 * Parses a JSON file's bytes; PkiStorageError if they are not JSON (a file damaged outside the store's control:
 * the store itself never leaves a partial file under a final name).
 *
 * @example
 * const value = parseJson(bytes, 'ca.json')
 */
export function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(fromUtf8(bytes))
  } catch (e) {
    throw new PkiStorageError(`file store: ${what} is damaged (not JSON)`, { cause: e })
  }
}

/**
 * JSON text as the store writes it: UTF-8, indented for people who look, newline-terminated.
 *
 * @example
 * await replaceFile(host, crypto, caDir, 'ca.json', jsonBytes(record))
 */
export function jsonBytes(value: unknown): Uint8Array {
  return utf8(`${JSON.stringify(value, null, 2)}\n`)
}
