/**
 * The IndexedDB back end of {@link CaStore} (browser). CA records are stored as they are, by structured clone, so the
 * private key stays a non-extractable CryptoKey: the database never holds key bytes (a CA made with `allowBackup`
 * carries its key only sealed under another non-extractable key). Every method is one IndexedDB transaction, and
 * inside a transaction nothing is awaited but IndexedDB requests: awaiting anything else would let the transaction
 * commit half-way (IndexedDB 3.0, 2.7 "transaction lifetime").
 *
 * Layout (database version 1):
 * - `cas`: key path `id`; values `{ id, seq, ca }`, `ca` the CA record with its CryptoKeys, `seq` a creation number
 *   (index `seq`) that orders listCas oldest first;
 * - `issued`: key path `['caId', 'serialNo']`; values an IssuedRecord plus `caId` (index `caId`).
 */
import type { CertificateAuthority } from '../ca/types.ts'
import { PkiArgumentError, PkiNotFoundError, PkiNotSupportedError, PkiStateError, PkiStorageError } from '../errors.ts'
import {
  assertIssuing,
  byIssuance,
  checkChanged,
  checkId,
  checkIssuedRecord,
  registrySerial,
  stateOf,
  withStatus,
} from './registry.ts'
import type { CaStore, IssuedEntry, IssuedRecord } from './types.ts'

/** Options of {@link openIndexedDbStore}. */
export interface IndexedDbStoreOptions {
  /** The database name (default 'pocket-ca'): one database per name and origin. */
  name?: string
  /** The IndexedDB to use (default `globalThis.indexedDB`). */
  indexedDB?: IDBFactory
}

const DB_VERSION = 1
const CAS = 'cas'
const ISSUED = 'issued'

interface StoredCa {
  id: string
  seq: number
  ca: CertificateAuthority
}

type StoredIssued = IssuedRecord & { caId: string }

/**
 * A CaStore in IndexedDB, with `close()`: needed only to delete or upgrade the database from this same page without
 * waiting for `versionchange`, or to release the connection early; afterwards every method fails with
 * PkiStorageError. Closing twice is harmless.
 *
 * @example
 * const store: IndexedDbStore = await openIndexedDbStore({ name: 'scratch' })
 * store.close()
 * indexedDB.deleteDatabase('scratch')
 */
export interface IndexedDbStore extends CaStore {
  close(): void
}

function storageError(what: string, cause: unknown): PkiStorageError {
  const name = (cause as { name?: unknown } | null)?.name
  return new PkiStorageError(`IndexedDB: ${what} failed${typeof name === 'string' ? `: ${name}` : ''}`, { cause })
}

/** One request as a promise; its failure is a PkiStorageError (the request's error event then aborts the transaction). */
function request<T>(what: string, make: () => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    let req: IDBRequest<T>
    try {
      req = make()
    } catch (error) {
      // Thrown synchronously: DataCloneError (a record that cannot be cloned), TransactionInactiveError, ...
      reject(storageError(what, error))
      return
    }
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(storageError(what, req.error))
  })
}

/**
 * Runs `body` in one transaction and settles only once the transaction has finished: resolved after `complete`
 * (the write is durable), rejected after `abort` (nothing was written). What `body` throws propagates as is (our own
 * PkiErrors, what a `change` throws, request failures already mapped by {@link request}); a failure of the
 * transaction itself (quota exceeded at commit, connection closed) is a PkiStorageError.
 */
async function inTransaction<T>(
  db: IDBDatabase,
  names: string[],
  mode: IDBTransactionMode,
  body: (tx: IDBTransaction) => Promise<T>,
): Promise<T> {
  let tx: IDBTransaction
  try {
    // Strict durability for writes: a registry entry or a CRL number that is lost after a crash could be reused.
    tx = mode === 'readwrite' ? db.transaction(names, mode, { durability: 'strict' }) : db.transaction(names, mode)
  } catch (error) {
    throw storageError(`opening a ${mode} transaction (is the store closed?)`, error)
  }
  const finished = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onabort = () => reject(tx.error ?? new DOMException('the transaction was aborted', 'AbortError'))
  })
  let result: T
  try {
    result = await body(tx)
  } catch (error) {
    try {
      tx.abort()
    } catch {
      // Already aborting (a failed request aborts its transaction) or finished: nothing left to undo.
    }
    await finished.catch(() => {})
    throw error
  }
  try {
    await finished
  } catch (error) {
    throw storageError(`the ${mode} transaction`, error)
  }
  return result
}

function record(stored: StoredCa): CertificateAuthority {
  const ca: CertificateAuthority = { ...stateOf(stored.ca), keys: stored.ca.keys }
  return stored.ca.sealedKey ? { ...ca, sealedKey: stored.ca.sealedKey } : ca
}

function issuedRecord(stored: StoredIssued): IssuedRecord {
  const { caId: _caId, ...issued } = stored
  return issued
}

function notFound(id: string): PkiNotFoundError {
  return new PkiNotFoundError(`no CA with id ${id} in this store`)
}

function openDatabase(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let req: IDBOpenDBRequest
    try {
      req = factory.open(name, DB_VERSION)
    } catch (error) {
      // SecurityError: an opaque origin (sandboxed frame, some file:// pages) has no IndexedDB.
      reject(storageError(`opening database ${JSON.stringify(name)}`, error))
      return
    }
    req.onupgradeneeded = () => {
      // Version 1 is the only version so far: the upgrade always starts from an empty database.
      const db = req.result
      db.createObjectStore(CAS, { keyPath: 'id' }).createIndex('seq', 'seq', { unique: true })
      db.createObjectStore(ISSUED, { keyPath: ['caId', 'serialNo'] }).createIndex('caId', 'caId')
    }
    req.onsuccess = () => {
      const db = req.result
      if (!db.objectStoreNames.contains(CAS) || !db.objectStoreNames.contains(ISSUED)) {
        db.close()
        reject(new PkiStorageError(`IndexedDB: database ${JSON.stringify(name)} is not a pocket-ca store`))
        return
      }
      resolve(db)
    }
    // VersionError (made by a newer pocket-ca), UnknownError (storage disabled or broken), AbortError.
    req.onerror = () => reject(storageError(`opening database ${JSON.stringify(name)}`, req.error))
    // `blocked` needs no handler: our connections close on `versionchange`, so the open proceeds once they have.
  })
}

/**
 * Opens (creating it if needed) a CA store in IndexedDB. It keeps CA keys as the CryptoKey objects they are, by
 * structured clone: a non-extractable key stays non-extractable and no key bytes are written. Each method is one
 * IndexedDB transaction, so a method that throws leaves the database as it was. Errors: PkiNotSupportedError
 * without IndexedDB, PkiStorageError when IndexedDB fails (quota, a closed connection, a record that cannot be
 * cloned), PkiNotFoundError / PkiStateError / PkiArgumentError as {@link CaStore} says.
 *
 * The store holds one connection. It closes itself when another connection wants to upgrade or delete the
 * database (`versionchange`), so that it never blocks them; after that, or after its `close()`, every
 * method fails with PkiStorageError and the store has to be opened again.
 *
 * @example
 * const store = await openIndexedDbStore()
 * const root = await createRootCa({ subject: { commonName: 'Home Root' }, store })
 * // later, after a reload:
 * const again = await (await openIndexedDbStore()).loadCa(root.id)
 */
export async function openIndexedDbStore(o: IndexedDbStoreOptions = {}): Promise<IndexedDbStore> {
  if (typeof o !== 'object' || o === null) throw new TypeError('openIndexedDbStore: options must be an object')
  const name = o.name ?? 'pocket-ca'
  if (typeof name !== 'string') throw new TypeError('openIndexedDbStore: name must be a string')
  const factory = o.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB
  if (!factory) throw new PkiNotSupportedError('IndexedDB is not available in this runtime')
  if (typeof factory.open !== 'function') throw new TypeError('openIndexedDbStore: indexedDB must be an IDBFactory')

  const db = await openDatabase(factory, name)
  db.onversionchange = () => db.close()

  const loadStored = async (cas: IDBObjectStore, id: string): Promise<StoredCa> => {
    const stored = await request<StoredCa | undefined>('reading a CA', () => cas.get(id))
    if (!stored) throw notFound(id)
    return stored
  }

  const store: IndexedDbStore = {
    close: () => db.close(),
    keeps: 'CryptoKey',

    async addCa(ca, issued = []) {
      const id = checkId(ca?.id)
      const records = issued.map(checkIssuedRecord)
      // Copied as the memory store copies it: the keyless part, the key pair, the sealed key if any.
      const value: CertificateAuthority = { ...stateOf(ca), keys: { ...ca.keys } }
      if (ca.sealedKey) value.sealedKey = ca.sealedKey
      await inTransaction(db, [CAS, ISSUED], 'readwrite', async (tx) => {
        const cas = tx.objectStore(CAS)
        if ((await request('reading a CA', () => cas.count(id))) > 0) {
          throw new PkiStateError(ca.status, `a CA with id ${id} is already in this store`)
        }
        const last = await request('reading the CA sequence', () => cas.index('seq').openKeyCursor(null, 'prev'))
        const seq = last ? Number(last.key) + 1 : 1
        const adding = [request('writing a CA', () => cas.add({ id, seq, ca: value } satisfies StoredCa))]
        const registry = tx.objectStore(ISSUED)
        // `put`, not `add`: a serial listed twice keeps its last record, as in the memory store.
        for (const r of records) {
          adding.push(
            request('writing a registry entry', () => registry.put({ ...r, caId: id } satisfies StoredIssued)),
          )
        }
        await Promise.all(adding)
      })
    },

    async loadCa(id) {
      checkId(id)
      return inTransaction(db, [CAS], 'readonly', async (tx) => record(await loadStored(tx.objectStore(CAS), id)))
    },

    async listCas() {
      return inTransaction(db, [CAS], 'readonly', async (tx) => {
        const all = await request<StoredCa[]>('listing CAs', () => tx.objectStore(CAS).index('seq').getAll())
        return all.map((s) => stateOf(s.ca))
      })
    },

    async deleteCa(id) {
      checkId(id)
      await inTransaction(db, [CAS, ISSUED], 'readwrite', async (tx) => {
        const cas = tx.objectStore(CAS)
        if ((await request('reading a CA', () => cas.count(id))) === 0) throw notFound(id)
        // Every key [id, serial] lies in [[id], [id, []]]: arrays sort after strings (IndexedDB 3.0, 2.5 keys).
        const registry = IDBKeyRange.bound([id], [id, []])
        await Promise.all([
          request('deleting a CA', () => cas.delete(id)),
          request('deleting a registry', () => tx.objectStore(ISSUED).delete(registry)),
        ])
      })
    },

    async updateCa(id, change) {
      checkId(id)
      if (typeof change !== 'function') throw new TypeError('updateCa: change must be a function')
      return inTransaction(db, [CAS], 'readwrite', async (tx) => {
        const cas = tx.objectStore(CAS)
        const stored = await loadStored(cas, id)
        // Synchronous, between two requests of the same transaction: nothing else writes in between. What it throws
        // aborts the transaction and reaches the caller unchanged.
        const next = checkChanged(stateOf(stored.ca), change(stateOf(stored.ca)))
        const ca: CertificateAuthority = { ...next, keys: stored.ca.keys }
        if (stored.ca.sealedKey) ca.sealedKey = stored.ca.sealedKey
        const updated: StoredCa = { id, seq: stored.seq, ca }
        await request('writing a CA', () => cas.put(updated))
        return record(updated)
      })
    },

    async addIssued(caId, input) {
      checkId(caId)
      await inTransaction(db, [CAS, ISSUED], 'readwrite', async (tx) => {
        const stored = await loadStored(tx.objectStore(CAS), caId)
        const issued = checkIssuedRecord(input)
        assertIssuing(stateOf(stored.ca))
        const registry = tx.objectStore(ISSUED)
        if ((await request('reading the registry', () => registry.count([caId, issued.serialNo]))) > 0) {
          throw new PkiArgumentError('serialNo', `serial ${issued.serialNo} is already in the registry`)
        }
        await request('writing a registry entry', () => registry.add({ ...issued, caId } satisfies StoredIssued))
      })
    },

    async getIssued(caId, serialNo): Promise<IssuedEntry> {
      checkId(caId)
      return inTransaction(db, [CAS, ISSUED], 'readonly', async (tx) => {
        const stored = await loadStored(tx.objectStore(CAS), caId)
        const serial = registrySerial(serialNo)
        const found = await request<StoredIssued | undefined>('reading the registry', () =>
          tx.objectStore(ISSUED).get([caId, serial]),
        )
        if (!found) throw new PkiNotFoundError(`no certificate with serial ${serialNo} in the registry of CA ${caId}`)
        return withStatus(issuedRecord(found), stored.ca.revoked)
      })
    },

    async listIssued(caId) {
      checkId(caId)
      return inTransaction(db, [CAS, ISSUED], 'readonly', async (tx) => {
        const stored = await loadStored(tx.objectStore(CAS), caId)
        const all = await request<StoredIssued[]>('reading the registry', () =>
          tx.objectStore(ISSUED).index('caId').getAll(caId),
        )
        return all
          .map(issuedRecord)
          .sort(byIssuance)
          .map((r) => withStatus(r, stored.ca.revoked))
      })
    },
  }
  return store
}
