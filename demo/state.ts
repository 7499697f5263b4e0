/**
 * The one app state object: the store, what it holds (loaded once per change), the selection, the progress region.
 * Views read it and register a render function; after any change an action calls {@link reload}.
 */
import {
  type CaStore,
  type CertificateAuthority,
  type CertificateInfo,
  type IssuedEntry,
  parseCertificate,
  parseCsr,
} from '../src/index.ts'
import type { Progress } from './ui/progress.ts'

/** How the page shows a CA's status (the contract's words). */
export type StatusText = 'Active' | 'Pending certificate' | 'Disabled' | 'Expired'

/** An issued certificate as the page shows it. */
export interface IssuedView {
  entry: IssuedEntry
  commonName: string
  notAfter: Date
}

/** A CA as the page shows it: the stored record and what is read from it. */
export interface CaView {
  record: CertificateAuthority
  commonName: string
  status: StatusText
  /** Absent while pending. */
  info?: CertificateInfo
  /** The CA on this page whose certificate is this CA's issuer (none for roots and unknown issuers). */
  parentId?: string
  issued: IssuedView[]
}

/** The app state (created once in main.ts). */
export interface AppState {
  store: CaStore
  /** false when IndexedDB could not be opened and the page keeps CAs in memory only. */
  persistent: boolean
  cas: CaView[]
  selectedCaId: string | null
  /** Tree nodes the user collapsed. */
  collapsed: Set<string>
  progress: Progress
  renderers: (() => void)[]
}

/**
 * Creates the app state.
 *
 * @example
 * const app = createAppState(store, true, progress)
 */
export function createAppState(store: CaStore, persistent: boolean, progress: Progress): AppState {
  return { store, persistent, cas: [], selectedCaId: null, collapsed: new Set(), progress, renderers: [] }
}

function statusText(record: CertificateAuthority, info: CertificateInfo | undefined, now: Date): StatusText {
  if (record.status === 'PENDING_CERTIFICATE') return 'Pending certificate'
  if (record.status === 'DISABLED') return 'Disabled'
  if (record.status === 'EXPIRED' || (info && new Date(info.notAfter) < now)) return 'Expired'
  return 'Active'
}

function issuedView(entry: IssuedEntry): IssuedView {
  let commonName = ''
  try {
    commonName = parseCertificate(entry.certificate).subject.commonName ?? ''
  } catch {
    // Shown by serial instead.
  }
  return { entry, commonName: commonName || entry.serialNo, notAfter: new Date(entry.notAfter) }
}

async function caView(store: CaStore, record: CertificateAuthority, now: Date): Promise<CaView> {
  const info = record.certificate ? parseCertificate(record.certificate) : undefined
  const subject = info?.subject ?? (record.csr ? parseCsr(record.csr).subject : {})
  const issued = (await store.listIssued(record.id)).map(issuedView)
  return {
    record,
    commonName: subject.commonName ?? record.id,
    status: statusText(record, info, now),
    ...(info ? { info } : {}),
    issued,
  }
}

function linkParents(cas: CaView[]): void {
  const bySha = new Map(cas.flatMap((c) => (c.info ? [[c.info.fingerprints.sha256, c.record.id] as const] : [])))
  for (const ca of cas) {
    const issuer = ca.record.chain[0]
    if (!issuer || !ca.info || ca.info.selfIssued) continue
    try {
      const parent = bySha.get(parseCertificate(issuer).fingerprints.sha256)
      if (parent && parent !== ca.record.id) ca.parentId = parent
    } catch {
      // An unreadable chain entry: shown at the top level.
    }
  }
}

/**
 * Reads everything from the store again and re-renders every view.
 *
 * @example
 * await createRootCa({ subject, store: app.store })
 * await reload(app)
 */
export async function reload(app: AppState): Promise<void> {
  const now = new Date()
  const states = await app.store.listCas()
  const records = await Promise.all(states.map((s) => app.store.loadCa(s.id)))
  app.cas = await Promise.all(records.map((r) => caView(app.store, r, now)))
  linkParents(app.cas)
  if (app.selectedCaId && !app.cas.some((c) => c.record.id === app.selectedCaId)) app.selectedCaId = null
  for (const render of app.renderers) render()
}

/**
 * The CA with this id, if the page has it.
 *
 * @example
 * const ca = findCa(app, app.selectedCaId)
 */
export function findCa(app: AppState, id: string | null): CaView | undefined {
  return app.cas.find((c) => c.record.id === id)
}

/**
 * The active CAs (those that can sign), for the "Issuing CA" and "Parent CA" selects.
 *
 * @example
 * setOptions(select, caOptions(activeCas(app)))
 */
export function activeCas(app: AppState): CaView[] {
  return app.cas.filter((c) => c.status === 'Active')
}

/**
 * [id, common name] pairs for a select.
 *
 * @example
 * setOptions(select, caOptions(app.cas))
 */
export function caOptions(cas: readonly CaView[]): [string, string][] {
  return cas.map((c) => [c.record.id, c.commonName])
}

/**
 * A CA's certificate followed by its issuers up to the root (PEM), as the page's "chain" downloads give it.
 *
 * @example
 * downloadFile(`${slug(ca.commonName)}-chain.pem`, caChainPem(ca.record))
 */
export function caChainPem(record: CertificateAuthority): string {
  return [record.certificate ?? '', ...record.chain].map(pemBlock).join('')
}

/**
 * A PEM block ending with exactly one newline.
 *
 * @example
 * pemBlock('-----BEGIN…-----END CERTIFICATE-----') // '…-----\n'
 */
export function pemBlock(pem: string): string {
  const t = pem.trim()
  return t ? `${t}\n` : ''
}

/**
 * YYYY-MM-DD of a date (UTC).
 *
 * @example
 * day(new Date('2036-01-02T10:00:00Z')) // '2036-01-02'
 */
export function day(date: Date | string): string {
  return new Date(date).toISOString().slice(0, 10)
}
