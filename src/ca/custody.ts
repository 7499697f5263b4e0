/**
 * Key custody of CA keys (DESIGN.md principle 1). A CA key is a non-extractable CryptoKey. A CA that may be backed
 * up, or kept by a store that writes keys as encrypted PKCS#8, also carries its key *sealed*: wrapped with AES-GCM
 * (NIST SP 800-38D) under a fresh AES-256 key that is itself non-extractable. WebCrypto can neither export nor wrap a
 * non-extractable key later, so sealing happens when the key is made or imported, never after.
 */
import { PkiArgumentError, PkiStateError } from '../errors.ts'
import { specOf } from '../keys/detect.ts'
import { generateKeyPair } from '../keys/generate.ts'
import { importPrivateKey } from '../keys/import.ts'
import { KEY_TYPE_SPECS, type KeyType } from '../keys/types.ts'
import { bufferSource } from '../lib/bytes.ts'
import type { CaStore } from '../store/types.ts'
import type { CertificateAuthority, SealedKey } from './types.ts'

const GCM_IV_BYTES = 12 // SP 800-38D 8.2: 96-bit IVs

/**
 * Seals a key pair whose private key is extractable: wraps the private key (PKCS#8) under a fresh non-extractable
 * AES-GCM key, and returns a non-extractable copy for use. The extractable key is dropped by the caller.
 *
 * @example
 * const { keys, sealedKey } = await sealKeyPair(crypto, await generateKeyPair('EC256', { extractable: true }))
 */
export async function sealKeyPair(
  crypto: Crypto,
  extractable: CryptoKeyPair,
): Promise<{ keys: CryptoKeyPair; sealedKey: SealedKey }> {
  const params = specOf(extractable.privateKey).import
  const wrappingKey = (await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'wrapKey',
    'unwrapKey',
  ])) as CryptoKey
  const iv = crypto.getRandomValues(new Uint8Array(GCM_IV_BYTES))
  const gcm = { name: 'AES-GCM', iv }
  const wrapped = new Uint8Array(await crypto.subtle.wrapKey('pkcs8', extractable.privateKey, wrappingKey, gcm))
  const privateKey = await crypto.subtle.unwrapKey('pkcs8', wrapped, wrappingKey, gcm, params, false, ['sign'])
  return { keys: { privateKey, publicKey: extractable.publicKey }, sealedKey: { wrappingKey, iv, wrapped } }
}

/**
 * Makes a CA key pair: non-extractable, and sealed as well when `sealed` is true.
 *
 * @example
 * const { keys, sealedKey } = await makeCaKeys(crypto, 'EC384', true)
 */
export async function makeCaKeys(
  crypto: Crypto,
  keyType: KeyType,
  sealed: boolean,
): Promise<{ keys: CryptoKeyPair; sealedKey?: SealedKey }> {
  if (!sealed) return { keys: await generateKeyPair(keyType, { crypto }) }
  return sealKeyPair(crypto, await generateKeyPair(keyType, { extractable: true, crypto }))
}

/**
 * Imports a CA private key from PKCS#8 (a backup, a file store) as a sealed, non-extractable key pair.
 *
 * @example
 * const { keys, sealedKey } = await importSealedKey(crypto, pkcs8)
 */
export async function importSealedKey(
  crypto: Crypto,
  pkcs8: Uint8Array,
): Promise<{ keys: CryptoKeyPair; sealedKey: SealedKey }> {
  return sealKeyPair(crypto, await importPrivateKey(pkcs8, { extractable: true, crypto }))
}

/**
 * The PKCS#8 of a sealed CA key, for an encrypted backup or a file store; PkiStateError for a CA made without
 * `allowBackup`, whose key cannot leave the WebCrypto implementation at all.
 *
 * @example
 * const pkcs8 = await unsealPkcs8(crypto, ca)
 */
export async function unsealPkcs8(
  crypto: Crypto,
  ca: Pick<CertificateAuthority, 'sealedKey' | 'status' | 'keyType'>,
): Promise<Uint8Array> {
  const sealed = ca.sealedKey
  if (!sealed) {
    throw new PkiStateError(
      ca.status,
      'this CA was made without allowBackup: its private key cannot leave this WebCrypto implementation',
    )
  }
  const gcm = { name: 'AES-GCM', iv: bufferSource(sealed.iv) }
  const params = KEY_TYPE_SPECS[ca.keyType].import
  const key = await crypto.subtle.unwrapKey(
    'pkcs8',
    bufferSource(sealed.wrapped),
    sealed.wrappingKey,
    gcm,
    params,
    true,
    ['sign'],
  )
  return new Uint8Array(await crypto.subtle.exportKey('pkcs8', key))
}

/**
 * Reads `allowBackup` against the store: a store that keeps keys as encrypted PKCS#8 needs a sealed key.
 *
 * @example
 * const sealed = sealOption(o, store)
 */
export function sealOption(o: { allowBackup?: unknown }, store: CaStore | undefined): boolean {
  const allow = o.allowBackup
  if (allow !== undefined && typeof allow !== 'boolean') throw new TypeError('allowBackup must be a boolean')
  const needed = store?.keeps === 'encrypted-pkcs8'
  if (allow === false && needed) {
    throw new PkiArgumentError('allowBackup', 'this store keeps keys as encrypted PKCS#8: allowBackup cannot be false')
  }
  return allow ?? needed
}
