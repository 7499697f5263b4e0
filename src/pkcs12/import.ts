/**
 * PKCS#12 import (RFC 7292): the MAC is checked before anything is decrypted, then PBES2-encrypted (RFC 8018) and
 * plain SafeContents are opened for one private key and its certificates. Legacy PKCS#12 PBE (RC2, 3DES, RC4,
 * RFC 7292 appendix C) is refused: WebCrypto has none of those ciphers.
 */
import { readCertificate } from '../cert/read.ts'
import { PKCS_OID } from '../der/oid.ts'
import {
  children,
  type DerNode,
  readOctetString,
  readOid,
  readSingle,
  readSmallInteger,
  readString,
  sequenceOf,
} from '../der/reader.ts'
import { PkiError, PkiFormatError, PkiKeyMismatchError, PkiNotSupportedError } from '../errors.ts'
import { importPrivateKey } from '../keys/import.ts'
import { decryptPkcs8, pbes2Decrypt } from '../keys/pbes2.ts'
import { bytesEqual } from '../lib/bytes.ts'
import { resolveCrypto } from '../lib/crypto.ts'
import { encodePem } from '../pem/index.ts'
import { verifyMacData } from './mac.ts'

/** Options of {@link importPkcs12}. */
export interface ImportPkcs12Options {
  passphrase: string
  /** Whether the imported private key may be exported again (default false). */
  extractable?: boolean
  crypto?: Crypto
}

/** What {@link importPkcs12} returns. */
export interface Pkcs12Contents {
  keys: CryptoKeyPair
  /** The certificate of the key, PEM. */
  certificate: string
  /** The other certificates, PEM, issuer first as far as they chain. */
  chain: string[]
  /** The friendlyName of the key (or else of its certificate), when the file has one. */
  friendlyName?: string
}

/** The PKCS#12 PBE OIDs of RFC 7292 appendix C (pkcs-12PbeIds): RC4, 3DES, 2-key 3DES, RC2. */
const LEGACY_PBE = '1.2.840.113549.1.12.1.'

interface Bag {
  localKeyId?: Uint8Array
  friendlyName?: string
}

interface Found {
  keys: (Bag & { pkcs8: Uint8Array })[]
  certs: (Bag & { der: Uint8Array })[]
}

/** The `[0] EXPLICIT` content of a ContentInfo or SafeBag: exactly one value inside. */
function explicit(node: DerNode): DerNode {
  const inner = children(node)
  if (node.tag !== 0xa0 || inner.length !== 1) throw new PkiFormatError('PKCS#12: expected one [0] EXPLICIT value')
  return inner[0] as DerNode
}

function readAttributes(node: DerNode | undefined): Bag {
  const bag: Bag = {}
  if (!node) return bag
  for (const attr of sequenceOf(node, 0, Number.POSITIVE_INFINITY, 0x31)) {
    const [type, values] = sequenceOf(attr, 2) as [DerNode, DerNode]
    const [value] = sequenceOf(values, 1, Number.POSITIVE_INFINITY, 0x31) as [DerNode]
    const id = readOid(type)
    if (id === PKCS_OID.localKeyId) bag.localKeyId = readOctetString(value)
    else if (id === PKCS_OID.friendlyName) bag.friendlyName = readString(value)
  }
  return bag
}

/** Refuses anything but PBES2, naming the legacy schemes WebCrypto cannot do. */
function checkScheme(algorithm: DerNode): void {
  const [scheme] = sequenceOf(algorithm, 1, 2) as [DerNode]
  const id = readOid(scheme)
  if (id.startsWith(LEGACY_PBE)) {
    throw new PkiNotSupportedError(
      'this PKCS#12 file uses legacy RC2/3DES/RC4 encryption (RFC 7292 appendix C), which WebCrypto lacks: ' +
        're-export it with PBES2 (OpenSSL 3 defaults, or `openssl pkcs12 -export -keypbe AES-256-CBC -certpbe AES-256-CBC`)',
    )
  }
  if (id !== PKCS_OID.pbes2) throw new PkiNotSupportedError(`unsupported PKCS#12 encryption ${id}`)
}

async function readSafeContents(crypto: Crypto, der: Uint8Array, passphrase: string, found: Found): Promise<void> {
  for (const bag of sequenceOf(readSingle(der), 0, Number.POSITIVE_INFINITY)) {
    const [type, value, attributes] = sequenceOf(bag, 2, 3) as [DerNode, DerNode, DerNode | undefined]
    const id = readOid(type)
    const inner = explicit(value)
    const attrs = readAttributes(attributes)
    if (id === PKCS_OID.keyBag) {
      found.keys.push({ ...attrs, pkcs8: inner.bytes })
    } else if (id === PKCS_OID.pkcs8ShroudedKeyBag) {
      checkScheme(sequenceOf(inner, 2)[0] as DerNode)
      found.keys.push({ ...attrs, pkcs8: await decryptPkcs8(crypto, inner.bytes, passphrase) })
    } else if (id === PKCS_OID.certBag) {
      const [certType, certValue] = sequenceOf(inner, 2) as [DerNode, DerNode]
      // Only X.509 certificates (RFC 7292 4.2.3); an SDSI certificate is skipped, as OpenSSL does.
      if (readOid(certType) === PKCS_OID.x509Certificate)
        found.certs.push({ ...attrs, der: readOctetString(explicit(certValue)) })
    }
    // CRL, secret and nested SafeContents bags are not what this function returns: skipped.
  }
}

/** Orders the non-leaf certificates issuer first from the leaf up, the unrelated ones after. */
function orderChain(leaf: Uint8Array, others: Uint8Array[]): Uint8Array[] {
  const rest = [...others]
  const out: Uint8Array[] = []
  let issuer = readCertificate(leaf).issuer
  for (;;) {
    const i = rest.findIndex((der) => bytesEqual(readCertificate(der).subject, issuer))
    if (i < 0) break
    const [next] = rest.splice(i, 1) as [Uint8Array]
    out.push(next)
    const parts = readCertificate(next)
    if (bytesEqual(parts.subject, parts.issuer)) break
    issuer = parts.issuer
  }
  return [...out, ...rest]
}

async function readPfx(crypto: Crypto, der: Uint8Array, passphrase: string): Promise<Found> {
  const [version, authSafe, macData] = sequenceOf(readSingle(der, 0x30), 2, 3) as [DerNode, DerNode, DerNode?]
  if (readSmallInteger(version) !== 3) throw new PkiFormatError('PKCS#12: PFX version must be 3')
  const [type, content] = sequenceOf(authSafe, 2) as [DerNode, DerNode]
  if (readOid(type) !== PKCS_OID.data) {
    throw new PkiNotSupportedError('only password-integrity PKCS#12 files are supported (not public-key integrity)')
  }
  const safe = readOctetString(explicit(content))
  // RFC 7292 section 5.1: the MAC covers the AuthenticatedSafe. Checked first, so that a wrong passphrase or a
  // changed file is one clear answer and no decryption works on unauthenticated bytes.
  if (!macData) throw new PkiNotSupportedError('PKCS#12 files without a MAC are not supported (nothing checks them)')
  await verifyMacData(crypto, macData, safe, passphrase)
  const found: Found = { keys: [], certs: [] }
  for (const info of sequenceOf(readSingle(safe), 0, Number.POSITIVE_INFINITY)) {
    const [infoType, infoContent] = sequenceOf(info, 2) as [DerNode, DerNode]
    const id = readOid(infoType)
    if (id === PKCS_OID.data) {
      await readSafeContents(crypto, readOctetString(explicit(infoContent)), passphrase, found)
    } else if (id === PKCS_OID.encryptedData) {
      // EncryptedData (RFC 2315 13): version, EncryptedContentInfo { type, algorithm, [0] IMPLICIT ciphertext }.
      const [, encryptedContentInfo] = sequenceOf(explicit(infoContent), 2, 3) as [DerNode, DerNode]
      const [, algorithm, ciphertext] = sequenceOf(encryptedContentInfo, 3) as [DerNode, DerNode, DerNode]
      if (ciphertext.tag !== 0x80) throw new PkiFormatError('PKCS#12: expected [0] IMPLICIT encrypted content')
      checkScheme(algorithm)
      const plain = await pbes2Decrypt(crypto, algorithm, ciphertext.content, passphrase)
      await readSafeContents(crypto, plain, passphrase, found)
    } else {
      throw new PkiNotSupportedError(`PKCS#12 content of type ${id} (public-key privacy) is not supported`)
    }
  }
  return found
}

/**
 * Reads a password-protected PKCS#12 (PFX) file: the key pair, its certificate (paired by localKeyId, else by
 * public key) and the other certificates. A wrong passphrase or a changed file is a PkiArgumentError on
 * `passphrase` (the MAC is checked first); malformed content a PkiFormatError; legacy RC2/3DES encryption or a
 * public-key-protected file a PkiNotSupportedError.
 *
 * @example
 * const { keys, certificate, chain } = await importPkcs12(pfxBytes, { passphrase: 'pw' })
 */
export async function importPkcs12(der: Uint8Array, o: ImportPkcs12Options): Promise<Pkcs12Contents> {
  if (!(der instanceof Uint8Array)) throw new TypeError('der must be a Uint8Array')
  if (typeof o !== 'object' || o === null || typeof o.passphrase !== 'string') {
    throw new TypeError('passphrase must be a string')
  }
  if (o.extractable !== undefined && typeof o.extractable !== 'boolean') {
    throw new TypeError('extractable must be a boolean')
  }
  const crypto = resolveCrypto(o.crypto)
  let found: Found
  try {
    found = await readPfx(crypto, der, o.passphrase)
  } catch (e) {
    if (e instanceof PkiError) throw e
    throw new PkiFormatError('malformed PKCS#12 file', { cause: e })
  }
  const [key, ...more] = found.keys
  if (!key) throw new PkiFormatError('the PKCS#12 file holds no private key')
  if (more.length) throw new PkiNotSupportedError('PKCS#12 files with more than one private key are not supported')
  const keys = await importPrivateKey(key.pkcs8, { extractable: o.extractable === true, crypto })
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))
  for (const cert of found.certs) readCertificate(cert.der)
  const keyId = key.localKeyId
  const leaf =
    (keyId && found.certs.find((c) => c.localKeyId && bytesEqual(c.localKeyId, keyId))) ||
    found.certs.find((c) => bytesEqual(readCertificate(c.der).spki, spki))
  if (!leaf) throw new PkiFormatError('the PKCS#12 file holds no certificate for its private key')
  if (!bytesEqual(readCertificate(leaf.der).spki, spki)) {
    throw new PkiKeyMismatchError('the private key does not belong to the certificate it is paired with')
  }
  const others = found.certs.filter((c) => c !== leaf).map((c) => c.der)
  const friendlyName = key.friendlyName ?? leaf.friendlyName
  return {
    keys,
    certificate: encodePem('CERTIFICATE', leaf.der),
    chain: orderChain(leaf.der, others).map((d) => encodePem('CERTIFICATE', d)),
    ...(friendlyName !== undefined ? { friendlyName } : {}),
  }
}
