/** What every emulated API gets: the store it works on and the options read once by createPrivateCaHandler. */
import type { CaStore } from '../store/types.ts'

/**
 * The state and options of one handler (no module state: two handlers never share anything but a store).
 *
 * @example
 * const ctx: CompatContext = { store, crypto: globalThis.crypto, now: () => new Date(), csrs: new Map() }
 */
export interface CompatContext {
  store: CaStore
  crypto: Crypto
  /** The time operations act at (tests pass a fixed clock). */
  now: () => Date
  /** XClarity-style CSRs made by this handler, by id: the key stays here, in memory, with its CSR. */
  csrs: Map<string, { csr: string; keys: CryptoKeyPair; createdAt: string }>
}

/**
 * One emulated API: answers the requests that are its own, and returns undefined for every other request, so the
 * handler can try the next API.
 *
 * @example
 * const answer: CompatApi = async (request, url, ctx) => (url.pathname === '/x' ? new Response('x') : undefined)
 */
export type CompatApi = (request: Request, url: URL, ctx: CompatContext) => Promise<Response | undefined>

/**
 * A JSON response with the given status.
 *
 * @example
 * return json(200, { code: 'SUCCESS' })
 */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}
