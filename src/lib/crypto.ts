/** Internal: resolves the WebCrypto implementation once, at the public boundary. */
import { PkiNotSupportedError } from '../errors.ts'

/**
 * The `crypto` option every public operation takes, or the runtime's `globalThis.crypto`.
 * Feature checks, not runtime sniffing (DESIGN.md principle 5). PkiNotSupportedError when neither has `subtle` and
 * `getRandomValues`.
 *
 * @example
 * const crypto = resolveCrypto(o.crypto) // once, at the public boundary
 * await crypto.subtle.generateKey(params, false, ['sign', 'verify'])
 */
export function resolveCrypto(crypto?: Crypto): Crypto {
  const c = crypto ?? (globalThis as { crypto?: Crypto }).crypto
  if (!c?.subtle || typeof c.getRandomValues !== 'function') {
    throw new PkiNotSupportedError('no WebCrypto implementation here: pass one as the `crypto` option')
  }
  return c
}

/**
 * A random (version 4) UUID from `getRandomValues`, for implementations without `randomUUID`.
 *
 * @example
 * randomUuid(crypto) // '3b241101-e2bb-4255-8caf-4136c566a962'
 */
export function randomUuid(crypto: Crypto): string {
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = ((b[6] as number) & 0x0f) | 0x40 // RFC 9562 section 5.4: version 4
  b[8] = ((b[8] as number) & 0x3f) | 0x80 // variant 10
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
