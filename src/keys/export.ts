import { PkiArgumentError } from '../errors.ts'
import { resolveCrypto } from '../lib/crypto.ts'
import { encodePem } from '../pem/index.ts'
import { keyTypeOf } from './detect.ts'
import { DEFAULT_ITERATIONS, encryptPkcs8 } from './pbes2.ts'

/** Options of {@link exportPrivateKey}. */
export interface ExportPrivateKeyOptions {
  /** `pem` (default): PKCS#8 `PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY` with a passphrase; `der`; `jwk`. */
  format?: 'pem' | 'der' | 'jwk'
  /** Encrypts the PKCS#8 with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), as `openssl pkcs8 -topk8 -v2 aes256` does. */
  passphrase?: string
  /** PBKDF2 iterations when a passphrase is given (default 600,000). */
  iterations?: number
  crypto?: Crypto
}

function checkKey(key: unknown, type: 'private' | 'public'): asserts key is CryptoKey {
  // Shape, not instanceof: a key from another WebCrypto implementation (the `crypto` option) is no global CryptoKey.
  if (typeof key !== 'object' || key === null || !('type' in key) || !('algorithm' in key)) {
    throw new TypeError(`expected a ${type} CryptoKey`)
  }
  if ((key as CryptoKey).type !== type)
    throw new PkiArgumentError('key', `expected a ${type} key, got a ${(key as CryptoKey).type} key`)
  keyTypeOf(key as CryptoKey)
}

/** The export format: a non-string is a TypeError (DESIGN.md, Errors), an unknown name a PkiArgumentError. */
function checkFormat(format: unknown): 'pem' | 'der' | 'jwk' {
  if (format === undefined) return 'pem'
  if (typeof format !== 'string') throw new TypeError('format must be a string')
  if (format !== 'pem' && format !== 'der' && format !== 'jwk') {
    throw new PkiArgumentError('format', `unknown format ${JSON.stringify(format)}: use pem, der or jwk`)
  }
  return format
}

/**
 * Exports a private key, which must have been made or imported as extractable: CA keys are not, by design, so
 * this fails for them with PkiArgumentError (`field: 'key'`).
 *
 * @example
 * const keys = await generateKeyPair('EC256', { extractable: true })
 * const pem = await exportPrivateKey(keys.privateKey)                          // -----BEGIN PRIVATE KEY-----
 * const locked = await exportPrivateKey(keys.privateKey, { passphrase: 'pw' }) // -----BEGIN ENCRYPTED PRIVATE KEY-----
 */
export async function exportPrivateKey(
  key: CryptoKey,
  o?: ExportPrivateKeyOptions & { format?: 'pem' },
): Promise<string>
export async function exportPrivateKey(
  key: CryptoKey,
  o: ExportPrivateKeyOptions & { format: 'der' },
): Promise<Uint8Array>
export async function exportPrivateKey(
  key: CryptoKey,
  o: ExportPrivateKeyOptions & { format: 'jwk' },
): Promise<JsonWebKey>
export async function exportPrivateKey(
  key: CryptoKey,
  o: ExportPrivateKeyOptions = {},
): Promise<string | Uint8Array | JsonWebKey> {
  checkKey(key, 'private')
  const format = checkFormat(o.format)
  if (o.passphrase !== undefined) {
    if (typeof o.passphrase !== 'string') throw new TypeError('passphrase must be a string')
    if (o.passphrase.length === 0) throw new PkiArgumentError('passphrase', 'the passphrase must not be empty')
    if (format === 'jwk') throw new PkiArgumentError('passphrase', 'a JWK cannot be encrypted: use pem or der')
  }
  if (o.iterations !== undefined && typeof o.iterations !== 'number') throw new TypeError('iterations must be a number')
  const iterations = o.iterations ?? DEFAULT_ITERATIONS
  if (!Number.isSafeInteger(iterations) || iterations < 1000 || iterations > 10_000_000) {
    throw new PkiArgumentError('iterations', 'iterations must be an integer in 1000..10,000,000')
  }
  if (!key.extractable) {
    throw new PkiArgumentError('key', 'this private key is not extractable: it never leaves the WebCrypto key store')
  }
  const crypto = resolveCrypto(o.crypto)
  if (format === 'jwk') return crypto.subtle.exportKey('jwk', key)
  let der: Uint8Array = new Uint8Array(await crypto.subtle.exportKey('pkcs8', key))
  if (o.passphrase !== undefined) der = await encryptPkcs8(crypto, der, o.passphrase, iterations)
  if (format === 'der') return der
  return encodePem(o.passphrase !== undefined ? 'ENCRYPTED PRIVATE KEY' : 'PRIVATE KEY', der)
}

/**
 * Exports a public key as SubjectPublicKeyInfo (RFC 5280 4.1.2.7): PEM `PUBLIC KEY` (default), DER, or JWK.
 *
 * @example
 * const pem = await exportPublicKey(keys.publicKey) // -----BEGIN PUBLIC KEY-----
 */
export async function exportPublicKey(key: CryptoKey, o?: { format?: 'pem'; crypto?: Crypto }): Promise<string>
export async function exportPublicKey(key: CryptoKey, o: { format: 'der'; crypto?: Crypto }): Promise<Uint8Array>
export async function exportPublicKey(key: CryptoKey, o: { format: 'jwk'; crypto?: Crypto }): Promise<JsonWebKey>
export async function exportPublicKey(
  key: CryptoKey,
  o: { format?: 'pem' | 'der' | 'jwk'; crypto?: Crypto } = {},
): Promise<string | Uint8Array | JsonWebKey> {
  checkKey(key, 'public')
  const format = checkFormat(o.format)
  const crypto = resolveCrypto(o.crypto)
  if (format === 'jwk') return crypto.subtle.exportKey('jwk', key)
  const der = new Uint8Array(await crypto.subtle.exportKey('spki', key))
  return format === 'der' ? der : encodePem('PUBLIC KEY', der)
}
