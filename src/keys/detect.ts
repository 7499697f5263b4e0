/** Which {@link KeyType} a CryptoKey is, read from its `algorithm`. */
import { PkiNotSupportedError } from '../errors.ts'
import { KEY_TYPE_SPECS, type KeyType, type KeyTypeSpec } from './types.ts'
import type { SpkiAlgorithm } from './verify.ts'

const RSA_SIZES: Record<number, KeyType> = { 2048: 'RSA2048', 3072: 'RSA3072', 4096: 'RSA4096' }
const EC_CURVES: Record<string, KeyType> = { 'P-256': 'EC256', 'P-384': 'EC384', 'P-521': 'EC521' }

/**
 * The key type of a CryptoKey made or imported for signing; PkiNotSupportedError for anything else
 * (an RSA key of another size, an ECDH key, an HMAC key).
 *
 * @example
 * keyTypeOf(keys.privateKey) // 'EC256'
 */
export function keyTypeOf(key: CryptoKey): KeyType {
  const algorithm = key.algorithm as Partial<RsaHashedKeyAlgorithm & EcKeyAlgorithm> & KeyAlgorithm
  let keyType: KeyType | undefined
  if (algorithm.name === 'RSASSA-PKCS1-v1_5' && algorithm.modulusLength) keyType = RSA_SIZES[algorithm.modulusLength]
  else if (algorithm.name === 'ECDSA' && algorithm.namedCurve) keyType = EC_CURVES[algorithm.namedCurve]
  else if (algorithm.name === 'Ed25519') keyType = 'Ed25519'
  if (!keyType) {
    const detail = algorithm.modulusLength ?? algorithm.namedCurve ?? ''
    throw new PkiNotSupportedError(`unsupported signing key: ${algorithm.name} ${detail}`.trim())
  }
  return keyType
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
  if (key.family === 'RSA') return RSA_SIZES[key.modulusLength ?? 0] ?? null
  if (key.family === 'ECDSA') return EC_CURVES[key.namedCurve ?? ''] ?? null
  return 'Ed25519'
}
