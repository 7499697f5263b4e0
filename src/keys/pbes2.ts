/**
 * Encrypted PKCS#8 (RFC 5958 section 3) with PBES2 (RFC 8018 section 6.2): PBKDF2 and AES-CBC, done with WebCrypto.
 * We write the OpenSSL 3 default form (PBKDF2-HMAC-SHA256, AES-256-CBC) and read any PBKDF2-HMAC-SHA1/2 with
 * AES-128/192/256-CBC, the forms OpenSSL, NSS and the JDK write.
 */
import { oid, PKCS_OID } from '../der/oid.ts'
import { type DerNode, readOctetString, readOid, readSingle, readSmallInteger, sequenceOf } from '../der/reader.ts'
import { integer, nullValue, octetString, sequence } from '../der/writer.ts'
import { PkiArgumentError, PkiError, PkiFormatError, PkiNotSupportedError } from '../errors.ts'
import { bufferSource, utf8 } from '../lib/bytes.ts'

/** The PBKDF2 iteration count we write: OWASP's 2023 figure for PBKDF2-HMAC-SHA256 (OpenSSL's own default is 2048). */
export const DEFAULT_ITERATIONS = 600_000
/**
 * Larger counts are refused on reading, so a hostile file cannot keep a tab busy for minutes.
 *
 * @example
 * if (iterations > MAX_ITERATIONS) throw new PkiFormatError('PBKDF2 iteration count out of range')
 */
export const MAX_ITERATIONS = 10_000_000

const PRFS: Record<string, string> = {
  [PKCS_OID.hmacWithSHA1]: 'SHA-1',
  [PKCS_OID.hmacWithSHA256]: 'SHA-256',
  [PKCS_OID.hmacWithSHA384]: 'SHA-384',
  [PKCS_OID.hmacWithSHA512]: 'SHA-512',
}
const CIPHERS: Record<string, number> = {
  [PKCS_OID.aes128Cbc]: 128,
  [PKCS_OID.aes192Cbc]: 192,
  [PKCS_OID.aes256Cbc]: 256,
}

async function deriveAesKey(
  crypto: Crypto,
  passphrase: string,
  salt: Uint8Array,
  iterations: number,
  hash: string,
  bits: number,
): Promise<CryptoKey> {
  const password = await crypto.subtle.importKey('raw', bufferSource(utf8(passphrase)), 'PBKDF2', false, ['deriveBits'])
  const keyBytes = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', salt: bufferSource(salt), iterations, hash },
    password,
    bits,
  )
  return crypto.subtle.importKey('raw', keyBytes, 'AES-CBC', false, ['encrypt', 'decrypt'])
}

/**
 * Encrypts arbitrary bytes with PBES2 (RFC 8018 section 6.2) in the OpenSSL 3 default form: PBKDF2-HMAC-SHA256 with
 * a fresh 16-octet salt, AES-256-CBC with a fresh IV. Returns the AlgorithmIdentifier (DER) and the ciphertext, the
 * two parts both EncryptedPrivateKeyInfo (RFC 5958) and PKCS#12 EncryptedContentInfo (RFC 7292 section 4.1) hold.
 *
 * @example
 * const { algorithm, encrypted } = await pbes2Encrypt(crypto, bytes, 'correct horse', 2048)
 */
export async function pbes2Encrypt(
  crypto: Crypto,
  data: Uint8Array,
  passphrase: string,
  iterations: number,
): Promise<{ algorithm: Uint8Array; encrypted: Uint8Array }> {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const iv = crypto.getRandomValues(new Uint8Array(16))
  const key = await deriveAesKey(crypto, passphrase, salt, iterations, 'SHA-256', 256)
  const encrypted = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv }, key, bufferSource(data)))
  const pbkdf2Params = sequence(
    octetString(salt),
    integer(iterations),
    sequence(oid(PKCS_OID.hmacWithSHA256), nullValue()),
  )
  const pbes2Params = sequence(
    sequence(oid(PKCS_OID.pbkdf2), pbkdf2Params),
    sequence(oid(PKCS_OID.aes256Cbc), octetString(iv)),
  )
  return { algorithm: sequence(oid(PKCS_OID.pbes2), pbes2Params), encrypted }
}

/**
 * Encrypts a PKCS#8 PrivateKeyInfo into an EncryptedPrivateKeyInfo (DER).
 *
 * @example
 * const der = await encryptPkcs8(crypto, pkcs8, 'correct horse', DEFAULT_ITERATIONS)
 */
export async function encryptPkcs8(
  crypto: Crypto,
  pkcs8: Uint8Array,
  passphrase: string,
  iterations: number,
): Promise<Uint8Array> {
  const { algorithm, encrypted } = await pbes2Encrypt(crypto, pkcs8, passphrase, iterations)
  return sequence(algorithm, octetString(encrypted))
}

interface Pbes2Parameters {
  salt: Uint8Array
  iterations: number
  hash: string
  bits: number
  iv: Uint8Array
}

function readPbes2(algorithm: DerNode): Pbes2Parameters {
  const [scheme, params] = sequenceOf(algorithm, 2) as [DerNode, DerNode]
  if (readOid(scheme) !== PKCS_OID.pbes2) throw new PkiFormatError('only PBES2-encrypted private keys are supported')
  const [kdf, cipher] = sequenceOf(params, 2) as [DerNode, DerNode]
  const [kdfOid, kdfParams] = sequenceOf(kdf, 2) as [DerNode, DerNode]
  if (readOid(kdfOid) !== PKCS_OID.pbkdf2)
    throw new PkiFormatError('only PBKDF2 is supported as the PBES2 key derivation')
  const fields = sequenceOf(kdfParams, 2, 4)
  const salt = readOctetString(fields[0] as DerNode)
  const iterations = readSmallInteger(fields[1] as DerNode)
  let rest = fields.slice(2)
  let keyLength: number | undefined
  if (rest[0]?.tag === 0x02) {
    keyLength = readSmallInteger(rest[0])
    rest = rest.slice(1)
  }
  let hash = 'SHA-1' // RFC 8018 A.2: prf DEFAULT algid-hmacWithSHA1
  if (rest[0]) {
    const [prfOid] = sequenceOf(rest[0], 1, 2)
    const prf = PRFS[readOid(prfOid as DerNode)]
    if (!prf) throw new PkiFormatError('unsupported PBKDF2 pseudo-random function')
    hash = prf
  }
  const [cipherOid, ivNode] = sequenceOf(cipher, 2) as [DerNode, DerNode]
  const bits = CIPHERS[readOid(cipherOid)]
  if (!bits) throw new PkiFormatError('unsupported PBES2 cipher: AES-128/192/256-CBC are supported')
  const iv = readOctetString(ivNode)
  if (iv.length !== 16) throw new PkiFormatError('AES-CBC needs a 16-octet IV')
  if (keyLength !== undefined && keyLength * 8 !== bits)
    throw new PkiFormatError('PBKDF2 key length does not fit the cipher')
  if (iterations < 1 || iterations > MAX_ITERATIONS)
    throw new PkiFormatError(`PBKDF2 iteration count ${iterations} out of range`)
  return { salt, iterations, hash, bits, iv }
}

/**
 * Whether `der` has the shape of a PBES2 EncryptedPrivateKeyInfo (RFC 5958 section 3): a SEQUENCE of an
 * AlgorithmIdentifier with the PBES2 OID (RFC 8018 A.4) and an OCTET STRING. Only the shape: the parameters are
 * read when decrypting.
 *
 * @example
 * isEncryptedPkcs8(await exportPrivateKey(key, { format: 'der', passphrase: 'pw' })) // true
 */
export function isEncryptedPkcs8(der: Uint8Array): boolean {
  try {
    const [algorithm, data] = sequenceOf(readSingle(der), 2) as [DerNode, DerNode]
    const [scheme] = sequenceOf(algorithm, 1, 2) as [DerNode]
    return data.tag === 0x04 && readOid(scheme) === PKCS_OID.pbes2
  } catch (e) {
    if (e instanceof PkiError) return false
    throw e
  }
}

/**
 * Decrypts PBES2 ciphertext (RFC 8018 section 6.2) given its AlgorithmIdentifier node, expecting the plaintext to be
 * one DER SEQUENCE (a PrivateKeyInfo, or PKCS#12 SafeContents). A wrong passphrase (or a damaged ciphertext, which
 * CBC cannot tell apart) is a PkiArgumentError on the field `passphrase`; a PBKDF2 hash or AES key size this
 * runtime's WebCrypto refuses (Chromium has no 192-bit AES) a PkiNotSupportedError.
 *
 * @example
 * const plain = await pbes2Decrypt(crypto, algorithmNode, ciphertext, 'correct horse')
 */
export async function pbes2Decrypt(
  crypto: Crypto,
  algorithm: DerNode,
  encrypted: Uint8Array,
  passphrase: string,
): Promise<Uint8Array> {
  const p = readPbes2(algorithm)
  let key: CryptoKey
  try {
    // Deriving the key never depends on the passphrase being right, so a failure here is the runtime's refusal.
    key = await deriveAesKey(crypto, passphrase, p.salt, p.iterations, p.hash, p.bits)
  } catch (e) {
    throw new PkiNotSupportedError(`this runtime cannot decrypt PBKDF2-HMAC-${p.hash} with AES-${p.bits}-CBC`, {
      cause: e,
    })
  }
  let plain: Uint8Array
  try {
    plain = new Uint8Array(
      await crypto.subtle.decrypt({ name: 'AES-CBC', iv: bufferSource(p.iv) }, key, bufferSource(encrypted)),
    )
    readSingle(plain, 0x30)
  } catch (e) {
    throw new PkiArgumentError('passphrase', 'the passphrase does not open this key (or the key file is damaged)', {
      cause: e,
    })
  }
  return plain
}

/**
 * Decrypts an EncryptedPrivateKeyInfo to the PKCS#8 PrivateKeyInfo it holds; errors as {@link pbes2Decrypt}.
 *
 * @example
 * const pkcs8 = await decryptPkcs8(crypto, encryptedDer, 'correct horse')
 */
export async function decryptPkcs8(crypto: Crypto, der: Uint8Array, passphrase: string): Promise<Uint8Array> {
  const [algorithm, data] = sequenceOf(readSingle(der), 2) as [DerNode, DerNode]
  return pbes2Decrypt(crypto, algorithm, readOctetString(data), passphrase)
}
