/**
 * Verifying an X.509 signature (CSR, certificate, CRL) from the signer's SPKI and the signatureAlgorithm, for the
 * algorithms others sign with, not only the ones we make: RSA PKCS#1 v1.5 with SHA-1/256/384/512 (SHA-1 for
 * legacy CSRs and certificates; we never sign with it), RSASSA-PSS (RFC 4055) with SHA-1/256/384/512, ECDSA on
 * P-256/384/521 with any SHA-2, Ed25519.
 */
import { ecdsaDerToRaw } from '../der/ecdsa.ts'
import { OID, oid } from '../der/oid.ts'
import {
  children,
  type DerNode,
  readBitStringBytes,
  readIntegerBytes,
  readOid,
  readSingle,
  readSmallInteger,
  sequenceOf,
} from '../der/reader.ts'
import { nullValue, sequence } from '../der/writer.ts'
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
  /** RSASSA-PSS: the salt length of RSASSA-PSS-params (RFC 4055 3.1); the MGF1 hash is `hash`. */
  saltLength?: number
}

/** id-RSASSA-PSS and id-mgf1 (RFC 4055 section 3.1, 6). */
const RSASSA_PSS = '1.2.840.113549.1.1.10'
const MGF1 = '1.2.840.113549.1.1.8'

/** The one-way hash functions RSASSA-PSS-params may name (RFC 4055 2.1), as WebCrypto calls them. */
const PSS_HASHES: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
}

/** A HashAlgorithm AlgorithmIdentifier: a known OID with NULL or absent parameters (RFC 4055 2.1 allows both). */
function readPssHash(node: DerNode): string {
  const [id, ...params] = sequenceOf(node, 1, 2)
  const hash = PSS_HASHES[readOid(id as DerNode)]
  if (!hash) throw new PkiNotSupportedError('unsupported RSASSA-PSS hash algorithm')
  if (params.length === 1 && (params[0]?.tag !== 0x05 || params[0].content.length !== 0)) {
    throw new PkiFormatError('unexpected hash algorithm parameters')
  }
  return hash
}

/**
 * RSASSA-PSS-params (RFC 4055 3.1), strictly: fields in order, DEFAULT values omitted (X.690 11.5), trailerField 1.
 * WebCrypto's RSA-PSS uses one hash for the message and MGF1 (W3C WebCrypto 21), so a different MGF1 hash is
 * PkiNotSupportedError.
 */
function readPssParams(node: DerNode | undefined): { hash: string; saltLength: number } {
  // RFC 4055 3.1: the parameters MUST be present in the AlgorithmIdentifier of a signature value.
  if (!node) throw new PkiFormatError('RSASSA-PSS without parameters')
  let hash = 'SHA-1'
  let mgfHash = 'SHA-1'
  let saltLength = 20
  let last = -1
  for (const field of sequenceOf(node, 0, 4)) {
    const n = field.tag - 0xa0
    const inner = children(field)
    if (n <= last || n > 3 || inner.length !== 1) throw new PkiFormatError('malformed RSASSA-PSS parameters')
    last = n
    const value = inner[0] as DerNode
    if (n === 0) {
      hash = readPssHash(value)
      if (hash === 'SHA-1') throw new PkiFormatError('RSASSA-PSS: the DEFAULT hash sha1 must be omitted')
    } else if (n === 1) {
      const [id, params] = sequenceOf(value, 2) as [DerNode, DerNode]
      if (readOid(id) !== MGF1) throw new PkiNotSupportedError('unsupported RSASSA-PSS mask generation function')
      mgfHash = readPssHash(params)
      if (mgfHash === 'SHA-1') throw new PkiFormatError('RSASSA-PSS: the DEFAULT mgf1SHA1 must be omitted')
    } else if (n === 2) {
      saltLength = readSmallInteger(value)
      if (saltLength === 20) throw new PkiFormatError('RSASSA-PSS: the DEFAULT salt length 20 must be omitted')
    } else if (readSmallInteger(value) !== 1) {
      // trailerField: 1 (trailerFieldBC) is the only value, and as the DEFAULT it is never encoded.
      throw new PkiFormatError('RSASSA-PSS: trailerField must be 1 and omitted')
    }
  }
  if (mgfHash !== hash) throw new PkiNotSupportedError('RSASSA-PSS with an MGF1 hash unlike the message hash')
  return { hash, saltLength }
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
  // RFC 8410 3: for Ed25519 the parameters MUST be absent; a key with any is described but not usable.
  if (id === OID.ed25519) {
    return { publicKey: { algorithm: 'Ed25519' }, usable: params === undefined ? { family: 'Ed25519' } : null }
  }
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
  if (publicKey.algorithm === 'Ed25519') {
    throw new PkiFormatError('an Ed25519 key AlgorithmIdentifier has parameters (RFC 8410 section 3: absent)')
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
  if (id === RSASSA_PSS) {
    return { family: 'RSA', nullParams: false, name: 'rsassaPss', oid: id, ...readPssParams(params[0]) }
  }
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
 * The name parseCsr reports for a signatureAlgorithm: OpenSSL's name for one of the fixed algorithms (parameters
 * checked as {@link signatureAlgorithmOf} does), the dotted OID for any other: RSASSA-PSS, whose name alone does not
 * say its parameters, or one verification refuses.
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
 * How to hand a public key to WebCrypto. EC keys in uncompressed form and Ed25519 keys go in 'raw', the key bits
 * alone: the SPKI around them was read and checked (curve OID, RFC 5480 2.1.1) by spkiAlgorithm, and Node parses a
 * raw point about three times faster than the same key wrapped in an SPKI (~50 us against ~155 us a key), which is
 * the largest single cost of checking a CSR. Everything else (RSA, compressed points) goes in as the SPKI.
 */
function importForm(spki: Uint8Array, params: Algorithm): ['raw' | 'spki', Uint8Array] {
  if (params.name !== 'ECDSA' && params.name !== 'Ed25519') return ['spki', spki]
  const bits = readBitStringBytes(sequenceOf(readSingle(spki), 2)[1] as DerNode)
  // SEC 1 2.3.3: 0x04 starts an uncompressed point, X and Y of the curve's size each; Ed25519 keys are 32 octets.
  const raw = params.name === 'Ed25519' ? bits.length === 32 : bits[0] === 0x04 && bits.length % 2 === 1
  return raw ? ['raw', bits] : ['spki', spki]
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
  await (await startVerification(crypto, spki, signatureAlgorithm, data, signature)).verified
}

/**
 * {@link verifySignature} in two steps: resolves once the key is imported and the verification handed to WebCrypto,
 * with `verified`, which settles when WebCrypto answers (PkiSignatureError if it says no). The caller can work
 * while WebCrypto's threads verify; `verified` is already observed, so leaving it unawaited after an error of the
 * caller's own raises no unhandled rejection. Errors found before that (algorithm, key, encoding) reject at once.
 *
 * @example
 * const { verified } = await startVerification(crypto, spkiDer, sigAlgNode, tbsBytes, signatureBytes)
 * const tbs = buildTbs() // meanwhile
 * await verified
 */
export async function startVerification(
  crypto: Crypto,
  spki: Uint8Array,
  signatureAlgorithm: DerNode,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<{ verified: Promise<void> }> {
  const algorithm = signatureAlgorithmOf(signatureAlgorithm)
  let keyDer = spki
  let importParams: Algorithm
  let verifyParams: Algorithm
  let sig = signature
  if (algorithm.saltLength !== undefined) {
    keyDer = pssKey(spki, algorithm as Required<Pick<SignatureAlgorithm, 'hash' | 'saltLength'>>)
    importParams = { name: 'RSA-PSS', hash: algorithm.hash } as RsaHashedImportParams
    verifyParams = { name: 'RSA-PSS', saltLength: algorithm.saltLength } as RsaPssParams
  } else {
    const key = spkiAlgorithm(spki)
    if (key.family !== algorithm.family) throw new PkiSignatureError('the signature algorithm does not match the key')
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
  }
  const [format, keyData] = importForm(keyDer, importParams)
  let publicKey: CryptoKey
  try {
    publicKey = await crypto.subtle.importKey(format, bufferSource(keyData), importParams, false, ['verify'])
  } catch (e) {
    throw new PkiFormatError('the public key cannot be imported', { cause: e })
  }
  let answer: Promise<boolean>
  try {
    answer = crypto.subtle.verify(verifyParams, publicKey, bufferSource(sig), bufferSource(data))
  } catch (e) {
    answer = Promise.reject(e)
  }
  const verified = answer.then(
    (ok) => {
      if (!ok) throw new PkiSignatureError('the signature does not verify')
    },
    (e: unknown) => {
      // A salt length the key cannot hold, say: a signature that cannot verify, not a crash.
      throw new PkiSignatureError('the signature cannot be verified with this key', { cause: e })
    },
  )
  verified.catch(() => undefined)
  return { verified }
}

/**
 * The SPKI to import for an RSASSA-PSS verification. An rsaEncryption key may sign with PSS (RFC 4055 1.2); an
 * id-RSASSA-PSS key may only sign with PSS, and when its parameters are present they bind the hash and the least
 * salt length (RFC 4055 3.3). WebCrypto imports RSA public keys from rsaEncryption SPKIs only, so an id-RSASSA-PSS
 * SPKI is rewritten as one with the same key.
 */
function pssKey(spki: Uint8Array, algorithm: { hash: string; saltLength: number }): Uint8Array {
  const [keyAlgorithm, key] = sequenceOf(readSingle(spki), 2) as [DerNode, DerNode]
  const [id, params] = sequenceOf(keyAlgorithm, 1, 2)
  const keyOid = readOid(id as DerNode)
  if (keyOid === OID.rsaEncryption) return spki
  if (keyOid !== RSASSA_PSS) throw new PkiSignatureError('the signature algorithm does not match the key')
  if (params) {
    const bound = readPssParams(params)
    if (bound.hash !== algorithm.hash || algorithm.saltLength < bound.saltLength) {
      throw new PkiSignatureError('the RSASSA-PSS parameters differ from those bound to the key (RFC 4055 3.3)')
    }
  }
  return sequence(sequence(oid(OID.rsaEncryption), nullValue()), key.bytes)
}
