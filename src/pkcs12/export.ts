/**
 * PKCS#12 export (RFC 7292) in the form OpenSSL 3 writes by default, so every importer (OpenSSL, NSS, Windows,
 * macOS, the JDK) reads it: PFX v3, certificates in a PBES2-encrypted SafeContents, the key in a
 * pkcs8ShroudedKeyBag (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC, RFC 8018), and an HMAC-SHA256 MAC.
 */
import { readCertificate } from '../cert/read.ts'
import { oid, PKCS_OID } from '../der/oid.ts'
import { bmpString, contextTag, integer, octetString, sequence, setOf, tlv } from '../der/writer.ts'
import { PkiArgumentError, PkiKeyMismatchError } from '../errors.ts'
import { importPrivateKey } from '../keys/import.ts'
import { encryptPkcs8, pbes2Encrypt } from '../keys/pbes2.ts'
import { bytesEqual } from '../lib/bytes.ts'
import { resolveCrypto } from '../lib/crypto.ts'
import { sha1 } from '../lib/sha.ts'
import { decodePem } from '../pem/index.ts'
import { MAX_PKCS12_ITERATIONS, writeMacData } from './mac.ts'

/** OpenSSL 3's default for both PBKDF2 and the MAC (`-iter`, `-maciter`): what every importer expects to afford. */
const DEFAULT_PKCS12_ITERATIONS = 2048

/** Options of {@link exportPkcs12}. */
export interface ExportPkcs12Options {
  /** PKCS#8 PEM (as `issueCertificate` returns it) or an extractable private CryptoKey. */
  privateKey: string | CryptoKey
  /** The certificate of that key, PEM. */
  certificate: string
  /** The issuer certificates, PEM (one text with several blocks, or a list), issuer first. */
  chain?: string | readonly string[]
  /** Protects the MAC and both encrypted parts; must not be empty. */
  passphrase: string
  /** PKCS#9 friendlyName of the key and certificate (what Windows and macOS show); Basic Multilingual Plane only. */
  friendlyName?: string
  /** PBKDF2 and MAC iterations, 1..1,000,000 (default 2048, OpenSSL's). */
  iterations?: number
  crypto?: Crypto
}

/** A PKCS#7 ContentInfo (RFC 2315 section 7): the type and `[0] EXPLICIT` content. */
function contentInfo(type: string, content: Uint8Array): Uint8Array {
  return sequence(oid(type), contextTag(0, true, content))
}

/** A PKCS#9 attribute (RFC 2985): the type and a SET OF one value. */
function attribute(type: string, value: Uint8Array): Uint8Array {
  return sequence(oid(type), setOf([value]))
}

/** A SafeBag (RFC 7292 section 4.2): bagId, `[0] EXPLICIT` bagValue, and the attributes when there are any. */
function safeBag(type: string, value: Uint8Array, attributes: Uint8Array[]): Uint8Array {
  return sequence(oid(type), contextTag(0, true, value), ...(attributes.length ? [setOf(attributes)] : []))
}

/** A certBag holding an X.509 certificate (RFC 7292 section 4.2.3). */
function certBag(der: Uint8Array, attributes: Uint8Array[]): Uint8Array {
  return safeBag(
    PKCS_OID.certBag,
    sequence(oid(PKCS_OID.x509Certificate), contextTag(0, true, octetString(der))),
    attributes,
  )
}

function certificatesOf(text: string, field: string): Uint8Array[] {
  if (typeof text !== 'string') throw new TypeError(`${field} must be PEM text`)
  return decodePem(text, { label: 'CERTIFICATE' }).map((b) => {
    readCertificate(b.der)
    return b.der
  })
}

/** The PKCS#8 DER and public key of the private key given, whichever form it came in. */
async function keyMaterial(
  crypto: Crypto,
  privateKey: string | CryptoKey,
): Promise<{ pkcs8: Uint8Array; publicKey: CryptoKey }> {
  if (typeof privateKey === 'string') {
    const keys = await importPrivateKey(privateKey, { extractable: true, crypto })
    return { pkcs8: new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey)), publicKey: keys.publicKey }
  }
  if (typeof privateKey !== 'object' || privateKey === null || (privateKey as CryptoKey).type !== 'private') {
    throw new TypeError('privateKey must be PKCS#8 PEM text or a private CryptoKey')
  }
  if (!privateKey.extractable) {
    throw new PkiArgumentError('privateKey', 'the private key is not extractable, so it cannot go into a PKCS#12 file')
  }
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', privateKey))
  // Re-imported only to learn the public half (WebCrypto has no "public key of"), for the certificate check.
  const keys = await importPrivateKey(pkcs8, { crypto })
  return { pkcs8, publicKey: keys.publicKey }
}

/**
 * Writes a password-protected PKCS#12 (PFX) file with a private key, its certificate and the issuer chain, as
 * `openssl pkcs12 -export` does with OpenSSL 3 defaults (RFC 7292). The key and the leaf certificate carry the same
 * localKeyId (the certificate's SHA-1), so importers pair them. Checks that the key belongs to the certificate
 * (PkiKeyMismatchError).
 *
 * @example
 * const issued = await issueCertificate(ca, { x509Parameters: { commonName: 'www.example.com' } })
 * const pfx = await exportPkcs12({
 *   privateKey: issued.privateKey, certificate: issued.certificate, chain: issued.caChain, passphrase: 'pw',
 * })
 */
export async function exportPkcs12(o: ExportPkcs12Options): Promise<Uint8Array> {
  if (typeof o !== 'object' || o === null) throw new TypeError('exportPkcs12 needs an options object')
  if (typeof o.passphrase !== 'string') throw new TypeError('passphrase must be a string')
  if (o.passphrase.length === 0) throw new PkiArgumentError('passphrase', 'the passphrase must not be empty')
  if (o.friendlyName !== undefined) {
    if (typeof o.friendlyName !== 'string') throw new TypeError('friendlyName must be a string')
    // BMPString is UCS-2 (X.680 41): no room for characters past U+FFFF.
    if (/[\uD800-\uDFFF]/.test(o.friendlyName)) {
      throw new PkiArgumentError('friendlyName', 'friendlyName must be Basic Multilingual Plane text (a BMPString)')
    }
  }
  const iterations = o.iterations ?? DEFAULT_PKCS12_ITERATIONS
  if (typeof iterations !== 'number') throw new TypeError('iterations must be a number')
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_PKCS12_ITERATIONS) {
    throw new PkiArgumentError('iterations', `iterations must be an integer from 1 to ${MAX_PKCS12_ITERATIONS}`)
  }
  const crypto = resolveCrypto(o.crypto)
  const [leaf, ...extra] = certificatesOf(o.certificate, 'certificate')
  if (!leaf || extra.length) throw new PkiArgumentError('certificate', 'certificate must hold exactly one certificate')
  const chainTexts = o.chain === undefined ? [] : typeof o.chain === 'string' ? [o.chain] : o.chain
  if (!Array.isArray(chainTexts)) throw new TypeError('chain must be PEM text or a list of PEM texts')
  const chain = chainTexts.flatMap((text) => certificatesOf(text, 'chain'))

  const { pkcs8, publicKey } = await keyMaterial(crypto, o.privateKey)
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', publicKey))
  if (!bytesEqual(spki, readCertificate(leaf).spki)) {
    throw new PkiKeyMismatchError('the private key does not belong to the certificate')
  }

  // PKCS#9 localKeyId: any octets equal on key and certificate; the certificate's SHA-1 is what OpenSSL uses.
  const attributes = [attribute(PKCS_OID.localKeyId, octetString(sha1(leaf)))]
  if (o.friendlyName !== undefined) attributes.push(attribute(PKCS_OID.friendlyName, bmpString(o.friendlyName)))

  const certContents = sequence(certBag(leaf, attributes), ...chain.map((der) => certBag(der, [])))
  const encryptedCerts = await pbes2Encrypt(crypto, certContents, o.passphrase, iterations)
  // EncryptedData (RFC 2315 section 13, version 0): the ciphertext is [0] IMPLICIT OCTET STRING, primitive.
  const encryptedData = sequence(
    integer(0),
    sequence(oid(PKCS_OID.data), encryptedCerts.algorithm, tlv(0x80, encryptedCerts.encrypted)),
  )
  const shroudedKey = await encryptPkcs8(crypto, pkcs8, o.passphrase, iterations)
  const keyContents = sequence(safeBag(PKCS_OID.pkcs8ShroudedKeyBag, shroudedKey, attributes))

  const authSafe = sequence(
    contentInfo(PKCS_OID.encryptedData, encryptedData),
    contentInfo(PKCS_OID.data, octetString(keyContents)),
  )
  const macData = await writeMacData(crypto, authSafe, o.passphrase, iterations)
  // PFX (RFC 7292 section 4): version 3, the authSafe as a data ContentInfo, the MAC over its content.
  return sequence(integer(3), contentInfo(PKCS_OID.data, octetString(authSafe)), macData)
}
