/**
 * The pocket-ca demo: a complete private CA in one offline page. Keys are made by this tab's WebCrypto and kept in
 * its IndexedDB (database `pocket-ca-demo`) as non-extractable CryptoKeys; the page's Content-Security-Policy
 * (`connect-src 'none'`) keeps it from sending anything anywhere.
 */
/// <reference types="vite/client" />
import './styles.css'
import { type CaStore, createMemoryStore, openIndexedDbStore } from '../src/index.ts'
import { type AppState, createAppState, reload } from './state.ts'
import { byId, h } from './ui/dom.ts'
import { guardPageDrops } from './ui/files.ts'
import { createProgress } from './ui/progress.ts'
import { renderBackup } from './views/backup.ts'
import { renderCaDetails } from './views/ca-details.ts'
import { renderCreateRoot } from './views/create-root.ts'
import { renderCreateSubordinate } from './views/create-subordinate.ts'
import { renderHierarchy } from './views/hierarchy.ts'
import { renderInspect } from './views/inspect.ts'
import { renderIssue } from './views/issue.ts'
import { renderKeyCsr } from './views/key-csr.ts'

async function openStore(): Promise<{ store: CaStore; persistent: boolean }> {
  try {
    return { store: await openIndexedDbStore({ name: 'pocket-ca-demo' }), persistent: true }
  } catch (error) {
    console.warn('IndexedDB unavailable, keeping CAs in memory', error)
    return { store: createMemoryStore(), persistent: false }
  }
}

function selectCa(app: AppState, caId: string, serialNo?: string): void {
  app.selectedCaId = caId
  for (const render of app.renderers) render()
  if (!serialNo) return
  const row = [...document.querySelectorAll<HTMLElement>('tr[data-serial]')].find((r) => r.dataset.serial === serialNo)
  row?.classList.add('highlight')
  row?.scrollIntoView({ block: 'nearest' })
}

function mount(app: AppState): void {
  renderHierarchy(app, byId('tree-body', HTMLDivElement), { onSelect: (id, serial) => selectCa(app, id, serial) })
  renderCaDetails(app, byId('details-body', HTMLDivElement))
  renderCreateRoot(app, byId('root-body', HTMLDivElement), 'root-title')
  renderCreateSubordinate(app, byId('sub-body', HTMLDivElement), 'sub-title')
  renderIssue(app, byId('issue-body', HTMLDivElement), 'issue-title')
  renderKeyCsr(app, byId('csr-body', HTMLDivElement))
  renderInspect(app, byId('inspect-body', HTMLDivElement), 'inspect-title')
  renderBackup(app, byId('backup-body', HTMLDivElement))
}

async function start(): Promise<void> {
  guardPageDrops(document)
  byId('no-script', HTMLElement).remove()
  const progress = createProgress(byId('progress', HTMLElement))
  const { store, persistent } = await openStore()
  const app = createAppState(store, persistent, progress)
  if (!persistent) {
    byId('storage-note', HTMLElement).append(
      h('p', { class: 'warning' }, 'This browser refused IndexedDB here: CAs live only until the tab is closed.'),
    )
  }
  mount(app)
  await reload(app)
  // Another tab may have changed the store (the store is the truth): look again when this tab comes back.
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) void reload(app)
  })
}

start().catch((error: unknown) => {
  document.body.prepend(h('p', { role: 'alert', class: 'alert fatal' }, `The page could not start: ${String(error)}`))
})
