/**
 * The demo's Service Worker: answers the emulated cloud CA APIs (NCP, Huawei, XClarity, AWS Private CA; see
 * emulator-routes.ts) inside the browser, with createPrivateCaHandler on the demo's IndexedDB (`pocket-ca-demo`, the
 * CAs of the CA page), so no API request ever leaves the browser. Every other request (the pages and their files)
 * is left to the network. Built as a classic script (`sw.js`) by vite.config.ts; registered by the emulator page.
 */
import { createPrivateCaHandler, openIndexedDbStore } from '../src/index.ts'
import { DEMO_DATABASE, EMULATOR_HEADER, emulatedPath } from './emulator-routes.ts'

/** The parts of the Service Worker globals used here (the project compiles against the DOM library only). */
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request
  respondWith(response: Promise<Response>): void
}
interface ServiceWorkerScope {
  readonly registration: { readonly scope: string }
  readonly clients: { claim(): Promise<void> }
  skipWaiting(): Promise<void>
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void
}

type Handler = (request: Request) => Promise<Response>

/** The same response with the header that says the Service Worker answered it. */
function marked(response: Response): Response {
  const headers = new Headers(response.headers)
  headers.set(EMULATOR_HEADER, 'service-worker')
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}

/**
 * Registers the worker's listeners. The handler promise lives in this closure, not in a module variable: one per
 * worker instance, made on the first API request, because the XClarity-style CSRs (and their keys) live in its
 * memory between the POST that makes one and the GET that reads it.
 *
 * @example
 * listen(globalThis as unknown as ServiceWorkerScope)
 */
function listen(scope: ServiceWorkerScope): void {
  let handler: Promise<Handler> | undefined

  const getHandler = (): Promise<Handler> => {
    if (!handler) {
      const made = openIndexedDbStore({ name: DEMO_DATABASE }).then((store) => createPrivateCaHandler({ store }))
      // A failure (IndexedDB refused) is answered as a 500 and tried again on the next request.
      made.catch(() => {
        if (handler === made) handler = undefined
      })
      handler = made
    }
    return handler
  }

  const answer = async (request: Request, path: string): Promise<Response> => {
    try {
      // The API sees its path from the worker's scope, so the demo works from any folder of a site.
      const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer()
      const inner = new Request(new URL(path, request.url), { method: request.method, headers: request.headers, body })
      return marked(await (await getHandler())(inner))
    } catch (e) {
      // The error's name says what failed; its message (database names, stack details) stays in the worker's log.
      console.error('pocket-ca Service Worker:', e)
      const name = e instanceof Error ? e.name : typeof e
      return marked(Response.json({ message: `the Service Worker could not answer (${name})` }, { status: 500 }))
    }
  }

  scope.addEventListener('install', (event) => event.waitUntil(scope.skipWaiting()))
  // Takes over the open pages at once, so the page that registered the worker needs no reload.
  scope.addEventListener('activate', (event) => event.waitUntil(scope.clients.claim()))
  scope.addEventListener('fetch', (event) => {
    const path = emulatedPath(event.request, scope.registration.scope)
    if (path !== undefined) event.respondWith(answer(event.request, path))
  })
}

listen(globalThis as unknown as ServiceWorkerScope)
