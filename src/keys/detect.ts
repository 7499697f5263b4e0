/** Which {@link KeyType} a key is, read from a CryptoKey's `algorithm` or an SPKI, through the key type table. */
import { PkiNotSupportedError } from '../errors.ts'
import { findKeySpec, KEY_TYPE_SPECS, KEY_TYPES, type KeyType, type KeyTypeSpec } from './types.ts'
import type { SpkiAlgorithm } from './verify.ts'

/**
 * The key type of a CryptoKey made or imported for signing; PkiNotSupportedError for anything else
 * (an RSA key of another size, an RSA-PSS or ECDH key, an HMAC key).
 *
 * @example
 * keyTypeOf(keys.privateKey) // 'EC256'
 */
export function keyTypeOf(key: CryptoKey): KeyType {
  const algorithm = key.algorithm as Partial<RsaHashedKeyAlgorithm & EcKeyAlgorithm> & KeyAlgorithm
  // The WebCrypto algorithm name tells the family: RSASSA-PKCS1-v1_5, ECDSA or Ed25519 in the table.
  const family = KEY_TYPES.map((t) => KEY_TYPE_SPECS[t]).find((s) => s.generate.name === algorithm.name)?.family
  const spec = family && findKeySpec(family, algorithm)
  if (!spec) {
    const detail = algorithm.modulusLength ?? algorithm.namedCurve ?? ''
    throw new PkiNotSupportedError(`unsupported signing key: ${algorithm.name} ${detail}`.trim())
  }
  return spec.keyType
}

/**
 * The table entry for a CryptoKey.
 *
 * @example
 * specOf(keys.privateKey).signatureName // 'ecdsa-with-SHA256'
 */
export function specOf(key: CryptoKey): KeyTypeSpec {
  return KEY_TYPE_SPECS[keyTypeOf(key)]
}

/**
 * The {@link KeyType} of a public key read from an SPKI, or null for keys pocket-ca does not make (RSA 1024, say).
 *
 * @example
 * keyTypeOfSpki(spkiAlgorithm(spki)) // 'RSA2048'
 */
export function keyTypeOfSpki(key: SpkiAlgorithm): KeyType | null {
  return findKeySpec(key.family, key)?.keyType ?? null
}
