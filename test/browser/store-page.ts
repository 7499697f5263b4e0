/**
 * The page of indexeddb.test.ts: bundled by esbuild and loaded in headless Chromium. It puts the library functions,
 * and a few helpers that look at the database with raw IndexedDB, on `globalThis.pocket`, for the test to call with
 * `page.evaluate`. Records with CryptoKeys cannot leave the page, so the test keeps them in `pocket.kept` between
 * calls (a reload empties it, which is the point).
 */
import {
  createMemoryStore,
  createRootCa,
  createSubordinateCa,
  disableCa,
  exportCaBackup,
  exportPrivateKey,
  generateCrl,
  getCaCsr,
  importCaBackup,
  importCaCertificate,
  issueCertificate,
  openIndexedDbStore,
  PkiStateError,
  parseCertificate,
  revokeCertificate,
  signSubordinateCa,
  verifyChain,
} from '../../src/index.ts'

/** An error as it can cross to the test: the fields tests assert on. */
export interface ErrorInfo {
  name: string
  code?: string
  field?: string
  status?: string
  message: string
  causeName?: string
}

function errorInfo(error: unknown): ErrorInfo {
  const e = error as {
    name?: string
    code?: string
    field?: string
    status?: string
    message?: string
    cause?: unknown
  }
  const info: ErrorInfo = { name: String(e?.name), message: String(e?.message ?? error) }
  if (typeof e?.code === 'string') info.code = e.code
  if (typeof e?.field === 'string') info.field = e.field
  if (typeof e?.status === 'string') info.status = e.status
  const causeName = (e?.cause as { name?: unknown } | undefined)?.name
  if (typeof causeName === 'string') info.causeName = causeName
  return info
}

/**
 * What `work` throws, as {@link ErrorInfo}; null if it does not throw.
 *
 * @example
 * const error = await pocket.failure(() => store.loadCa('nope'))
 */
async function failure(work: () => unknown): Promise<ErrorInfo | null> {
  try {
    await work()
    return null
  } catch (error) {
    return errorInfo(error)
  }
}

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
}

/** Every object store of a database: its name and its [key, value] pairs, read with raw IndexedDB. */
async function readDatabase(name: string): Promise<{ store: string; entries: [IDBValidKey, unknown][] }[]> {
  const databases = await indexedDB.databases()
  if (!databases.some((d) => d.name === name)) return [] // open() would create it
  const db = await requestResult(indexedDB.open(name))
  try {
    const names = [...db.objectStoreNames]
    if (names.length === 0) return []
    const tx = db.transaction(names, 'readonly')
    return await Promise.all(
      names.map(async (store) => {
        const s = tx.objectStore(store)
        const [keys, values] = await Promise.all([requestResult(s.getAllKeys()), requestResult(s.getAll())])
        return { store, entries: keys.map((k, i) => [k, values[i]] as [IDBValidKey, unknown]) }
      }),
    )
  } finally {
    db.close()
  }
}

/** A value made JSON-able for comparison: CryptoKeys and binary data described, everything else kept. */
function describeValue(value: unknown): unknown {
  if (value instanceof CryptoKey) {
    return {
      CryptoKey: { type: value.type, extractable: value.extractable, algorithm: value.algorithm, usages: value.usages },
    }
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    const bytes =
      value instanceof ArrayBuffer
        ? new Uint8Array(value)
        : new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
    return { [value.constructor.name]: [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('') }
  }
  if (Array.isArray(value)) return value.map(describeValue)
  if (value === undefined) return { undefined: true }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describeValue(v)]))
  }
  return value
}

/**
 * The whole database as JSON text, for before/after comparisons.
 *
 * @example
 * const before = await pocket.dumpDatabase('t1')
 */
async function dumpDatabase(name: string): Promise<string> {
  return JSON.stringify(describeValue(await readDatabase(name)))
}

/** What {@link scanDatabase} found that could be key material. */
export interface KeyScan {
  /** How many values were walked. */
  values: number
  /** Every CryptoKey: where, its type and whether it is extractable. */
  keys: { path: string; type: string; extractable: boolean }[]
  /** Every binary value (ArrayBuffer, typed array, DataView): where and of what kind. */
  binaries: { path: string; kind: string; length: number }[]
  /** Every string that contains 'PRIVATE KEY'. */
  privatePem: string[]
  /** Anything of a kind the walk does not know (Blob, Map, ...): it could hide bytes. */
  unknown: { path: string; kind: string }[]
}

/**
 * Walks every value of every object store, with raw IndexedDB, looking for private key material.
 *
 * @example
 * const scan = await pocket.scanDatabase('pocket-ca')
 */
async function scanDatabase(name: string): Promise<KeyScan> {
  const scan: KeyScan = { values: 0, keys: [], binaries: [], privatePem: [], unknown: [] }
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      if (value.includes('PRIVATE KEY')) scan.privatePem.push(path)
    } else if (value instanceof CryptoKey) {
      scan.keys.push({ path, type: value.type, extractable: value.extractable })
    } else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
      scan.binaries.push({ path, kind: value.constructor.name, length: value.byteLength })
    } else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, `${path}[${i}]`)
    } else if (typeof value === 'object' && value !== null) {
      if (Object.getPrototypeOf(value) !== Object.prototype) {
        scan.unknown.push({ path, kind: (value as object).constructor?.name ?? 'null prototype' })
        return
      }
      for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`)
    }
  }
  for (const { store, entries } of await readDatabase(name)) {
    for (const [key, value] of entries) {
      scan.values++
      walk(value, `${store}[${JSON.stringify(key)}]`)
    }
  }
  return scan
}

/**
 * Deletes a database (the store's connections close themselves on `versionchange`).
 *
 * @example
 * await pocket.deleteDatabase('t1')
 */
async function deleteDatabase(name: string): Promise<void> {
  await requestResult(indexedDB.deleteDatabase(name) as IDBRequest<unknown>)
}

const pocket = {
  createMemoryStore,
  createRootCa,
  createSubordinateCa,
  disableCa,
  exportCaBackup,
  exportPrivateKey,
  generateCrl,
  getCaCsr,
  importCaBackup,
  importCaCertificate,
  issueCertificate,
  PkiStateError,
  parseCertificate,
  revokeCertificate,
  signSubordinateCa,
  verifyChain,
  openIndexedDbStore,
  failure,
  dumpDatabase,
  scanDatabase,
  deleteDatabase,
  /** Records kept between `page.evaluate` calls (CryptoKeys cannot cross to the test). */
  kept: {} as Record<string, unknown>,
}

/** What the page offers on `globalThis.pocket`. */
export type StorePage = typeof pocket

;(globalThis as { pocket?: StorePage }).pocket = pocket
