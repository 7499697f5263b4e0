import { PkiArgumentError, PkiNotSupportedError } from '../errors.ts'
import { resolveCrypto } from '../lib/crypto.ts'
import { KEY_TYPE_SPECS, type KeyType, type KeyTypeSpec } from './types.ts'

/**
 * The table entry for a key type named by a caller; PkiArgumentError (field `keyType`) for an unknown name.
 *
 * @example
 * keyTypeSpec('EC384').hash // 'SHA-384'
 */
export function keyTypeSpec(keyType: unknown, field = 'keyType'): KeyTypeSpec {
  if (typeof keyType !== 'string') throw new TypeError(`${field} must be a string`)
  if (!Object.hasOwn(KEY_TYPE_SPECS, keyType)) {
    throw new PkiArgumentError(
      field,
      `unknown key type ${keyType}: use one of ${Object.keys(KEY_TYPE_SPECS).join(', ')}`,
    )
  }
  return KEY_TYPE_SPECS[keyType as KeyType]
}

/**
 * Makes a signing key pair on this machine. The private key is non-extractable unless `extractable` is true
 * (DESIGN.md principle 1): its bytes then stay inside the WebCrypto implementation from the start. The public key
 * is always exportable (WebCrypto makes public keys extractable whatever the flag).
 *
 * @example
 * const keys = await generateKeyPair('EC256')
 * const rsa = await generateKeyPair('RSA3072', { extractable: true })
 */
export async function generateKeyPair(
  keyType: KeyType = 'EC256',
  o: { extractable?: boolean; crypto?: Crypto } = {},
): Promise<CryptoKeyPair> {
  const spec = keyTypeSpec(keyType)
  if (o.extractable !== undefined && typeof o.extractable !== 'boolean') {
    throw new TypeError('extractable must be a boolean')
  }
  const crypto = resolveCrypto(o.crypto)
  try {
    return (await crypto.subtle.generateKey(spec.generate, o.extractable ?? false, ['sign', 'verify'])) as CryptoKeyPair
  } catch (e) {
    throw new PkiNotSupportedError(`this runtime cannot generate ${keyType} keys`, { cause: e })
  }
}
