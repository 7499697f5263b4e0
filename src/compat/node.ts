/**
 * Serving a fetch handler (createPrivateCaHandler) with Node's `http` module: IncomingMessage -> Request,
 * Response -> ServerResponse. Node 20 has Request and Response globally; nothing else is needed. Deno needs no
 * adapter: `Deno.serve({ hostname: '127.0.0.1', port }, handler)`.
 */
import { MAX_BODY_BYTES } from './http.ts'

// A module name in a variable, as in store/file.ts: bundlers leave the import to the runtime, so the main entry can
// export servePrivateCa and still bundle for browsers, where this code is never reached.
const NODE_HTTP: string = 'node:http'

/** The parts of `node:http` used, typed here: the package is built without Node's types. */
interface NodeRequest extends AsyncIterable<Uint8Array> {
  method?: string
  url?: string
  headers: Record<string, string | string[] | undefined>
}
interface NodeResponse {
  headersSent: boolean
  writeHead(status: number, headers: Record<string, string | string[]>): unknown
  end(body?: Uint8Array): unknown
  destroy(): unknown
}
interface NodeServer {
  listen(port: number, host: string, callback: () => void): unknown
  address(): { port: number; address: string } | string | null
  close(callback: (error?: Error) => void): unknown
  closeAllConnections?(): void
  once(event: 'error', listener: (error: Error) => void): unknown
  off(event: 'error', listener: (error: Error) => void): unknown
}
interface NodeHttp {
  createServer(listener: (request: NodeRequest, response: NodeResponse) => void): NodeServer
}

/** Options of {@link servePrivateCa}. */
export interface ServePrivateCaOptions {
  /** The fetch handler to serve, e.g. `createPrivateCaHandler({ store })`. */
  handler: (request: Request) => Promise<Response>
  /** The address to listen on (default 127.0.0.1: the emulator checks no credentials, so keep it local). */
  host?: string
  /** The TCP port; 0 picks a free one (see `port` on the result). */
  port: number
}

/** A running server: where it listens, and how to stop it. */
export interface PrivateCaServer {
  /** The base URL, e.g. `http://127.0.0.1:8443`. */
  url: string
  host: string
  /** The port actually bound (useful with port 0). */
  port: number
  /** Stops listening and closes open connections. */
  close(): Promise<void>
}

/** Reads a request body, refusing more than MAX_BODY_BYTES (null then). */
async function readBody(request: NodeRequest): Promise<Uint8Array<ArrayBuffer> | null> {
  const chunks: Uint8Array[] = []
  let length = 0
  for await (const chunk of request) {
    length += chunk.length
    if (length > MAX_BODY_BYTES) return null
    chunks.push(chunk)
  }
  const body = new Uint8Array(length)
  let at = 0
  for (const chunk of chunks) {
    body.set(chunk, at)
    at += chunk.length
  }
  return body
}

function plain(status: number, message: string): Response {
  return new Response(JSON.stringify({ message }), { status, headers: { 'content-type': 'application/json' } })
}

async function toRequest(request: NodeRequest, base: string): Promise<Request | Response> {
  const method = (request.method ?? 'GET').toUpperCase()
  const headers = new Headers()
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  let url: URL
  try {
    url = new URL(request.url ?? '/', base)
  } catch {
    return plain(400, 'the request target is not a valid URL')
  }
  const hasBody = method !== 'GET' && method !== 'HEAD'
  const body = hasBody ? await readBody(request) : undefined
  if (body === null) return plain(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`)
  return new Request(url, { method, headers, ...(body ? { body } : {}) })
}

function header(request: NodeRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/**
 * The Host values this server answers: its bound address and the loopback names, each with its port. Anything else
 * means a name that resolved here without being ours: a DNS rebinding page, which the browser treats as same-origin
 * with the attacker's site, so the Host check is what keeps it from the unauthenticated API.
 */
function allowedHosts(hostInUrl: string, port: number): Set<string> {
  return new Set([hostInUrl, 'localhost', '127.0.0.1', '[::1]'].map((h) => `${h}:${port}`.toLowerCase()))
}

/** A 403 when the request's Host or Origin is not this server (see allowedHosts); undefined when it may pass. */
function refuseForeign(request: NodeRequest, hosts: Set<string>): Response | undefined {
  const host = header(request, 'host')?.toLowerCase()
  if (host === undefined || !hosts.has(host)) return plain(403, 'the Host header does not name this server')
  const origin = header(request, 'origin')
  // Browsers send Origin on cross-site requests; a page on another site must not drive the emulator.
  if (
    origin !== undefined &&
    !(origin.toLowerCase().startsWith('http://') && hosts.has(origin.slice(7).toLowerCase()))
  ) {
    return plain(403, 'requests from another origin are refused')
  }
  return undefined
}

async function answer(
  handler: ServePrivateCaOptions['handler'],
  base: string,
  hosts: Set<string>,
  request: NodeRequest,
  response: NodeResponse,
): Promise<void> {
  try {
    const converted = refuseForeign(request, hosts) ?? (await toRequest(request, base))
    const reply = converted instanceof Response ? converted : await handler(converted)
    const headers: Record<string, string> = {}
    reply.headers.forEach((value, name) => {
      headers[name] = value
    })
    const body = request.method === 'HEAD' ? undefined : new Uint8Array(await reply.arrayBuffer())
    response.writeHead(reply.status, headers)
    response.end(body)
  } catch {
    // The handler never rejects (createPrivateCaHandler answers its errors); this covers a foreign handler.
    if (response.headersSent) {
      response.destroy()
      return
    }
    response.writeHead(500, { 'content-type': 'application/json' })
    response.end(new TextEncoder().encode(JSON.stringify({ message: 'internal error' })))
  }
}

/**
 * Serves a fetch handler over HTTP with `node:http`, on 127.0.0.1 unless told otherwise. Resolves once the server
 * listens; rejects if it cannot (the port is taken, the address is not local). This is the `pocket-ca serve`
 * command's server.
 *
 * @example
 * const server = await servePrivateCa({ handler: createPrivateCaHandler({ store }), port: 0 })
 * await fetch(`${server.url}/api/v1/ca/${ca.id}/sub/csr`)
 * await server.close()
 */
export async function servePrivateCa(o: ServePrivateCaOptions): Promise<PrivateCaServer> {
  if (typeof o !== 'object' || o === null) throw new TypeError('servePrivateCa takes an options object')
  if (typeof o.handler !== 'function') throw new TypeError('handler must be a function (request) => Promise<Response>')
  const host = o.host ?? '127.0.0.1'
  if (typeof host !== 'string' || host === '') throw new TypeError('host must be a non-empty string')
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new TypeError('port must be an integer 0..65535')
  const http = (await import(NODE_HTTP)) as NodeHttp
  const hostInUrl = host.includes(':') ? `[${host}]` : host
  let base = `http://${hostInUrl}:${o.port}`
  let hosts = allowedHosts(hostInUrl, o.port)
  const server = http.createServer((request, response) => {
    void answer(o.handler, base, hosts, request, response)
  })
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error)
    server.once('error', onError)
    server.listen(o.port, host, () => {
      server.off('error', onError)
      resolve()
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : o.port
  base = `http://${hostInUrl}:${port}`
  hosts = allowedHosts(hostInUrl, port)
  return {
    url: base,
    host,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        // Keep-alive connections would hold close() open until they time out.
        server.closeAllConnections?.()
      }),
  }
}
