/**
 * Describing keys without importing them (synchronously, no WebCrypto): private keys in PKCS#8, encrypted PKCS#8,
 * PKCS#1 and SEC1 form, public keys as SPKI or PKCS#1, and EC parameters. The descriptions never hold key material:
 * they may be logged or shown, and a private key is not something to copy around (DESIGN.md principle 1).
 */
import { OID, PKCS_OID } from '../der/oid.ts'
import {
  assertDer,
  children,
  type DerNode,
  readIntegerBytes,
  readOctetString,
  readOid,
  readSingle,
  readSmallInteger,
  sequenceOf,
} from '../der/reader.ts'
import { PkiFormatError } from '../errors.ts'
import { keyTypeOfSpki } from '../keys/detect.ts'
import { findAlgorithmSpec, type KeyType } from '../keys/types.ts'
import { describeSpki, type PublicKeyDescription, type SpkiAlgorithm } from '../keys/verify.ts'
import { checkSize, MAX_DER_BYTES } from '../lib/limits.ts'
import { encodePem } from '../pem/index.ts'
import { keySize } from './algorithms.ts'
import { type Fingerprints, fingerprints } from './fingerprint.ts'

/**
 * A key's algorithm as {@link PublicKeyDescription} gives it (`RSA` with `modulusLength`, `ECDSA` with `namedCurve`,
 * `Ed25519`, or the OID), its {@link KeyType} when pocket-ca makes such keys, and its size in bits.
 *
 * @example
 * const k: KeyAlgorithmInfo = { algorithm: 'RSA', modulusLength: 3072, keyType: 'RSA3072', keySize: 3072 }
 */
export interface KeyAlgorithmInfo extends PublicKeyDescription {
  keyType: KeyType | null
  keySize: number | null
}

/**
 * A private key, described: `format` is `pkcs8` (`PRIVATE KEY`), `pkcs1` (`RSA PRIVATE KEY`) or `sec1`
 * (`EC PRIVATE KEY`). No key material, no DER: see the module comment.
 *
 * @example
 * const d: PrivateKeyDescription = { format: 'sec1', algorithm: 'ECDSA', namedCurve: 'P-256', keyType: 'EC256',
 *   keySize: 256 }
 */
export interface PrivateKeyDescription extends KeyAlgorithmInfo {
  format: 'pkcs8' | 'pkcs1' | 'sec1'
}

/**
 * An encrypted PKCS#8 key (RFC 5958 section 3), described by how it is protected: `scheme` `PBES2` (RFC 8018 6.2)
 * with its key derivation (`PBKDF2`, its PRF such as `hmacWithSHA256`, the iteration count) and `cipher`
 * (`aes-256-cbc`, ...), or the OID of another scheme (a PKCS#12 PBE, say). Algorithms without a name here are OIDs.
 *
 * @example
 * const d: EncryptedPrivateKeyDescription = { format: 'pkcs8-encrypted', scheme: 'PBES2', kdf: 'PBKDF2',
 *   prf: 'hmacWithSHA256', iterations: 600000, cipher: 'aes-256-cbc' }
 */
export interface EncryptedPrivateKeyDescription {
  format: 'pkcs8-encrypted'
  scheme: string
  kdf?: string
  prf?: string
  iterations?: number
  cipher?: string
}

/**
 * A public key, described: `format` `spki` (`PUBLIC KEY`) or `pkcs1` (`RSA PUBLIC KEY`), with the fingerprints of
 * its DER (for an SPKI, what `openssl pkey -pubin -outform der | openssl dgst -sha256` hashes).
 *
 * @example
 * describePublicKey(spkiDer, 'spki').keySize // 256
 */
export interface PublicKeyInfo extends KeyAlgorithmInfo {
  format: 'spki' | 'pkcs1'
  fingerprints: Fingerprints
  der: Uint8Array
  pem: string
}

const NAMES: Readonly<Record<string, string>> = {
  [PKCS_OID.pbes2]: 'PBES2',
  [PKCS_OID.pbkdf2]: 'PBKDF2',
  [PKCS_OID.hmacWithSHA1]: 'hmacWithSHA1',
  '1.2.840.113549.2.8': 'hmacWithSHA224',
  [PKCS_OID.hmacWithSHA256]: 'hmacWithSHA256',
  [PKCS_OID.hmacWithSHA384]: 'hmacWithSHA384',
  [PKCS_OID.hmacWithSHA512]: 'hmacWithSHA512',
  [PKCS_OID.aes128Cbc]: 'aes-128-cbc',
  [PKCS_OID.aes192Cbc]: 'aes-192-cbc',
  [PKCS_OID.aes256Cbc]: 'aes-256-cbc',
  '1.2.840.113549.3.7': 'des-ede3-cbc',
}

function nameOf(oid: string): string {
  return NAMES[oid] ?? oid
}

/** Reads the DER of a key, checking its size and encoding first. */
function keyRoot(der: Uint8Array, what: string): DerNode[] {
  checkSize(der, MAX_DER_BYTES, what)
  assertDer(der)
  return children(readSingle(der, 0x30))
}

/** The bit length of an INTEGER's magnitude (an RSA modulus). */
function bitLength(node: DerNode): number {
  const bytes = readIntegerBytes(node)
  if ((bytes[0] as number) & 0x80) throw new PkiFormatError('negative RSA modulus')
  const start = bytes[0] === 0 ? 1 : 0
  const top = bytes[start] ?? 0
  return (bytes.length - start - 1) * 8 + (top === 0 ? 0 : 32 - Math.clz32(top))
}

/**
 * The {@link KeyType} (null for keys pocket-ca does not make) and the size in bits of a key described as
 * `describeSpki` describes it, `usable` being what that gives for keys pocket-ca can use.
 *
 * @example
 * const { publicKey, usable } = describeSpki(spki)
 * keyTypeAndSize(publicKey, usable) // { keyType: 'EC256', keySize: 256 }
 */
export function keyTypeAndSize(
  key: PublicKeyDescription,
  usable: SpkiAlgorithm | null,
): Pick<KeyAlgorithmInfo, 'keyType' | 'keySize'> {
  return { keyType: usable ? keyTypeOfSpki(usable) : null, keySize: keySize(key) }
}

function withType(key: PublicKeyDescription, usable: SpkiAlgorithm | null): KeyAlgorithmInfo {
  return { ...key, ...keyTypeAndSize(key, usable) }
}

function rsaKey(modulusLength: number): KeyAlgorithmInfo {
  return withType({ algorithm: 'RSA', modulusLength }, { family: 'RSA', modulusLength })
}

function ecKey(curveOid: string | undefined): KeyAlgorithmInfo {
  const spec = curveOid ? findAlgorithmSpec(OID.ecPublicKey, curveOid) : undefined
  if (spec?.namedCurve && spec.ecdsaSize) {
    return withType(
      { algorithm: 'ECDSA', namedCurve: spec.namedCurve },
      { family: 'ECDSA', namedCurve: spec.namedCurve, size: spec.ecdsaSize },
    )
  }
  return withType({ algorithm: 'ECDSA', ...(curveOid ? { namedCurve: curveOid } : {}) }, null)
}

/** RFC 8017 A.1.2: RSAPrivateKey, version 0 (two primes) or 1 (multi-prime, with otherPrimeInfos). */
function pkcs1Private(node: DerNode): KeyAlgorithmInfo {
  const fields = sequenceOf(node, 9, 10)
  if (!fields.every((f, i) => (i === 9 ? f.tag === 0x30 : f.tag === 0x02))) {
    throw new PkiFormatError('malformed RSAPrivateKey')
  }
  if (readSmallInteger(fields[0] as DerNode) > 1) throw new PkiFormatError('unknown RSAPrivateKey version')
  return rsaKey(bitLength(fields[1] as DerNode))
}

/** RFC 5915 3: ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] parameters, [1] publicKey }. */
function sec1Private(node: DerNode, curveFromPkcs8?: string): KeyAlgorithmInfo {
  const [version, privateKey, ...rest] = sequenceOf(node, 2, 4) as [DerNode, DerNode, ...DerNode[]]
  if (readSmallInteger(version) !== 1) throw new PkiFormatError('an ECPrivateKey must be version 1')
  readOctetString(privateKey)
  let curve = curveFromPkcs8
  const params = rest[0]?.tag === 0xa0 ? rest.shift() : undefined
  if (params) curve = readOid(sequenceOf(params, 1, 1, 0xa0)[0] as DerNode)
  if (rest[0]?.tag === 0xa1) rest.shift()
  if (rest.length > 0) throw new PkiFormatError('malformed ECPrivateKey')
  return ecKey(curve)
}

/**
 * Describes a PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5958 2), a PKCS#1 RSAPrivateKey or a SEC1
 * ECPrivateKey, strictly; PkiFormatError when it is not one.
 *
 * @example
 * describePrivateKey(der, 'pkcs8') // { format: 'pkcs8', algorithm: 'Ed25519', keyType: 'Ed25519', keySize: 256 }
 */
export function describePrivateKey(der: Uint8Array, format: PrivateKeyDescription['format']): PrivateKeyDescription {
  const fields = keyRoot(der, 'a DER private key')
  const node = readSingle(der)
  if (format === 'pkcs1') return { format, ...pkcs1Private(node) }
  if (format === 'sec1') return { format, ...sec1Private(node) }
  if (fields.length < 3 || fields.length > 5 || fields[2]?.tag !== 0x04) throw new PkiFormatError('malformed PKCS#8')
  const [version, algorithm, privateKey] = fields as [DerNode, DerNode, DerNode]
  if (readSmallInteger(version) > 1) throw new PkiFormatError('unknown PKCS#8 version')
  const [algOid, params] = sequenceOf(algorithm, 1, 2) as [DerNode, DerNode | undefined]
  const id = readOid(algOid)
  const inner = () => readSingle(readOctetString(privateKey))
  if (id === OID.rsaEncryption) return { format, ...pkcs1Private(inner()) }
  if (id === OID.ecPublicKey) {
    const curve = params?.tag === 0x06 ? readOid(params) : undefined
    return { format, ...sec1Private(inner(), curve) }
  }
  if (id === OID.ed25519) {
    // RFC 8410 7: CurvePrivateKey ::= OCTET STRING of 32 octets, inside the privateKey OCTET STRING.
    if (readOctetString(inner()).length !== 32) throw new PkiFormatError('an Ed25519 private key is 32 octets')
    return { format, ...withType({ algorithm: 'Ed25519' }, { family: 'Ed25519' }) }
  }
  return { format, ...withType({ algorithm: id }, null) }
}

function algorithmOf(node: DerNode): { oid: string; params: DerNode | undefined } {
  const [id, params] = sequenceOf(node, 1, 2) as [DerNode, DerNode | undefined]
  return { oid: readOid(id), params }
}

/**
 * Describes an EncryptedPrivateKeyInfo (RFC 5958 3) by its protection, without decrypting it.
 *
 * @example
 * describeEncryptedPrivateKey(der).iterations // 600000
 */
export function describeEncryptedPrivateKey(der: Uint8Array): EncryptedPrivateKeyDescription {
  const fields = keyRoot(der, 'a DER encrypted private key')
  if (fields.length !== 2 || fields[1]?.tag !== 0x04) throw new PkiFormatError('malformed EncryptedPrivateKeyInfo')
  const algorithm = fields[0] as DerNode
  const scheme = algorithmOf(algorithm)
  const out: EncryptedPrivateKeyDescription = { format: 'pkcs8-encrypted', scheme: nameOf(scheme.oid) }
  if (scheme.oid !== PKCS_OID.pbes2) return out
  // RFC 8018 A.4: PBES2-params ::= SEQUENCE { keyDerivationFunc, encryptionScheme }.
  if (!scheme.params) throw new PkiFormatError('PBES2 without parameters')
  const [kdf, cipher] = sequenceOf(scheme.params, 2) as [DerNode, DerNode]
  const k = algorithmOf(kdf)
  out.kdf = nameOf(k.oid)
  if (k.oid === PKCS_OID.pbkdf2 && k.params) {
    // RFC 8018 A.2: PBKDF2-params ::= SEQUENCE { salt, iterationCount, keyLength OPTIONAL, prf DEFAULT hmacWithSHA1 }.
    const [, iterations, ...rest] = sequenceOf(k.params, 2, 4) as [DerNode, DerNode, ...DerNode[]]
    out.iterations = readSmallInteger(iterations)
    const prf = rest.find((f) => f.tag === 0x30)
    out.prf = prf ? nameOf(algorithmOf(prf).oid) : 'hmacWithSHA1'
  }
  out.cipher = nameOf(algorithmOf(cipher).oid)
  return out
}

/**
 * Describes a public key: a SubjectPublicKeyInfo (RFC 5280 4.1.2.7) or a PKCS#1 RSAPublicKey (RFC 8017 A.1.1).
 *
 * @example
 * describePublicKey(spkiDer, 'spki') // { format: 'spki', algorithm: 'ECDSA', namedCurve: 'P-256', keySize: 256, ... }
 */
export function describePublicKey(der: Uint8Array, format: PublicKeyInfo['format']): PublicKeyInfo {
  const fields = keyRoot(der, 'a DER public key')
  let key: KeyAlgorithmInfo
  if (format === 'pkcs1') {
    const [modulus, exponent] = fields as [DerNode, DerNode]
    if (fields.length !== 2 || exponent.tag !== 0x02) throw new PkiFormatError('malformed RSAPublicKey')
    key = rsaKey(bitLength(modulus))
  } else {
    const { publicKey, usable } = describeSpki(der)
    key = withType(publicKey, usable)
  }
  const label = format === 'spki' ? 'PUBLIC KEY' : 'RSA PUBLIC KEY'
  return { format, ...key, fingerprints: fingerprints(der), der, pem: encodePem(label, der) }
}

/**
 * Describes ECParameters (RFC 5480 2.1.1: a namedCurve OID; OpenSSL's `EC PARAMETERS` block).
 *
 * @example
 * describeEcParameters(Uint8Array.of(6, 8, 0x2a, 0x86, 0x48, 0xce, 0x3d, 3, 1, 7)) // { namedCurve: 'P-256', ... }
 */
export function describeEcParameters(der: Uint8Array): { namedCurve: string; keySize: number | null } {
  checkSize(der, MAX_DER_BYTES, 'DER EC parameters')
  assertDer(der)
  const node = readSingle(der)
  if (node.tag !== 0x06) throw new PkiFormatError('only named curves are supported (RFC 5480 2.1.1)')
  const key = ecKey(readOid(node))
  return { namedCurve: key.namedCurve as string, keySize: key.keySize }
}
