import { storeOption } from '../ca/persist.ts'
import { resolveCrypto } from '../lib/crypto.ts'
import type { CaStore } from '../store/types.ts'
import { awsApi } from './aws.ts'
import { type CompatApi, type CompatContext, json } from './context.ts'
import { huaweiApi } from './huawei.ts'
import { ncpApi } from './ncp.ts'
import { xclarityApi } from './xclarity.ts'

/** Options of {@link createPrivateCaHandler}. */
export interface PrivateCaHandlerOptions {
  /** Where the CAs live (IndexedDB in a Service Worker, files in Node or Deno, memory in tests). */
  store: CaStore
  crypto?: Crypto
  /** The clock (default: the system time). */
  now?: () => Date
}

/** The emulated APIs, tried in order; each recognises its own paths or headers. */
const APIS: readonly CompatApi[] = [awsApi, ncpApi, huaweiApi, xclarityApi]

/**
 * A fetch handler that answers the HTTP APIs of the cloud private CAs (NCP Private CA, Huawei CCM PCA, Lenovo
 * XClarity's CSR API, AWS Private CA's JSON 1.1 protocol) from a local store: their code runs unchanged against it,
 * and the keys stay on this machine. It checks no signatures or tokens (one local user); serve it on 127.0.0.1.
 * A request no API recognises is a 404; an error no API expected is a 500 (the handler itself never rejects).
 *
 * @example
 * const handler = createPrivateCaHandler({ store: await openFileStore('./ca', { passphrase }) })
 * const response = await handler(new Request('http://127.0.0.1/api/v1/ca/' + ca.id + '/sub/csr'))
 */
export function createPrivateCaHandler(o: PrivateCaHandlerOptions): (request: Request) => Promise<Response> {
  if (typeof o !== 'object' || o === null) throw new TypeError('createPrivateCaHandler takes an options object')
  const store = storeOption(o)
  if (!store) throw new TypeError('createPrivateCaHandler needs a store (createMemoryStore, openFileStore, ...)')
  if (o.now !== undefined && typeof o.now !== 'function') throw new TypeError('now must be a function returning a Date')
  const ctx: CompatContext = {
    store,
    crypto: resolveCrypto(o.crypto),
    now: o.now ?? (() => new Date()),
    csrs: new Map(),
  }
  return async (request) => {
    try {
      const url = new URL(request.url)
      for (const api of APIS) {
        const answer = await api(request, url, ctx)
        if (answer) return answer
      }
      return json(404, { message: `no emulated API answers ${request.method} ${url.pathname}` })
    } catch (e) {
      // Each API answers its own errors in its own shape; this is the last resort, so the server never hangs up.
      return json(500, { message: `internal error (${e instanceof Error ? e.name : typeof e})` })
    }
  }
}
