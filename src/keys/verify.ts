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

interface SignatureAlgorithm {
  family: 'RSA' | 'ECDSA' | 'Ed25519'
  hash?: string
  /** Whether the AlgorithmIdentifier carries NULL parameters (RSA, RFC 4055 5) or none (ECDSA, EdDSA). */
  nullParams: boolean
}

const SIGNATURE_ALGORITHMS: Record<string, SignatureAlgorithm> = {
  [OID.sha1WithRSAEncryption]: { family: 'RSA', hash: 'SHA-1', nullParams: true },
  [OID.sha256WithRSAEncryption]: { family: 'RSA', hash: 'SHA-256', nullParams: true },
  [OID.sha384WithRSAEncryption]: { family: 'RSA', hash: 'SHA-384', nullParams: true },
  [OID.sha512WithRSAEncryption]: { family: 'RSA', hash: 'SHA-512', nullParams: true },
  [OID.ecdsaWithSHA256]: { family: 'ECDSA', hash: 'SHA-256', nullParams: false },
  [OID.ecdsaWithSHA384]: { family: 'ECDSA', hash: 'SHA-384', nullParams: false },
  [OID.ecdsaWithSHA512]: { family: 'ECDSA', hash: 'SHA-512', nullParams: false },
  [OID.ed25519]: { family: 'Ed25519', nullParams: false },
}

const CURVES: Record<string, { namedCurve: string; size: number }> = {
  [OID.secp256r1]: { namedCurve: 'P-256', size: 32 },
  [OID.secp384r1]: { namedCurve: 'P-384', size: 48 },
  [OID.secp521r1]: { namedCurve: 'P-521', size: 66 },
}

/** The algorithm of an SPKI: its family and, for EC, the curve. */
export interface SpkiAlgorithm {
  family: 'RSA' | 'ECDSA' | 'Ed25519'
  namedCurve?: string
  /** ECDSA: the size of r and s. */
  size?: number
  /** RSA: modulus bits. */
  modulusLength?: number
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
 * Reads the AlgorithmIdentifier of a SubjectPublicKeyInfo (RFC 5280 4.1.2.7).
 *
 * @example
 * spkiAlgorithm(spkiDer) // { family: 'ECDSA', namedCurve: 'P-256', size: 32 }
 * spkiAlgorithm(rsaSpki) // { family: 'RSA', modulusLength: 2048 }
 */
export function spkiAlgorithm(spki: Uint8Array): SpkiAlgorithm {
  const [algorithm, key] = sequenceOf(readSingle(spki), 2) as [DerNode, DerNode]
  const [algOid, params] = sequenceOf(algorithm, 1, 2)
  const id = readOid(algOid as DerNode)
  if (id === OID.rsaEncryption) return { family: 'RSA', modulusLength: rsaModulusLength(key) }
  if (id === OID.ed25519) return { family: 'Ed25519' }
  if (id === OID.ecPublicKey && params) {
    const curve = CURVES[readOid(params)]
    if (curve) return { family: 'ECDSA', ...curve }
    throw new PkiNotSupportedError('unsupported elliptic curve')
  }
  throw new PkiNotSupportedError(`unsupported public key algorithm ${id}`)
}

/**
 * Parses a signatureAlgorithm AlgorithmIdentifier strictly: a known OID with exactly the parameters its RFC says.
 *
 * @example
 * signatureAlgorithmOf(node) // { family: 'ECDSA', hash: 'SHA-256', nullParams: false }
 */
export function signatureAlgorithmOf(node: DerNode): SignatureAlgorithm & { oid: string } {
  const [algOid, ...params] = sequenceOf(node, 1, 2)
  const id = readOid(algOid as DerNode)
  const algorithm = SIGNATURE_ALGORITHMS[id]
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
