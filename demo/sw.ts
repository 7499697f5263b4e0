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

const worker = globalThis as unknown as ServiceWorkerScope

type Handler = (request: Request) => Promise<Response>

/**
 * The handler of this worker instance, made on the first API request. One per instance, not per request: the
 * XClarity-style CSRs (and their keys) live in its memory between the POST that makes one and the GET that reads it.
 */
let handler: Promise<Handler> | undefined

function getHandler(): Promise<Handler> {
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

/** The same response with the header that says the Service Worker answered it. */
function marked(response: Response): Response {
  const headers = new Headers(response.headers)
  headers.set(EMULATOR_HEADER, 'service-worker')
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}

async function answer(request: Request, path: string): Promise<Response> {
  try {
    // The API sees its path from the worker's scope, so the demo works from any folder of a site.
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer()
    const inner = new Request(new URL(path, request.url), { method: request.method, headers: request.headers, body })
    return marked(await (await getHandler())(inner))
  } catch (e) {
    const message = `the Service Worker could not answer: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`
    return marked(Response.json({ message }, { status: 500 }))
  }
}

worker.addEventListener('install', (event) => event.waitUntil(worker.skipWaiting()))
// Takes over the open pages at once, so the page that registered the worker needs no reload.
worker.addEventListener('activate', (event) => event.waitUntil(worker.clients.claim()))
worker.addEventListener('fetch', (event) => {
  const path = emulatedPath(event.request, worker.registration.scope)
  if (path !== undefined) event.respondWith(answer(event.request, path))
})
