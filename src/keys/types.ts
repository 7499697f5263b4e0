/**
 * The one table of key types (DESIGN.md): WebCrypto parameters, the SPKI / PKCS#8 algorithm and curve OIDs, the
 * signature algorithm we write and its hash. Everything else about keys reads from here: key detection
 * (keys/detect.ts), PKCS#8 and JWK import (keys/pkcs8.ts, keys/import.ts), SPKI reading and signature checks
 * (keys/verify.ts), ECDSA signature sizes (der/ecdsa.ts).
 */
import { OID, oid } from '../der/oid.ts'
import { nullValue, sequence } from '../der/writer.ts'

/** The key types pocket-ca makes. Ed25519 where the runtime supports it. */
export type KeyType = 'RSA2048' | 'RSA3072' | 'RSA4096' | 'EC256' | 'EC384' | 'EC521' | 'Ed25519'

/** Every {@link KeyType}, in the order the docs list them. */
export const KEY_TYPES: readonly KeyType[] = ['RSA2048', 'RSA3072', 'RSA4096', 'EC256', 'EC384', 'EC521', 'Ed25519']

/** The key families, as SPKIs and signature algorithms are matched. */
export type KeyFamily = 'RSA' | 'ECDSA' | 'Ed25519'

/** What signing and verifying with one key type takes. */
export interface KeyTypeSpec {
  keyType: KeyType
  family: KeyFamily
  /**
   * The AlgorithmIdentifier OID of the key in an SPKI or PKCS#8: rsaEncryption (RFC 3279 2.3.1), id-ecPublicKey
   * (RFC 5480 2.1.1), id-Ed25519 (RFC 8410 3).
   */
  keyOid: string
  /** ECDSA: the namedCurve OID in those parameters (RFC 5480 2.1.1.1). */
  curveOid?: string
  /** ECDSA: WebCrypto's name of the curve, which is also the JWK `crv` (RFC 7518 6.2.1.1). */
  namedCurve?: 'P-256' | 'P-384' | 'P-521'
  /** RSA: the modulus size in bits. */
  modulusLength?: number
  /** generateKey parameters. */
  generate: RsaHashedKeyGenParams | EcKeyGenParams | Algorithm
  /** importKey parameters for the private key (PKCS#8, JWK) and for our own public keys. */
  import: RsaHashedImportParams | EcKeyImportParams | Algorithm
  /** sign / verify parameters. */
  sign: Algorithm | EcdsaParams
  /**
   * The DER AlgorithmIdentifier we write as signatureAlgorithm (RFC 4055 5: RSA with NULL parameters; RFC 5758
   * 3.2: ECDSA without).
   */
  signatureAlgorithm: Uint8Array
  /** The OID in {@link KeyTypeSpec.signatureAlgorithm}. */
  signatureOid: string
  /** OpenSSL's name for that signature algorithm, as parseCsr reports it. */
  signatureName: string
  /** The hash the signature uses, null for Ed25519 (RFC 8032 hashes internally); keys/verify.ts verifies with it. */
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512' | null
  /** For ECDSA: the size of r and s in WebCrypto's raw signature (ceil(curve bits / 8)). */
  ecdsaSize?: number
}

const RSA_EXPONENT = Uint8Array.of(1, 0, 1)

function rsa(keyType: KeyType, modulusLength: number): KeyTypeSpec {
  return {
    keyType,
    family: 'RSA',
    keyOid: OID.rsaEncryption,
    modulusLength,
    generate: { name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: RSA_EXPONENT, hash: 'SHA-256' },
    import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
    signatureAlgorithm: sequence(oid(OID.sha256WithRSAEncryption), nullValue()),
    signatureOid: OID.sha256WithRSAEncryption,
    signatureName: 'sha256WithRSAEncryption',
    hash: 'SHA-256',
  }
}

function ec(
  keyType: KeyType,
  namedCurve: 'P-256' | 'P-384' | 'P-521',
  curveOid: string,
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512',
  signatureOid: string,
  size: number,
): KeyTypeSpec {
  return {
    keyType,
    family: 'ECDSA',
    keyOid: OID.ecPublicKey,
    curveOid,
    namedCurve,
    generate: { name: 'ECDSA', namedCurve },
    import: { name: 'ECDSA', namedCurve },
    sign: { name: 'ECDSA', hash },
    signatureAlgorithm: sequence(oid(signatureOid)),
    signatureOid,
    signatureName: `ecdsa-with-${hash.replace('-', '')}`,
    hash,
    ecdsaSize: size,
  }
}

/** The table itself, keyed by {@link KeyType}. P-521 signs with SHA-512 (RFC 5480 section 4). */
export const KEY_TYPE_SPECS: Readonly<Record<KeyType, KeyTypeSpec>> = {
  RSA2048: rsa('RSA2048', 2048),
  RSA3072: rsa('RSA3072', 3072),
  RSA4096: rsa('RSA4096', 4096),
  EC256: ec('EC256', 'P-256', OID.secp256r1, 'SHA-256', OID.ecdsaWithSHA256, 32),
  EC384: ec('EC384', 'P-384', OID.secp384r1, 'SHA-384', OID.ecdsaWithSHA384, 48),
  // 521 bits round up to 66 bytes.
  EC521: ec('EC521', 'P-521', OID.secp521r1, 'SHA-512', OID.ecdsaWithSHA512, 66),
  Ed25519: {
    keyType: 'Ed25519',
    family: 'Ed25519',
    keyOid: OID.ed25519,
    generate: { name: 'Ed25519' },
    import: { name: 'Ed25519' },
    sign: { name: 'Ed25519' },
    signatureAlgorithm: sequence(oid(OID.ed25519)),
    signatureOid: OID.ed25519,
    signatureName: 'ED25519',
    hash: null,
  },
}

/**
 * The table entry for a key of `family` with this RSA modulus size or EC curve (WebCrypto name); undefined for a
 * key pocket-ca does not make (RSA 1024, a curve WebCrypto lacks).
 *
 * @example
 * findKeySpec('ECDSA', { namedCurve: 'P-384' })?.keyType // 'EC384'
 * findKeySpec('RSA', { modulusLength: 1024 })            // undefined
 */
export function findKeySpec(
  family: string,
  size: { modulusLength?: number | undefined; namedCurve?: string | undefined } = {},
): KeyTypeSpec | undefined {
  for (const keyType of KEY_TYPES) {
    const spec = KEY_TYPE_SPECS[keyType]
    if (spec.family !== family) continue
    if (family === 'RSA' && spec.modulusLength !== size.modulusLength) continue
    if (family === 'ECDSA' && spec.namedCurve !== size.namedCurve) continue
    return spec
  }
  return undefined
}

/**
 * The table entry for an SPKI / PKCS#8 AlgorithmIdentifier: its key OID and, for EC, its curve OID. For RSA, whose
 * size is not in the AlgorithmIdentifier, the first RSA entry: every RSA size imports with the same parameters.
 * Undefined for an algorithm or curve pocket-ca does not use.
 *
 * @example
 * findAlgorithmSpec(OID.ecPublicKey, OID.secp256r1)?.import // { name: 'ECDSA', namedCurve: 'P-256' }
 */
export function findAlgorithmSpec(keyOid: string, curveOid?: string): KeyTypeSpec | undefined {
  for (const keyType of KEY_TYPES) {
    const spec = KEY_TYPE_SPECS[keyType]
    if (spec.keyOid === keyOid && spec.curveOid === curveOid) return spec
  }
  return undefined
}
