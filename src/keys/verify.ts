/**
 * Verifying an X.509 signature (CSR, certificate, CRL) from the signer's SPKI and the signatureAlgorithm, for the
 * algorithms others sign with, not only the ones we make: RSA PKCS#1 v1.5 with SHA-1/256/384/512 (SHA-1 for
 * reading legacy CSRs only; we never sign with it), ECDSA on P-256/384/521 with any SHA-2, Ed25519.
 */
import { ecdsaDerToRaw } from '../der/ecdsa.ts'
import { OID } from '../der/oid.ts'
import { type DerNode, readBitStringBytes, readIntegerBytes, readOid, readSingle, sequenceOf } from '../der/reader.ts'
import { PkiFormatError, PkiNotSupportedError, PkiSignatureError } from '../errors.ts'
import { bufferSource } from '../lib/bytes.ts'
import { findAlgorithmSpec, KEY_TYPE_SPECS, KEY_TYPES, type KeyFamily } from './types.ts'

interface SignatureAlgorithm {
  family: KeyFamily
  hash?: string
  /** Whether the AlgorithmIdentifier carries NULL parameters (RSA, RFC 4055 5) or none (ECDSA, EdDSA). */
  nullParams: boolean
  /** OpenSSL's name of the algorithm. */
  name: string
}

/** Every signature algorithm we verify, by OID: the ones we make (from the key type table) and legacy RSA ones. */
const SIGNATURE_ALGORITHMS: Readonly<Record<string, SignatureAlgorithm>> = {
  // Others sign with these (SHA-1 only in legacy CSRs); we never do.
  [OID.sha1WithRSAEncryption]: { family: 'RSA', hash: 'SHA-1', nullParams: true, name: 'sha1WithRSAEncryption' },
  [OID.sha384WithRSAEncryption]: { family: 'RSA', hash: 'SHA-384', nullParams: true, name: 'sha384WithRSAEncryption' },
  [OID.sha512WithRSAEncryption]: { family: 'RSA', hash: 'SHA-512', nullParams: true, name: 'sha512WithRSAEncryption' },
  ...Object.fromEntries(
    KEY_TYPES.map((t) => KEY_TYPE_SPECS[t]).map((spec) => [
      spec.signatureOid,
      {
        family: spec.family,
        ...(spec.hash ? { hash: spec.hash } : {}),
        nullParams: spec.family === 'RSA',
        name: spec.signatureName,
      },
    ]),
  ),
}

/** The algorithm of an SPKI: its family and, for EC, the curve. */
export interface SpkiAlgorithm {
  family: KeyFamily
  namedCurve?: string
  /** ECDSA: the size of r and s. */
  size?: number
  /** RSA: modulus bits. */
  modulusLength?: number
}

/** How parseCsr reports any public key, also one we cannot use. */
export interface PublicKeyDescription {
  /** 'RSA', 'ECDSA', 'Ed25519', or the key algorithm OID for any other algorithm. */
  algorithm: string
  /** RSA: modulus bits. */
  modulusLength?: number
  /** ECDSA: WebCrypto's curve name (`P-256`, ...), or the curve OID for a curve WebCrypto lacks (e.g. secp256k1). */
  namedCurve?: string
}

/** The bit length of an RSAPublicKey's modulus (RFC 8017 A.1.1). */
function rsaModulusLength(key: DerNode): number {
  const [modulus] = sequenceOf(readSingle(readBitStringBytes(key)), 2) as [DerNode]
  const bytes = readIntegerBytes(modulus)
  const start = bytes[0] === 0 ? 1 : 0
  const top = bytes[start] ?? 0
  return (bytes.length - start - 1) * 8 + (top === 0 ? 0 : 32 - Math.clz32(top))
}

/**
 * Describes the key of a SubjectPublicKeyInfo (RFC 5280 4.1.2.7) without refusing unknown algorithms: `usable` is
 * what {@link spkiAlgorithm} returns, null when pocket-ca cannot verify with the key (an algorithm or curve outside
 * the key type table). PkiFormatError only for a malformed SPKI.
 *
 * @example
 * describeSpki(secp256k1Spki) // { publicKey: { algorithm: 'ECDSA', namedCurve: '1.3.132.0.10' }, usable: null }
 */
export function describeSpki(spki: Uint8Array): { publicKey: PublicKeyDescription; usable: SpkiAlgorithm | null } {
  const [algorithm, key] = sequenceOf(readSingle(spki), 2) as [DerNode, DerNode]
  const [algOid, params] = sequenceOf(algorithm, 1, 2)
  const id = readOid(algOid as DerNode)
  if (id === OID.rsaEncryption) {
    const modulusLength = rsaModulusLength(key)
    return { publicKey: { algorithm: 'RSA', modulusLength }, usable: { family: 'RSA', modulusLength } }
  }
  if (id === OID.ed25519) return { publicKey: { algorithm: 'Ed25519' }, usable: { family: 'Ed25519' } }
  if (id === OID.ecPublicKey) {
    // RFC 5480 2.1.1: namedCurve is the only form allowed; implicitCurve and specifiedCurve have no curve OID.
    const curveOid = params?.tag === 0x06 ? readOid(params) : undefined
    const spec = curveOid === undefined ? undefined : findAlgorithmSpec(id, curveOid)
    if (spec?.namedCurve && spec.ecdsaSize) {
      const namedCurve = spec.namedCurve
      return {
        publicKey: { algorithm: 'ECDSA', namedCurve },
        usable: { family: 'ECDSA', namedCurve, size: spec.ecdsaSize },
      }
    }
    return { publicKey: { algorithm: 'ECDSA', ...(curveOid ? { namedCurve: curveOid } : {}) }, usable: null }
  }
  return { publicKey: { algorithm: id }, usable: null }
}

/**
 * Reads the AlgorithmIdentifier of a SubjectPublicKeyInfo (RFC 5280 4.1.2.7); PkiNotSupportedError for a key
 * pocket-ca cannot verify with.
 *
 * @example
 * spkiAlgorithm(spkiDer) // { family: 'ECDSA', namedCurve: 'P-256', size: 32 }
 * spkiAlgorithm(rsaSpki) // { family: 'RSA', modulusLength: 2048 }
 */
export function spkiAlgorithm(spki: Uint8Array): SpkiAlgorithm {
  const { publicKey, usable } = describeSpki(spki)
  if (usable) return usable
  if (publicKey.algorithm === 'ECDSA') {
    throw new PkiNotSupportedError(`unsupported elliptic curve ${publicKey.namedCurve ?? '(not a named curve)'}`)
  }
  throw new PkiNotSupportedError(`unsupported public key algorithm ${publicKey.algorithm}`)
}

/**
 * Parses a signatureAlgorithm AlgorithmIdentifier strictly: a known OID with exactly the parameters its RFC says.
 * PkiNotSupportedError for an unknown OID, PkiFormatError for wrong parameters.
 *
 * @example
 * signatureAlgorithmOf(node) // { family: 'ECDSA', hash: 'SHA-256', nullParams: false, name: 'ecdsa-with-SHA256', ... }
 */
export function signatureAlgorithmOf(node: DerNode): SignatureAlgorithm & { oid: string } {
  const [algOid, ...params] = sequenceOf(node, 1, 2)
  const id = readOid(algOid as DerNode)
  const algorithm = Object.hasOwn(SIGNATURE_ALGORITHMS, id) ? SIGNATURE_ALGORITHMS[id] : undefined
  if (!algorithm) throw new PkiNotSupportedError(`unsupported signature algorithm ${id}`)
  const hasNull = params.length === 1 && params[0]?.tag === 0x05
  if (params.length > 0 && !hasNull) throw new PkiFormatError('unexpected signature algorithm parameters')
  // RFC 4055 section 5 requires NULL for RSA; RFC 5758 3.2 and RFC 8410 3 forbid any parameters for ECDSA / EdDSA.
  if (algorithm.nullParams !== hasNull && !(algorithm.family === 'RSA' && params.length === 0)) {
    throw new PkiFormatError('signature algorithm parameters do not match the algorithm')
  }
  return { ...algorithm, oid: id }
}

/**
 * The name parseCsr reports for a signatureAlgorithm: OpenSSL's name for one we verify (parameters checked as
 * {@link signatureAlgorithmOf} does), the dotted OID for any other (RSASSA-PSS, say), which verification refuses.
 *
 * @example
 * signatureAlgorithmName(node) // 'ecdsa-with-SHA256', or '1.2.840.113549.1.1.10' for RSASSA-PSS
 */
export function signatureAlgorithmName(node: DerNode): string {
  const [algOid] = sequenceOf(node, 1, 2)
  const id = readOid(algOid as DerNode)
  return Object.hasOwn(SIGNATURE_ALGORITHMS, id) ? signatureAlgorithmOf(node).name : id
}

/**
 * Verifies `signature` over `data` with the key in `spki`; throws PkiSignatureError when it does not verify,
 * including when the signature algorithm does not fit the key or the ECDSA signature is not strict DER.
 *
 * @example
 * await verifySignature(crypto, spkiDer, sigAlgNode, tbsBytes, signatureBytes)
 */
export async function verifySignature(
  crypto: Crypto,
  spki: Uint8Array,
  signatureAlgorithm: DerNode,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<void> {
  const algorithm = signatureAlgorithmOf(signatureAlgorithm)
  const key = spkiAlgorithm(spki)
  if (key.family !== algorithm.family) throw new PkiSignatureError('the signature algorithm does not match the key')
  let importParams: Algorithm
  let verifyParams: Algorithm
  let sig = signature
  if (algorithm.family === 'RSA') {
    importParams = { name: 'RSASSA-PKCS1-v1_5', hash: algorithm.hash } as RsaHashedImportParams
    verifyParams = { name: 'RSASSA-PKCS1-v1_5' }
  } else if (algorithm.family === 'ECDSA') {
    importParams = { name: 'ECDSA', namedCurve: key.namedCurve } as EcKeyImportParams
    verifyParams = { name: 'ECDSA', hash: algorithm.hash } as EcdsaParams
    try {
      sig = ecdsaDerToRaw(signature, key.size as number)
    } catch (e) {
      throw new PkiSignatureError('the ECDSA signature is not a valid DER Ecdsa-Sig-Value', { cause: e })
    }
  } else {
    importParams = { name: 'Ed25519' }
    verifyParams = { name: 'Ed25519' }
  }
  let publicKey: CryptoKey
  try {
    publicKey = await crypto.subtle.importKey('spki', bufferSource(spki), importParams, false, ['verify'])
  } catch (e) {
    throw new PkiFormatError('the public key cannot be imported', { cause: e })
  }
  const ok = await crypto.subtle.verify(verifyParams, publicKey, bufferSource(sig), bufferSource(data))
  if (!ok) throw new PkiSignatureError('the signature does not verify')
}
