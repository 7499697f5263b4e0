/**
 * The file-system CaStore (Node and Deno, through `node:fs/promises`). Layout of a store directory:
 *
 *   <dir>/store.json                  the passphrase check (a known value encrypted under the store passphrase)
 *   <dir>/<id>/ca.json                the CA record without keys, its public key (SPKI, base64) and when it was added
 *   <dir>/<id>/key.pem                the private key, only ever as ENCRYPTED PRIVATE KEY (PBES2, RFC 8018)
 *   <dir>/<id>/issued/<SERIAL>.json   one registry entry per certificate (serial in hex, no colons), written once
 *   <dir>/<id>/lock                   present while a writer holds the CA (src/store/file-lock.ts)
 *
 * Revocations and the CRL number live in ca.json, so every write touches exactly one file (addCa: one directory,
 * built under a temporary name and renamed into place). Files are 0600 and directories 0700. Writes follow the
 * discipline of src/store/file-io.ts (temporary file, fsync, rename or link), so a reader sees a file whole or not
 * at all. Temporary names start with a dot (never a CA id), and reads open only the final names above.
 *
 * Writers of one CA are serialized twice over: a promise queue per CA in this store instance (so `Promise.all` of
 * many issuances in one process simply queues), and the CA's lock file across processes, threads and store instances.
 */
import { importSealedKey, unsealPkcs8 } from '../ca/custody.ts'
import type { CertificateAuthority, SealedKey } from '../ca/types.ts'
import { sequence, utf8String } from '../der/writer.ts'
import {
  PkiArgumentError,
  PkiError,
  PkiKeyMismatchError,
  PkiNotFoundError,
  PkiNotSupportedError,
  PkiStateError,
  PkiStorageError,
} from '../errors.ts'
import { decryptPkcs8, encryptPkcs8 } from '../keys/pbes2.ts'
import { bytesEqual, fromBase64, fromUtf8, toBase64, utf8 } from '../lib/bytes.ts'
import { resolveCrypto } from '../lib/crypto.ts'
import { decodePem, encodePem } from '../pem/index.ts'
import {
  aliveCheck,
  createFile,
  DIR_MODE,
  errorCode,
  type FileSystem,
  type Host,
  jsonBytes,
  parseJson,
  processStart,
  readIfExists,
  removeDeadTemps,
  replaceFile,
  storageError,
  syncDir,
  tempName,
  writeNewFile,
} from './file-io.ts'
import { createLocks, type HeldLock } from './file-lock.ts'
import {
  assertIssuing,
  byIssuance,
  checkChanged,
  checkId,
  checkIssuedRecord,
  checkIterations,
  copySealedKey,
  ID_PATTERN,
  registrySerial,
  stateOf,
  withKeys,
  withStatus,
} from './registry.ts'
import type { CaState, CaStore, IssuedEntry, IssuedRecord } from './types.ts'

/**
 * Options of {@link openFileStore}.
 *
 * @example
 * const o: FileStoreOptions = { passphrase: process.env.CA_PASSPHRASE ?? '', iterations: 600_000 }
 */
export interface FileStoreOptions {
  /** Encrypts every CA private key (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC). Checked when the store is opened. */
  passphrase: string
  /** PBKDF2 iterations for keys written from now on: 10,000 (MIN_ITERATIONS) to 10,000,000, default 600,000. A
   * non-number is a TypeError, a number out of range (or not whole) a PkiArgumentError on `iterations`. */
  iterations?: number
  /** The `node:fs/promises` subset to use (default: `node:fs/promises` itself); tests inject faults through it. */
  fs?: FileSystem
  crypto?: Crypto
  /** How long a write waits for another process's lock on the same CA, in milliseconds (default 30,000). */
  lockTimeout?: number
}

const DEFAULT_LOCK_TIMEOUT_MS = 30_000
const STORE_FILE = 'store.json'
const STORE_FORMAT = 'pocket-ca/file-store'
const CA_FORMAT = 'pocket-ca/ca'
const KEY_LABEL = 'ENCRYPTED PRIVATE KEY'
/** What store.json encrypts: decrypting it back to exactly these bytes proves the passphrase. */
const CHECK_PLAINTEXT = sequence(utf8String('pocket-ca file store passphrase check'))
/** Registry entries read at once by listIssued: enough to keep the disk busy, few enough for any fd limit. */
const READ_BATCH = 64

/** What ca.json holds. */
interface CaFile {
  format: typeof CA_FORMAT
  version: 1
  /** ISO 8601 with milliseconds: when the CA was added, for listCas's oldest-first order. */
  createdAt: string
  /** The SPKI (base64) of the CA key: lets loadCa check that key.pem is this CA's key. */
  publicKey: string
  ca: CaState
}

interface CaKeys {
  spki: string
  keys: CryptoKeyPair
  sealedKey: SealedKey
}

function notFound(id: string): PkiNotFoundError {
  return new PkiNotFoundError(`no CA with id ${id} in this store`)
}

function entryName(serialNo: string): string {
  return `${serialNo.replaceAll(':', '')}.json`
}

const ENTRY_NAME = /^[0-9A-F]+\.json$/

function parseCaFile(bytes: Uint8Array, id: string): CaFile {
  const file = parseJson(bytes, `ca.json of CA ${id}`) as Partial<CaFile> | null
  const ca = file?.ca as Partial<CaState> | undefined
  if (
    file?.format !== CA_FORMAT ||
    typeof file.createdAt !== 'string' ||
    typeof file.publicKey !== 'string' ||
    typeof ca !== 'object' ||
    ca === null ||
    ca.id !== id ||
    !Array.isArray(ca.revoked) ||
    !Array.isArray(ca.chain)
  ) {
    throw new PkiStorageError(`file store: ca.json of CA ${id} is damaged (not a CA record of this store)`)
  }
  return file as CaFile
}

function parseEntry(bytes: Uint8Array, name: string, caId: string): IssuedRecord {
  const what = `registry entry ${name} of CA ${caId}`
  try {
    const record = checkIssuedRecord(parseJson(bytes, what))
    if (entryName(record.serialNo) !== name) throw new Error('the serial does not match the file name')
    return record
  } catch (e) {
    if (e instanceof PkiStorageError) throw e
    throw new PkiStorageError(`file store: ${what} is damaged`, { cause: e })
  }
}

function checkOptions(dir: unknown, o: FileStoreOptions) {
  if (typeof dir !== 'string') throw new TypeError('openFileStore: dir must be a string')
  if (dir === '') throw new PkiArgumentError('dir', 'the store directory must not be empty')
  if (typeof o !== 'object' || o === null) throw new TypeError('openFileStore takes an options object')
  if (typeof o.passphrase !== 'string') throw new TypeError('passphrase must be a string')
  if (o.passphrase === '') throw new PkiArgumentError('passphrase', 'a file store needs a non-empty passphrase')
  // The bounds exportCaBackup has too (MIN_ITERATIONS..MAX_ITERATIONS): above them pbes2.ts would not read keys back.
  const iterations = checkIterations(o.iterations)
  const lockTimeout = o.lockTimeout ?? DEFAULT_LOCK_TIMEOUT_MS
  if (typeof lockTimeout !== 'number') throw new TypeError('lockTimeout must be a number')
  if (!(lockTimeout >= 0 && lockTimeout <= 3_600_000)) {
    throw new PkiArgumentError('lockTimeout', 'lockTimeout must be 0..3600000 milliseconds')
  }
  return { passphrase: o.passphrase, iterations, lockTimeout }
}

// Module names in variables, not literals: bundlers resolve a literal import() even in code a browser never runs,
// and fail on `node:` modules. A variable leaves the import to the runtime, so that pocket-ca's main entry can
// export openFileStore and still bundle for browsers, where this code is simply never reached.
const NODE_FS: string = 'node:fs/promises'
const NODE_PATH: string = 'node:path'
const NODE_PROCESS: string = 'node:process'

/** The parts of `node:path` and `node:process` used, typed here: the package is built without Node's types. */
interface NodePath {
  join(...parts: string[]): string
}
interface NodeProcess {
  pid: number
  kill(pid: number, signal?: number): unknown
}

/** The Node built-ins (Node, Deno) the store runs on, loaded when a store is opened. */
async function loadHost(injected?: FileSystem): Promise<Host> {
  let fs: FileSystem
  let path: NodePath
  let proc: NodeProcess
  try {
    ;[fs, path, proc] = await Promise.all([
      injected ?? (import(NODE_FS) as Promise<FileSystem>),
      import(NODE_PATH) as Promise<NodePath>,
      import(NODE_PROCESS).then((m: { default?: NodeProcess }) => m.default ?? (m as unknown as NodeProcess)),
    ])
  } catch (e) {
    throw new PkiNotSupportedError('openFileStore needs node:fs/promises (Node or Deno); in a browser use IndexedDB', {
      cause: e,
    })
  }
  return {
    fs,
    join: path.join,
    pid: proc.pid,
    start: await processStart(fs),
    isAlive: aliveCheck((pid, signal) => proc.kill(pid, signal), proc.pid),
  }
}

/** Creates store.json (if no one has yet) and checks the passphrase against it. */
async function checkPassphrase(host: Host, crypto: Crypto, dir: string, passphrase: string, iterations: number) {
  const path = host.join(dir, STORE_FILE)
  let bytes = await readIfExists(host, path, STORE_FILE)
  if (!bytes) {
    const check = await encryptPkcs8(crypto, CHECK_PLAINTEXT, passphrase, iterations)
    const created = jsonBytes({ format: STORE_FORMAT, version: 1, check: toBase64(check) })
    // Link, not rename: two processes creating one store at once must agree on one passphrase, not overwrite.
    if (await createFile(host, crypto, dir, STORE_FILE, created)) return
    bytes = await readIfExists(host, path, STORE_FILE)
    if (!bytes) throw new PkiStorageError(`file store: ${STORE_FILE} vanished while the store was opened`)
  }
  const file = parseJson(bytes, STORE_FILE) as { format?: unknown; check?: unknown } | null
  const check = typeof file?.check === 'string' ? fromBase64(file.check) : null
  if (file?.format !== STORE_FORMAT || !check) {
    throw new PkiStorageError(`file store: ${path} is not a pocket-ca store file`)
  }
  let plain: Uint8Array
  try {
    plain = await decryptPkcs8(crypto, check, passphrase)
  } catch (e) {
    if (e instanceof PkiArgumentError) throw e
    throw new PkiStorageError(`file store: ${STORE_FILE} is damaged`, { cause: e })
  }
  if (!bytesEqual(plain, CHECK_PLAINTEXT)) {
    throw new PkiArgumentError('passphrase', 'the passphrase does not open this file store')
  }
}

/**
 * Opens (creating it if needed) a CA store in a directory: for Node and Deno. Keys are kept only as encrypted PKCS#8
 * under `passphrase` (`keeps: 'encrypted-pkcs8'`), so the CAs it takes must be made with `allowBackup` or with this
 * store. The passphrase is checked on opening: PkiArgumentError on the field `passphrase` if it is not the one the
 * store was created with. Several processes may use one directory at once (on one machine): writes to a CA are
 * serialized by a lock file, and a process killed at any point leaves the store readable and consistent.
 * PkiNotSupportedError where there is no `node:fs/promises` (a browser).
 *
 * @example
 * const store = await openFileStore('/var/lib/pocket-ca', { passphrase: process.env.CA_PASSPHRASE ?? '' })
 * const root = await createRootCa({ subject: { commonName: 'Example Root' }, store })
 * await issueCertificate(root, { x509Parameters: { commonName: 'api.example.com' }, store })
 * (await store.listIssued(root.id)).length // 1
 */
export async function openFileStore(dir: string, o: FileStoreOptions): Promise<CaStore> {
  // Strictly increasing within this store instance, so that CAs added one after the other list in that order even
  // when they fall in the same millisecond; across instances and processes, ties are broken by id.
  let lastCreatedAt = 0
  const nextCreatedAt = (): string => {
    lastCreatedAt = Math.max(Date.now(), lastCreatedAt + 1)
    return new Date(lastCreatedAt).toISOString()
  }
  const { passphrase, iterations, lockTimeout } = checkOptions(dir, o)
  const crypto = resolveCrypto(o.crypto)
  const host = await loadHost(o.fs)
  const { fs, join } = host
  try {
    await fs.mkdir(dir, { recursive: true, mode: DIR_MODE })
  } catch (e) {
    throw storageError(`could not create the store directory ${dir}`, e)
  }
  await checkPassphrase(host, crypto, dir, passphrase, iterations)

  /** This instance's locks: its own nonce and held tokens, so that it tells its locks from those of other threads
   * and store instances of this process (which share the pid). */
  const locks = createLocks(host, crypto)
  /** Decrypted keys by CA id, so that only the first loadCa of a CA pays for PBKDF2. Never handed out as they are:
   * {@link record} copies, so that no caller can change what the next loadCa returns. */
  const keyCache = new Map<string, Promise<CaKeys>>()
  /** The tail of each CA's queue of writers in this instance. */
  const queues = new Map<string, Promise<void>>()

  const caDir = (id: string) => join(dir, id)
  const caPath = (id: string) => join(dir, id, 'ca.json')
  const readCa = (id: string) => readIfExists(host, caPath(id), `ca.json of CA ${id}`)

  async function readCaFile(id: string): Promise<CaFile> {
    const bytes = await readCa(id)
    if (!bytes) throw notFound(id)
    return parseCaFile(bytes, id)
  }

  async function decryptKeys(id: string, spki: string): Promise<CaKeys> {
    const bytes = await readIfExists(host, join(caDir(id), 'key.pem'), `key.pem of CA ${id}`)
    if (!bytes) {
      if (!(await readCa(id))) throw notFound(id)
      throw new PkiStorageError(`file store: the key file of CA ${id} is missing`)
    }
    let der: Uint8Array
    try {
      const block = decodePem(fromUtf8(bytes), { label: KEY_LABEL })[0]
      if (!block) throw new Error('no PEM block')
      der = block.der
    } catch (e) {
      throw new PkiStorageError(`file store: the key file of CA ${id} is damaged`, { cause: e })
    }
    const { keys, sealedKey } = await importSealedKey(crypto, await decryptPkcs8(crypto, der, passphrase))
    const actual = toBase64(new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey)))
    if (actual !== spki) throw new PkiKeyMismatchError(`file store: key.pem of CA ${id} holds another key`)
    return { spki, keys, sealedKey }
  }

  /** The CA's keys, from the cache when it still matches the stored public key, else decrypted from key.pem. */
  async function keysOf(id: string, file: CaFile): Promise<CaKeys> {
    const cached = await keyCache.get(id)?.catch(() => undefined)
    if (cached?.spki === file.publicKey) return cached
    const pending = decryptKeys(id, file.publicKey)
    keyCache.set(id, pending)
    pending.catch(() => {
      if (keyCache.get(id) === pending) keyCache.delete(id)
    })
    return pending
  }

  function record(state: CaState, k: CaKeys): CertificateAuthority {
    return withKeys(state, k.keys, k.sealedKey)
  }

  /** Runs `write` for CA `id` after this instance's earlier writes to it, holding its lock file. */
  async function exclusive<T>(id: string, write: (lock: HeldLock) => Promise<T>): Promise<T> {
    const before = queues.get(id) ?? Promise.resolve()
    let done!: () => void
    const mine = new Promise<void>((resolve) => {
      done = resolve
    })
    const tail = before.then(() => mine)
    queues.set(id, tail)
    await before
    try {
      const lock = await locks.acquire(caDir(id), 'lock', {
        timeoutMs: lockTimeout,
        onMissing: () => notFound(id),
      })
      try {
        if (lock.brokeStale) {
          // The dead holder may have been killed mid-write: its temporary files are garbage now.
          await removeDeadTemps(host, caDir(id))
          await removeDeadTemps(host, join(caDir(id), 'issued'))
        }
        return await write(lock)
      } finally {
        await locks.release(lock)
      }
    } finally {
      done()
      if (queues.get(id) === tail) queues.delete(id)
    }
  }

  async function caIds(): Promise<string[]> {
    let names: string[]
    try {
      names = await fs.readdir(dir)
    } catch (e) {
      throw storageError(`could not list ${dir}`, e)
    }
    // The names checkId accepts: every other name in the store directory is not a CA.
    return names.filter((name) => ID_PATTERN.test(name))
  }

  async function readEntries(caId: string): Promise<IssuedRecord[]> {
    const issuedDir = join(caDir(caId), 'issued')
    let names: string[]
    try {
      names = (await fs.readdir(issuedDir)).filter((name) => ENTRY_NAME.test(name))
    } catch (e) {
      if (errorCode(e) === 'ENOENT') throw notFound(caId)
      throw storageError(`could not list the registry of CA ${caId}`, e)
    }
    const records: IssuedRecord[] = []
    for (let i = 0; i < names.length; i += READ_BATCH) {
      const batch = names.slice(i, i + READ_BATCH)
      const read = await Promise.all(
        batch.map(async (name) => {
          const bytes = await readIfExists(host, join(issuedDir, name), `registry entry ${name} of CA ${caId}`)
          // Entries are never removed, except all at once by deleteCa.
          if (!bytes) throw notFound(caId)
          return parseEntry(bytes, name, caId)
        }),
      )
      records.push(...read)
    }
    return records
  }

  // What processes that died left behind: half-built and half-deleted CA directories, and in each CA directory the
  // temporary files of lock attempts and writes. Never visible to reads, but they take space. (Temporary registry
  // entries can only be left by a writer that died holding the CA's lock: they go when that lock is broken.)
  await removeDeadTemps(host, dir)
  for (const id of await caIds()) await removeDeadTemps(host, caDir(id))

  return {
    keeps: 'encrypted-pkcs8',

    async addCa(ca, issued = []) {
      const id = checkId(ca?.id)
      const records = new Map(issued.map(checkIssuedRecord).map((r) => [r.serialNo, r]))
      if (!ca.sealedKey) {
        throw new PkiStateError(
          ca.status,
          'a file store keeps CA keys only as encrypted PKCS#8, and this CA key cannot be exported: ' +
            'create the CA with allowBackup: true, or with this store as its `store`',
        )
      }
      const exists = () => new PkiStateError(ca.status, `a CA with id ${id} is already in this store`)
      // Refuse early, before paying for PBKDF2; the rename below is what makes the refusal race-free.
      if (await readCa(id)) throw exists()
      const spki = toBase64(new Uint8Array(await crypto.subtle.exportKey('spki', ca.keys.publicKey)))
      const encrypted = await encryptPkcs8(crypto, await unsealPkcs8(crypto, ca), passphrase, iterations)
      const file: CaFile = {
        format: CA_FORMAT,
        version: 1,
        createdAt: nextCreatedAt(),
        publicKey: spki,
        ca: stateOf(ca),
      }

      const temp = join(dir, tempName(host, crypto, 'tmp'))
      try {
        await fs.mkdir(temp, { mode: DIR_MODE })
      } catch (e) {
        throw storageError('could not create a temporary CA directory', e)
      }
      try {
        // Nobody sees the temporary directory, so its files are written in place; the rename publishes them all.
        await writeNewFile(host, join(temp, 'ca.json'), jsonBytes(file), 'ca.json')
        await writeNewFile(host, join(temp, 'key.pem'), utf8(encodePem(KEY_LABEL, encrypted)), 'key.pem')
        const issuedDir = join(temp, 'issued')
        try {
          await fs.mkdir(issuedDir, { mode: DIR_MODE })
        } catch (e) {
          throw storageError('could not create the registry directory', e)
        }
        const all = [...records.values()]
        for (let i = 0; i < all.length; i += READ_BATCH) {
          const batch = all.slice(i, i + READ_BATCH)
          // allSettled: every write has finished before a failure removes the directory under them.
          const results = await Promise.allSettled(
            batch.map((r) => {
              const name = entryName(r.serialNo)
              return writeNewFile(host, join(issuedDir, name), jsonBytes(r), name)
            }),
          )
          const failed = results.find((r) => r.status === 'rejected')
          if (failed) throw failed.reason
        }
        await syncDir(host, issuedDir)
        await syncDir(host, temp)
        try {
          // Atomic, and it refuses a non-empty target (EEXIST or ENOTEMPTY): a CA that appeared meanwhile stays.
          await fs.rename(temp, caDir(id))
        } catch (e) {
          const code = errorCode(e)
          if (code === 'EEXIST' || code === 'ENOTEMPTY') throw exists()
          throw storageError(`could not move CA ${id} into place`, e)
        }
      } catch (e) {
        await fs.rm(temp, { recursive: true, force: true }).catch(() => {})
        throw e instanceof PkiError ? e : storageError(`could not add CA ${id}`, e)
      }
      await syncDir(host, dir)
      // Copies: the caller keeps its record and may change it.
      const keys = { privateKey: ca.keys.privateKey, publicKey: ca.keys.publicKey }
      keyCache.set(id, Promise.resolve({ spki, keys, sealedKey: copySealedKey(ca.sealedKey) }))
    },

    async loadCa(id) {
      const file = await readCaFile(checkId(id))
      return record(file.ca, await keysOf(id, file))
    },

    async listCas() {
      const files: CaFile[] = []
      for (const id of await caIds()) {
        const bytes = await readCa(id)
        // A directory without ca.json under an id name is not ours (the store only ever renames whole CAs in).
        if (bytes) files.push(parseCaFile(bytes, id))
      }
      files.sort((a, b) =>
        a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? -1 : 1) : a.ca.id < b.ca.id ? -1 : 1,
      )
      return files.map((f) => stateOf(f.ca))
    },

    async deleteCa(id) {
      checkId(id)
      await exclusive(id, async (lock) => {
        if (!(await readCa(id))) throw notFound(id)
        const trash = join(dir, tempName(host, crypto, 'trash'))
        try {
          // One rename takes the CA out of every read; what follows is only freeing space.
          await fs.rename(caDir(id), trash)
        } catch (e) {
          throw storageError(`could not delete CA ${id}`, e)
        }
        // The lock file went with the directory: nothing to release, and the id may be someone else's soon.
        locks.forget(lock)
        keyCache.delete(id)
        await syncDir(host, dir)
        // Best effort: what is left of a trash directory is removed when a later openFileStore finds us dead.
        await fs.rm(trash, { recursive: true, force: true }).catch(() => {})
      })
    },

    async updateCa(id, change) {
      const before = await readCaFile(checkId(id))
      // Keys first, outside the lock: decrypting may take a PBKDF2 run, and it never depends on the new state.
      const keys = await keysOf(id, before)
      return exclusive(id, async () => {
        const file = await readCaFile(id)
        // Another process may have deleted the CA and added another under its id meanwhile: then its keys, resolved
        // before the write, so that a key that fails to open refuses the update instead of failing after it.
        const current = file.publicKey === keys.spki ? keys : await keysOf(id, file)
        const next: CaFile = { ...file, ca: checkChanged(file.ca, change(stateOf(file.ca))) }
        await replaceFile(host, crypto, caDir(id), 'ca.json', jsonBytes(next))
        // Nothing after the write can fail: record() only copies.
        return record(next.ca, current)
      })
    },

    async addIssued(caId, input) {
      checkId(caId)
      await exclusive(caId, async () => {
        const file = await readCaFile(caId)
        const issued = checkIssuedRecord(input)
        assertIssuing(file.ca)
        const issuedDir = join(caDir(caId), 'issued')
        const name = entryName(issued.serialNo)
        const taken = () => new PkiArgumentError('serialNo', `serial ${issued.serialNo} is already in the registry`)
        // Checked first so that a refusal writes nothing; the exclusive link below is the guarantee.
        if (await readIfExists(host, join(issuedDir, name), name)) throw taken()
        if (!(await createFile(host, crypto, issuedDir, name, jsonBytes(issued)))) throw taken()
      })
    },

    async getIssued(caId, serialNo): Promise<IssuedEntry> {
      const file = await readCaFile(checkId(caId))
      const serial = registrySerial(serialNo)
      const name = entryName(serial)
      const bytes = await readIfExists(host, join(caDir(caId), 'issued', name), `registry entry ${name}`)
      if (!bytes) throw new PkiNotFoundError(`no certificate with serial ${serialNo} in the registry of CA ${caId}`)
      return withStatus(parseEntry(bytes, name, caId), file.ca.revoked)
    },

    async listIssued(caId) {
      const file = await readCaFile(checkId(caId))
      const records = await readEntries(caId)
      return records.sort(byIssuance).map((r) => withStatus(r, file.ca.revoked))
    },
  }
}
