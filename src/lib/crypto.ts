/** Internal: resolves the WebCrypto implementation once, at the public boundary. */
import { PkiNotSupportedError } from '../errors.ts'

/**
 * The `crypto` option every public operation takes, or the runtime's `globalThis.crypto`.
 * Feature checks, not runtime sniffing (DESIGN.md principle 5).
 */
export function resolveCrypto(crypto?: Crypto): Crypto {
  const c = crypto ?? (globalThis as { crypto?: Crypto }).crypto
  if (!c?.subtle || typeof c.getRandomValues !== 'function') {
    throw new PkiNotSupportedError('no WebCrypto implementation here: pass one as the `crypto` option')
  }
  return c
}
