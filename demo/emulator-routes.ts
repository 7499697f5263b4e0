/**
 * Which requests the demo's Service Worker (sw.ts) answers with createPrivateCaHandler: the paths of the emulated
 * cloud CA APIs, relative to the worker's scope (the demo's folder), and AWS's `POST /` with an `ACMPrivateCA.`
 * target. Everything else (the pages, their scripts and styles) goes to the network as if there were no worker.
 * Shared by the worker and the emulator page (which lists the routes).
 */

/** The IndexedDB database of the demo: the CA page keeps its CAs there, the Service Worker answers from it. */
export const DEMO_DATABASE = 'pocket-ca-demo'

/** The response header the Service Worker adds to every answer, so that a page can tell who answered. */
export const EMULATOR_HEADER = 'x-pocket-ca-emulator'

/** One emulated route, as the emulator page lists it. */
export interface EmulatedRoute {
  api: 'NCP Private CA' | 'Huawei CCM PCA' | 'Lenovo XClarity' | 'AWS Private CA'
  method: 'GET' | 'POST'
  /** The path as the API documents it, with `{placeholders}`. */
  path: string
  what: string
}

/**
 * The routes the Service Worker answers (the AWS row stands for every `ACMPrivateCA.*` operation).
 *
 * @example
 * for (const r of ROUTES) console.log(r.api, r.method, r.path)
 */
export const ROUTES: readonly EmulatedRoute[] = [
  { api: 'NCP Private CA', method: 'GET', path: '/api/v1/ca/{caTag}/sub/csr', what: 'the CSR of a pending CA' },
  { api: 'NCP Private CA', method: 'POST', path: '/api/v1/ca/{caTag}/cert', what: 'a new key and certificate' },
  {
    api: 'Huawei CCM PCA',
    method: 'GET',
    path: '/v1/private-certificate-authorities/{ca_id}/csr',
    what: 'the CSR of a CA pending activation (needs an X-Auth-Token header)',
  },
  { api: 'Lenovo XClarity', method: 'POST', path: '/certificateSigningRequest', what: 'a new key and CSR: its id' },
  {
    api: 'Lenovo XClarity',
    method: 'GET',
    path: '/certificateSigningRequest?path={id}&details=true',
    what: 'that CSR (bare PEM without details=true)',
  },
  {
    api: 'AWS Private CA',
    method: 'POST',
    path: '/',
    what: 'X-Amz-Target: ACMPrivateCA.<Operation>, application/x-amz-json-1.1 (ListCertificateAuthorities, ...)',
  },
]

/** The paths of the NCP (`/api/v1` optional), Huawei and XClarity routes, whatever the method. */
const API_PATHS: readonly RegExp[] = [
  /^(?:\/api\/v1)?\/ca\/[^/]+\/(?:sub\/csr|cert)$/,
  /^\/v1\/private-certificate-authorities\/[^/]*\/csr$/,
  /^\/certificateSigningRequest\/?$/,
]

/**
 * The API path (with its query) a request is for, relative to the Service Worker's scope, or undefined when the
 * request is not one of the emulated routes (another origin, outside the scope, a static file). Matching is by path
 * only, so a wrong method on an API path is still answered (by the API's own 405).
 *
 * @example
 * emulatedPath(new Request('https://h/demo/api/v1/ca/x/sub/csr'), 'https://h/demo/') // '/api/v1/ca/x/sub/csr'
 * emulatedPath(new Request('https://h/demo/emulator.js'), 'https://h/demo/') // undefined
 */
export function emulatedPath(request: Request, scope: string): string | undefined {
  const url = new URL(request.url)
  const base = new URL(scope)
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) return undefined
  const path = `/${url.pathname.slice(base.pathname.length).replace(/^\/+/, '')}`
  if (path === '/') {
    const target = request.headers.get('x-amz-target') ?? ''
    return request.method === 'POST' && target.startsWith('ACMPrivateCA.') ? `/${url.search}` : undefined
  }
  return API_PATHS.some((p) => p.test(path)) ? `${path}${url.search}` : undefined
}
