import { OID } from '../der/oid.ts'
import { PkiArgumentError, PkiFormatError, PkiNotSupportedError } from '../errors.ts'
import { bufferSource } from '../lib/bytes.ts'
import { resolveCrypto } from '../lib/crypto.ts'
import { decodePem } from '../pem/index.ts'
import { keyTypeOf } from './detect.ts'
import { decryptPkcs8, isEncryptedPkcs8 } from './pbes2.ts'
import { pkcs1ToPkcs8, pkcs8ImportParams, sec1ToPkcs8 } from './pkcs8.ts'
import { findAlgorithmSpec, findKeySpec, type KeyTypeSpec } from './types.ts'

/** Options of {@link importPrivateKey}. */
export interface ImportPrivateKeyOptions {
  /** Opens an `ENCRYPTED PRIVATE KEY`; required for one, refused (PkiArgumentError) without one. */
  passphrase?: string
  /** Whether the imported private key may be exported again (default false). */
  extractable?: boolean
  crypto?: Crypto
}

/** JWK members that carry private key material (RFC 7518 6.2.2, 6.3.2; RFC 8037 2). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'] as const

function jwkImportParams(jwk: JsonWebKey): Algorithm {
  let spec: KeyTypeSpec | undefined
  // RSA: every size imports with the same parameters. EC: the JWK crv of the NIST curves is WebCrypto's curve name
  // (RFC 7518 6.2.1.1). OKP: crv Ed25519 (RFC 8037 section 2).
  if (jwk.kty === 'RSA') spec = findAlgorithmSpec(OID.rsaEncryption)
  else if (jwk.kty === 'EC') spec = findKeySpec('ECDSA', { namedCurve: jwk.crv })
  else if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') spec = findKeySpec('Ed25519')
  if (!spec) throw new PkiNotSupportedError(`unsupported JWK key type ${jwk.kty} ${jwk.crv ?? ''}`.trim())
  return spec.import
}

/** Turns any accepted input into PKCS#8 DER (decrypting it if needed) or a JWK. */
async function toPkcs8OrJwk(
  crypto: Crypto,
  input: string | Uint8Array | JsonWebKey,
  passphrase: string | undefined,
): Promise<Uint8Array | JsonWebKey> {
  if (input instanceof Uint8Array) {
    if (passphrase !== undefined) return decryptPkcs8(crypto, input, passphrase)
    // The same answer as for an ENCRYPTED PRIVATE KEY PEM block: it is the passphrase that is missing.
    if (isEncryptedPkcs8(input)) {
      throw new PkiArgumentError('passphrase', 'this private key is encrypted: give its passphrase')
    }
    return input
  }
  if (typeof input !== 'string') {
    if (typeof input !== 'object' || input === null) throw new TypeError('expected PEM text, DER bytes or a JWK')
    if (typeof input.d !== 'string') throw new PkiFormatError('the JWK holds no private key')
    // ext and key_ops describe the exporter's key, not ours; left in, they would clash with our flags and usages.
    const { ext: _ext, key_ops: _ops, ...jwk } = input
    return jwk
  }
  const blocks = decodePem(input).filter((b) => b.label.endsWith('PRIVATE KEY'))
  const block = blocks[0]
  if (!block) throw new PkiFormatError('no PRIVATE KEY block in the text')
  if (blocks.length > 1) throw new PkiFormatError('more than one private key in the text')
  switch (block.label) {
    case 'PRIVATE KEY':
      return block.der
    case 'ENCRYPTED PRIVATE KEY':
      if (passphrase === undefined)
        throw new PkiArgumentError('passphrase', 'this private key is encrypted: give its passphrase')
      return decryptPkcs8(crypto, block.der, passphrase)
    case 'RSA PRIVATE KEY':
      return pkcs1ToPkcs8(block.der)
    case 'EC PRIVATE KEY':
      return sec1ToPkcs8(block.der)
    default:
      throw new PkiFormatError(`unsupported private key format ${block.label}`)
  }
}

/**
 * Imports a private key (PKCS#8 PEM or DER, encrypted PKCS#8 with `passphrase`, legacy `RSA PRIVATE KEY` /
 * `EC PRIVATE KEY` PEM, or a JWK) and returns the key pair, its public key derived from the private one.
 * The private key is non-extractable unless `extractable` is true.
 *
 * @example
 * const keys = await importPrivateKey(pemFromOpenssl)
 * const fromBackup = await importPrivateKey(encryptedPem, { passphrase: 'correct horse' })
 */
export async function importPrivateKey(
  input: string | Uint8Array | JsonWebKey,
  o: ImportPrivateKeyOptions = {},
): Promise<CryptoKeyPair> {
  if (o.passphrase !== undefined && typeof o.passphrase !== 'string') throw new TypeError('passphrase must be a string')
  if (o.extractable !== undefined && typeof o.extractable !== 'boolean') {
    throw new TypeError('extractable must be a boolean')
  }
  const crypto = resolveCrypto(o.crypto)
  const material = await toPkcs8OrJwk(crypto, input, o.passphrase)
  let privateKey: CryptoKey
  let publicKey: CryptoKey
  // Every WebCrypto call is inside: Deno's importKey('pkcs8') accepts a malformed inner key (an ECPrivateKey that is
  // not a SEQUENCE) and only exportKey finds out, with an OperationError; that is bad input too, not a crash.
  try {
    let params: Algorithm
    let withPublic: CryptoKey
    if (material instanceof Uint8Array) {
      params = pkcs8ImportParams(material)
      // Imported once as extractable only to read the public half as a JWK: WebCrypto has no "public key of"
      // operation. That copy is dropped here; the key the caller gets is imported with their flag below.
      withPublic = await crypto.subtle.importKey('pkcs8', bufferSource(material), params, true, ['sign'])
    } else {
      params = jwkImportParams(material)
      withPublic = await crypto.subtle.importKey('jwk', material, params, true, ['sign'])
    }
    const jwk = await crypto.subtle.exportKey('jwk', withPublic)
    const extractable = o.extractable === true
    privateKey =
      material instanceof Uint8Array
        ? await crypto.subtle.importKey('pkcs8', bufferSource(material), params, extractable, ['sign'])
        : await crypto.subtle.importKey('jwk', material, params, extractable, ['sign'])
    for (const member of PRIVATE_JWK_MEMBERS) delete jwk[member]
    jwk.key_ops = ['verify']
    publicKey = await crypto.subtle.importKey('jwk', jwk, params, true, ['verify'])
  } catch (e) {
    if (e instanceof PkiFormatError || e instanceof PkiNotSupportedError) throw e
    throw new PkiFormatError('the private key cannot be imported', { cause: e })
  }
  keyTypeOf(privateKey)
  return { privateKey, publicKey }
}
