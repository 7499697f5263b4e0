/**
 * The emulator page of the demo: registers the Service Worker (sw.ts) that answers the cloud CA APIs inside the
 * browser, lists the routes and the CAs of the demo's IndexedDB (`pocket-ca-demo`, shared with the CA page), makes
 * example CAs, and sends requests to the routes with fetch(), showing the answers. Its Content-Security-Policy allows
 * `connect-src 'self'` only: the page can reach its own origin, where the worker answers, and nothing else. Its
 * styles are the CA page's (styles.css, built into emulator.css by vite.config.ts).
 */
import {
  type CaState,
  type CaStore,
  createRootCa,
  createSubordinateCa,
  openIndexedDbStore,
  parseCertificate,
  parseCsr,
} from '../src/index.ts'
import { DEMO_DATABASE, EMULATOR_HEADER, ROUTES } from './emulator-routes.ts'
import { byId, h, replaceChildren } from './ui/dom.ts'
import { selectField, setOptions, textAreaField, textField } from './ui/fields.ts'
import { button, buttonRow } from './ui/widgets.ts'

/** A ready-made request of the "Try a route" form. */
interface Preset {
  label: string
  method: 'GET' | 'POST'
  /** The API path for a CA id and the last XClarity CSR id. */
  path: (caId: string, csrId: string) => string
  headers: Record<string, string>
  body?: unknown
  /** The CAs it makes sense for: pending (CSR routes), active (issuance), or none. */
  wants: 'PENDING_CERTIFICATE' | 'ACTIVE' | 'none'
}

const JSON_TYPE = { 'content-type': 'application/json' }

const PRESETS: Record<string, Preset> = {
  'ncp-csr': {
    label: 'NCP: Get Sub CSR',
    method: 'GET',
    path: (ca) => `/api/v1/ca/${ca}/sub/csr`,
    headers: {},
    wants: 'PENDING_CERTIFICATE',
  },
  'ncp-cert': {
    label: 'NCP: Issue End Cert',
    method: 'POST',
    path: (ca) => `/api/v1/ca/${ca}/cert`,
    headers: JSON_TYPE,
    body: {
      keyType: 'EC256',
      period: 90,
      x509Parameters: { commonName: 'api.example.test', altName: 'api.example.test' },
    },
    wants: 'ACTIVE',
  },
  'huawei-csr': {
    label: 'Huawei CCM PCA: export the CSR',
    method: 'GET',
    path: (ca) => `/v1/private-certificate-authorities/${ca}/csr`,
    headers: { 'x-auth-token': 'any-token' },
    wants: 'PENDING_CERTIFICATE',
  },
  'xclarity-generate': {
    label: 'XClarity: generate a CSR',
    method: 'POST',
    path: () => '/certificateSigningRequest',
    headers: JSON_TYPE,
    body: { CommonName: 'xcc.example.test', Country: 'GB', Organization: 'Example' },
    wants: 'none',
  },
  'xclarity-get': {
    label: 'XClarity: get that CSR',
    method: 'GET',
    path: (_ca, csr) => `/certificateSigningRequest?path=${encodeURIComponent(csr)}&details=true`,
    headers: {},
    wants: 'none',
  },
  'aws-list': {
    label: 'AWS Private CA: ListCertificateAuthorities',
    method: 'POST',
    path: () => '/',
    headers: {
      'x-amz-target': 'ACMPrivateCA.ListCertificateAuthorities',
      'content-type': 'application/x-amz-json-1.1',
    },
    body: {},
    wants: 'none',
  },
}

/** The folder of this page: the Service Worker's scope, where the API paths start. */
function apiBase(): URL {
  return new URL('./', location.href)
}

/** A CA as the list shows it. */
interface CaRow {
  state: CaState
  name: string
}

function caName(state: CaState): string {
  try {
    if (state.certificate) return parseCertificate(state.certificate).subject.commonName ?? state.id
    if (state.csr) return parseCsr(state.csr).subject.commonName ?? state.id
  } catch {
    // Shown by id.
  }
  return state.id
}

const STATUS_TEXT: Record<string, string> = {
  ACTIVE: 'Active',
  PENDING_CERTIFICATE: 'Pending certificate',
  DISABLED: 'Disabled',
  EXPIRED: 'Expired',
}

/** Shows whether the Service Worker controls this page; returns when it does (or cannot). */
async function startWorker(status: HTMLElement): Promise<void> {
  const say = (text: string, state: string) => {
    status.textContent = text
    status.dataset.state = state
  }
  if (!('serviceWorker' in navigator)) {
    say('Not available: this browser offers no Service Worker here (it needs an http(s) page).', 'unavailable')
    return
  }
  const show = () => {
    if (navigator.serviceWorker.controller) {
      say('Active: it answers the API requests of this page, inside the browser.', 'active')
    }
  }
  navigator.serviceWorker.addEventListener('controllerchange', show)
  try {
    say('Installing…', 'installing')
    await navigator.serviceWorker.register('./sw.js', { scope: './' })
    await navigator.serviceWorker.ready
    show()
    if (!navigator.serviceWorker.controller) {
      // A forced reload (Shift+F5) bypasses the worker until the next ordinary load.
      say('Installed, but not in charge of this page: reload it (not a forced reload).', 'uncontrolled')
    }
  } catch (e) {
    say(`Could not be registered: ${e instanceof Error ? e.message : String(e)}`, 'failed')
  }
}

function renderRoutes(body: HTMLElement): void {
  const rows = ROUTES.map((r) =>
    h('tr', {}, h('td', {}, r.api), h('td', {}, r.method), h('td', {}, h('code', {}, r.path)), h('td', {}, r.what)),
  )
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col' }, 'API'),
    h('th', { scope: 'col' }, 'Method'),
    h('th', { scope: 'col' }, 'Path'),
    h('th', { scope: 'col' }, 'Answers'),
  )
  replaceChildren(
    body,
    h('p', {}, `Paths start at this page's folder (${apiBase().pathname}). The NCP paths also work without /api/v1.`),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        {},
        h('caption', {}, 'Routes the Service Worker answers'),
        h('thead', {}, head),
        h('tbody', {}, ...rows),
      ),
    ),
  )
}

/** The fetch() call for a request, as it can be pasted into this page's console. */
function asFetch(method: string, path: string, headers: Record<string, string>, body: string): string {
  const init: string[] = [`method: '${method}'`]
  if (Object.keys(headers).length > 0) init.push(`headers: ${JSON.stringify(headers)}`)
  if (method !== 'GET' && body.trim()) init.push(`body: ${JSON.stringify(body.trim())}`)
  return `await (await fetch('.${path}', { ${init.join(', ')} })).text()`
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const at = line.indexOf(':')
    if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim()
  }
  return headers
}

async function start(): Promise<void> {
  byId('no-script', HTMLElement).remove()
  renderRoutes(byId('routes-body', HTMLDivElement))
  const worker = startWorker(byId('worker-status', HTMLElement))

  let store: CaStore | undefined
  const cas: CaRow[] = []
  /** The id of the last CSR made with "XClarity: generate a CSR". */
  let csrId = '{id}'

  const casBody = byId('cas-body', HTMLDivElement)
  const casNote = h('p', { class: 'done', 'aria-live': 'polite', id: 'cas-note' })
  const casTable = h('div', { class: 'table-scroll' })

  const tryBody = byId('try-body', HTMLDivElement)
  const route = selectField(
    'try-route',
    'Route',
    Object.entries(PRESETS).map(([k, p]) => [k, p.label] as const),
  )
  const ca = selectField('try-ca', 'CA', [])
  const path = textField('try-path', 'Path', { hint: "From this page's folder." })
  const headers = textAreaField('try-headers', 'Headers', { hint: 'One "name: value" per line.' })
  const body = textAreaField('try-body-text', 'Body')
  headers.control.rows = 3
  const code = h('pre', { tabindex: '0', id: 'try-fetch' })
  const answerStatus = h('p', { id: 'try-status', role: 'status', 'aria-label': 'Answer status' })
  const answerBody = h('pre', { tabindex: '0', id: 'try-answer', 'aria-label': 'Answer body' })

  const preset = () => PRESETS[route.control.value] as Preset
  const showFetch = () => {
    code.textContent = asFetch(
      preset().method,
      path.control.value,
      parseHeaders(headers.control.value),
      body.control.value,
    )
  }
  const fill = () => {
    const p = preset()
    const wanted = p.wants === 'none' ? [] : cas.filter((c) => c.state.status === p.wants)
    const choices = (wanted.length > 0 ? wanted : cas).map(
      (c) => [c.state.id, `${c.name} (${STATUS_TEXT[c.state.status] ?? c.state.status})`] as const,
    )
    setOptions(ca.control, choices)
    ca.control.disabled = p.wants === 'none'
    path.control.value = p.path(ca.control.value || '{caTag}', csrId)
    headers.control.value = Object.entries(p.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n')
    body.control.value = p.body === undefined ? '' : JSON.stringify(p.body, null, 2)
    showFetch()
  }
  const choosePath = () => {
    path.control.value = preset().path(ca.control.value || '{caTag}', csrId)
    showFetch()
  }
  route.control.addEventListener('change', fill)
  ca.control.addEventListener('change', choosePath)
  for (const f of [path, headers, body]) f.control.addEventListener('input', showFetch)

  const send = async (b: HTMLButtonElement) => {
    b.disabled = true
    answerStatus.textContent = 'Sending…'
    answerBody.textContent = ''
    try {
      const method = preset().method
      const response = await fetch(new URL(`.${path.control.value}`, apiBase()), {
        method,
        headers: parseHeaders(headers.control.value),
        ...(method === 'GET' ? {} : { body: body.control.value }),
      })
      const text = await response.text()
      const who =
        response.headers.get(EMULATOR_HEADER) === 'service-worker'
          ? 'the Service Worker'
          : 'the network (not the worker)'
      answerStatus.textContent = `HTTP ${response.status}, answered by ${who}`
      let shown = text
      try {
        const parsed = JSON.parse(text) as { response?: { path?: unknown } }
        shown = JSON.stringify(parsed, null, 2)
        if (route.control.value === 'xclarity-generate' && typeof parsed.response?.path === 'string') {
          csrId = parsed.response.path
        }
      } catch {
        // Not JSON (a bare PEM): shown as it came.
      }
      answerBody.textContent = shown
    } catch (e) {
      answerStatus.textContent = `The request failed: ${e instanceof Error ? e.message : String(e)}`
    } finally {
      b.disabled = false
    }
  }

  replaceChildren(
    tryBody,
    h(
      'form',
      { 'aria-labelledby': 'try-title', novalidate: true, onsubmit: (e: Event) => e.preventDefault() },
      route.wrapper,
      ca.wrapper,
      path.wrapper,
      headers.wrapper,
      body.wrapper,
      buttonRow(button('Send', send, { class: 'primary' })),
    ),
    h('h3', {}, 'As fetch() in this page'),
    h('div', { class: 'pem-view' }, code),
    h(
      'section',
      { class: 'result', 'aria-label': 'Answer' },
      h('h3', {}, 'Answer'),
      answerStatus,
      h('div', { class: 'pem-view' }, answerBody),
    ),
  )

  const list = async () => {
    if (!store) return
    const states = await store.listCas()
    cas.splice(0, cas.length, ...states.map((state) => ({ state, name: caName(state) })))
    const head = h(
      'tr',
      {},
      ...['Name', 'Status', 'Key type', 'CA id (caTag, ca_id)'].map((t) => h('th', { scope: 'col' }, t)),
    )
    const rows = cas.map((c) =>
      h(
        'tr',
        { 'data-ca-id': c.state.id },
        h('td', {}, c.name),
        h('td', {}, STATUS_TEXT[c.state.status] ?? c.state.status),
        h('td', {}, c.state.keyType),
        h('td', {}, h('code', {}, c.state.id)),
      ),
    )
    replaceChildren(
      casTable,
      cas.length === 0
        ? h('p', {}, 'No CAs yet.')
        : h(
            'table',
            { id: 'cas-table' },
            h('caption', {}, 'CAs in this browser'),
            h('thead', {}, head),
            h('tbody', {}, ...rows),
          ),
    )
    fill()
  }

  const createExamples = async (b: HTMLButtonElement) => {
    if (!store) return
    b.disabled = true
    casNote.textContent = 'Creating…'
    try {
      const root = await createRootCa({ subject: { commonName: 'Emulator Example Root CA' }, keyType: 'EC256', store })
      const sub = await createSubordinateCa({
        subject: { commonName: 'Emulator Example Issuing CA' },
        keyType: 'EC256',
        store,
      })
      casNote.textContent = `Created an active root CA (${root.id}) and a subordinate CA waiting for its certificate (${sub.id}).`
      await list()
    } catch (e) {
      casNote.textContent = `Could not create the CAs: ${e instanceof Error ? e.message : String(e)}`
    } finally {
      b.disabled = false
    }
  }

  replaceChildren(
    casBody,
    buttonRow(
      button('Create example CAs', createExamples),
      button('Refresh', () => void list()),
    ),
    casNote,
    casTable,
  )
  try {
    store = await openIndexedDbStore({ name: DEMO_DATABASE })
    await list()
  } catch (e) {
    casNote.textContent = `This browser refused IndexedDB here, so the worker has no CAs: ${e instanceof Error ? e.message : String(e)}`
  }
  fill()
  await worker
  document.documentElement.dataset.ready = 'true'
}

start().catch((e: unknown) => {
  console.error(e)
})
