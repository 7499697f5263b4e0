/**
 * Encrypted CA backups: one portable JSON file that moves a CA (key, certificate, chain, settings, revocations, CRL
 * number, issued-certificate registry) between a browser, Node and Deno. The payload is encrypted and authenticated
 * with AES-256-GCM (NIST SP 800-38D) under a key derived from the passphrase with PBKDF2-HMAC-SHA256 (RFC 8018
 * 5.2); the header is the GCM additional data, so a wrong passphrase and any altered byte fail the same way, before
 * anything is imported.
 */

import { csrDer, readCsrBody } from '../csr/parse.ts'
import { PkiArgumentError, PkiFormatError, PkiKeyMismatchError } from '../errors.ts'
import { keyTypeOf } from '../keys/detect.ts'
import { importPrivateKey } from '../keys/import.ts'
import { bufferSource, bytesEqual, fromBase64, fromUtf8, toBase64, utf8 } from '../lib/bytes.ts'
import { checkSize, MAX_LIST_PEM_CHARS } from '../lib/limits.ts'
import { checkIssuedRecord, checkIterations, MAX_ITERATIONS, MIN_ITERATIONS, stateOf } from '../store/registry.ts'
import type { IssuedRecord } from '../store/types.ts'
import { importSealedKey, sealOption, unsealPkcs8 } from './custody.ts'
import { checkCaRecord, runtime } from './options.ts'
import { type StoreOption, storeOption } from './persist.ts'
import { caContext } from './signer.ts'
import type { CertificateAuthority, Runtime } from './types.ts'

const FORMAT = 'pocket-ca/ca-backup'
const VERSION = 1
/** A backup holds a CA and its registry: generous, but bounded. */
const MAX_BACKUP_CHARS = 8 * MAX_LIST_PEM_CHARS

interface Header {
  format: string
  version: number
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string }
  cipher: { name: 'AES-GCM'; iv: string }
}

interface Payload {
  ca: Omit<CertificateAuthority, 'keys' | 'sealedKey'>
  /** PKCS#8, base64. */
  privateKey: string
  issued: IssuedRecord[]
}

/**
 * Options of {@link exportCaBackup}.
 *
 * @example
 * const o: ExportCaBackupOptions = { passphrase: 'correct horse battery staple', store }
 */
export interface ExportCaBackupOptions extends Runtime, StoreOption {
  passphrase: string
  /** PBKDF2 iterations, 10,000..10,000,000 (default 600,000). */
  iterations?: number
  /** The registry to include when there is no store (with a store, the store's registry is taken). */
  issued?: readonly IssuedRecord[]
}

/**
 * Options of {@link importCaBackup}.
 *
 * @example
 * const o: ImportCaBackupOptions = { passphrase: 'correct horse battery staple', store, allowBackup: false }
 */
export interface ImportCaBackupOptions extends Runtime, StoreOption {
  passphrase: string
  /**
   * Whether the restored CA can be backed up again (its key sealed once more; default true, as the CA was made
   * with allowBackup). false keeps the restored key inside this WebCrypto implementation for good; a store that
   * keeps keys as encrypted PKCS#8 needs true.
   */
  allowBackup?: boolean
}

/** The passphrase as the key derivation takes it: NFC, so that the same words typed on any system open the file. */
function checkPassphrase(passphrase: unknown): string {
  if (typeof passphrase !== 'string') throw new TypeError('passphrase must be a string')
  if (passphrase.length === 0) throw new PkiArgumentError('passphrase', 'a backup needs a non-empty passphrase')
  return passphrase.normalize('NFC')
}

/** The header as the GCM additional data: always the same members in the same order. */
function headerBytes(h: Header): Uint8Array {
  return utf8(
    JSON.stringify({
      format: h.format,
      version: h.version,
      kdf: { name: h.kdf.name, hash: h.kdf.hash, iterations: h.kdf.iterations, salt: h.kdf.salt },
      cipher: { name: h.cipher.name, iv: h.cipher.iv },
    }),
  )
}

async function backupKey(crypto: Crypto, passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const password = await crypto.subtle.importKey('raw', bufferSource(utf8(passphrase)), 'PBKDF2', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', salt: bufferSource(salt), iterations, hash: 'SHA-256' },
    password,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

/**
 * Writes an encrypted backup of a CA made with `allowBackup` (or kept in a file store): its key, certificate or
 * CSR, chain, settings, revocations, CRL number and, with `store`, its issued-certificate registry as the store has
 * it. A CA made without `allowBackup` cannot be backed up (PkiStateError): its key never leaves WebCrypto.
 *
 * @example
 * const root = await createRootCa({ subject: { commonName: 'Root' }, allowBackup: true, store })
 * const text = await exportCaBackup(root, { passphrase: 'correct horse battery staple', store })
 * // save `text` as root.pocket-ca.json; importCaBackup(text, { passphrase, store: otherStore }) restores it
 */
export async function exportCaBackup(ca: CertificateAuthority, o: ExportCaBackupOptions): Promise<string> {
  checkCaRecord(ca)
  if (typeof o !== 'object' || o === null) throw new TypeError('exportCaBackup takes an options object')
  const passphrase = checkPassphrase(o.passphrase)
  const iterations = checkIterations(o.iterations)
  const store = storeOption(o)
  if (o.issued !== undefined && !Array.isArray(o.issued)) throw new TypeError('issued must be an array')
  if (o.issued !== undefined && store) {
    throw new PkiArgumentError('issued', 'give either a store (its registry is taken) or an issued list, not both')
  }
  const { crypto } = runtime(o)
  const source = store ? await store.loadCa(ca.id) : ca
  const issued = store
    ? (await store.listIssued(ca.id)).map((e) => checkIssuedRecord(e))
    : (o.issued ?? []).map((e) => checkIssuedRecord(e))
  const payload: Payload = {
    ca: stateOf(source),
    privateKey: toBase64(await unsealPkcs8(crypto, source)),
    issued,
  }
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const header: Header = {
    format: FORMAT,
    version: VERSION,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: toBase64(salt) },
    cipher: { name: 'AES-GCM', iv: toBase64(iv) },
  }
  const key = await backupKey(crypto, passphrase, salt, iterations)
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: bufferSource(headerBytes(header)) },
    key,
    bufferSource(utf8(JSON.stringify(payload))),
  )
  return `${JSON.stringify({ ...header, data: toBase64(new Uint8Array(data)) }, null, 1)}\n`
}

function bad(what: string): never {
  throw new PkiFormatError(`not a pocket-ca CA backup: ${what}`)
}

function readHeader(text: string): { header: Header; salt: Uint8Array; iv: Uint8Array; data: Uint8Array } {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    bad('not JSON')
  }
  const h = parsed as Partial<Header> & { data?: unknown }
  if (typeof h !== 'object' || h === null || h.format !== FORMAT) bad('no pocket-ca/ca-backup format member')
  if (h.version !== VERSION) bad(`version ${String(h.version)} (this pocket-ca reads version ${VERSION})`)
  const kdf = h.kdf
  const cipher = h.cipher
  if (kdf?.name !== 'PBKDF2' || kdf.hash !== 'SHA-256') bad('the key derivation must be PBKDF2 with SHA-256')
  if (!Number.isInteger(kdf.iterations) || kdf.iterations < MIN_ITERATIONS || kdf.iterations > MAX_ITERATIONS) {
    bad('PBKDF2 iteration count out of range')
  }
  if (cipher?.name !== 'AES-GCM') bad('the cipher must be AES-GCM')
  const salt = typeof kdf.salt === 'string' ? fromBase64(kdf.salt) : null
  const iv = typeof cipher.iv === 'string' ? fromBase64(cipher.iv) : null
  const data = typeof h.data === 'string' ? fromBase64(h.data) : null
  if (!salt || salt.length < 16) bad('salt')
  if (iv?.length !== 12) bad('iv')
  if (!data || data.length < 16) bad('data')
  return { header: h as Header, salt, iv, data }
}

function readPayload(bytes: Uint8Array): Payload {
  let p: Payload
  try {
    p = JSON.parse(fromUtf8(bytes)) as Payload
  } catch {
    return bad('the decrypted payload is not JSON')
  }
  if (typeof p !== 'object' || p === null || typeof p.ca !== 'object' || p.ca === null) bad('no CA in the payload')
  if (typeof p.privateKey !== 'string' || !Array.isArray(p.issued)) bad('no key or registry in the payload')
  return p
}

/**
 * Restores a CA from {@link exportCaBackup}'s file: decrypts and authenticates it (a wrong passphrase or any altered
 * byte: PkiArgumentError on `passphrase`), imports the key as non-extractable (sealed again, so the restored CA can
 * be backed up in turn, unless `allowBackup` is false), checks the key against the certificate or CSR
 * (PkiKeyMismatchError), and with `store` adds the CA and its registry in one step (PkiStateError if the store
 * already has a CA with that id). On any failure nothing is imported.
 *
 * @example
 * const { ca, issued } = await importCaBackup(text, { passphrase: 'correct horse battery staple', store })
 * await issueCertificate(ca, { x509Parameters: { commonName: 'restored.example' }, store })
 */
export async function importCaBackup(
  text: string,
  o: ImportCaBackupOptions,
): Promise<{ ca: CertificateAuthority; issued: IssuedRecord[] }> {
  if (typeof text !== 'string') throw new TypeError('a backup is JSON text')
  if (typeof o !== 'object' || o === null) throw new TypeError('importCaBackup takes an options object')
  const passphrase = checkPassphrase(o.passphrase)
  const store = storeOption(o)
  const sealed = sealOption({ allowBackup: o.allowBackup ?? true }, store)
  const { crypto } = runtime(o)
  checkSize(text, MAX_BACKUP_CHARS, 'a CA backup')
  const { header, salt, iv, data } = readHeader(text)
  const key = await backupKey(crypto, passphrase, salt, header.kdf.iterations)
  let plain: Uint8Array
  try {
    plain = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: bufferSource(iv), additionalData: bufferSource(headerBytes(header)) },
        key,
        bufferSource(data),
      ),
    )
  } catch (e) {
    throw new PkiArgumentError('passphrase', 'wrong passphrase, or the backup file was altered', { cause: e })
  }
  const payload = readPayload(plain)
  const pkcs8 = fromBase64(payload.privateKey) ?? bad('the private key is not base64')
  const { keys, sealedKey } = sealed
    ? await importSealedKey(crypto, pkcs8)
    : { keys: await importPrivateKey(pkcs8, { crypto }), sealedKey: undefined }
  let ca: CertificateAuthority
  let issued: IssuedRecord[]
  try {
    ca = { ...stateOf(payload.ca), keys, ...(sealedKey ? { sealedKey } : {}) }
    checkCaRecord(ca, 'the backup CA')
    issued = payload.issued.map((r) => checkIssuedRecord(r))
  } catch (e) {
    // Authentic but malformed: a file we did not write, or from a future version.
    if (e instanceof TypeError || e instanceof PkiArgumentError) bad(`the CA record in it is malformed (${e.message})`)
    throw e
  }
  if (keyTypeOf(keys.privateKey) !== ca.keyType) {
    throw new PkiKeyMismatchError(`the backup key is not of the CA's key type ${ca.keyType}`)
  }
  // caContext refuses a certificate that does not hold the key; a pending CA's CSR is compared by hand.
  if (ca.certificate) await caContext(crypto, ca)
  else {
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))
    if (!ca.csr || !bytesEqual(readCsrBody(csrDer(ca.csr)).spki, spki)) {
      throw new PkiKeyMismatchError('the backup key does not belong to its CA certificate or CSR')
    }
  }
  await store?.addCa(ca, issued)
  return { ca, issued }
}
