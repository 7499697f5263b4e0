/**
 * The one table of key types (DESIGN.md): WebCrypto parameters, the SPKI algorithm, the signature algorithm we
 * write and its hash. Everything else about keys reads from here.
 */
import { OID, oid } from '../der/oid.ts'
import { nullValue, sequence } from '../der/writer.ts'

/** The key types pocket-ca makes. Ed25519 where the runtime supports it. */
export type KeyType = 'RSA2048' | 'RSA3072' | 'RSA4096' | 'EC256' | 'EC384' | 'EC521' | 'Ed25519'

/** Every {@link KeyType}, in the order the docs list them. */
export const KEY_TYPES: readonly KeyType[] = ['RSA2048', 'RSA3072', 'RSA4096', 'EC256', 'EC384', 'EC521', 'Ed25519']

/** What signing and verifying with one key type takes. */
export interface KeyTypeSpec {
  keyType: KeyType
  /** generateKey parameters. */
  generate: RsaHashedKeyGenParams | EcKeyGenParams | Algorithm
  /** importKey parameters (PKCS#8, SPKI, JWK). */
  import: RsaHashedImportParams | EcKeyImportParams | Algorithm
  /** sign / verify parameters. */
  sign: Algorithm | EcdsaParams
  /** The DER AlgorithmIdentifier we write as signatureAlgorithm (RFC 4055 5: RSA with NULL; RFC 5758 3.2: ECDSA without). */
  signatureAlgorithm: Uint8Array
  /** OpenSSL's name for that signature algorithm. */
  signatureName: string
  /** The hash the signature uses, null for Ed25519 (RFC 8032 hashes internally). */
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512' | null
  /** For ECDSA: the size of r and s in WebCrypto's raw signature. */
  ecdsaSize?: number
}

const RSA_EXPONENT = Uint8Array.of(1, 0, 1)

function rsa(keyType: KeyType, modulusLength: number): KeyTypeSpec {
  return {
    keyType,
    generate: { name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: RSA_EXPONENT, hash: 'SHA-256' },
    import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
    signatureAlgorithm: sequence(oid(OID.sha256WithRSAEncryption), nullValue()),
    signatureName: 'sha256WithRSAEncryption',
    hash: 'SHA-256',
  }
}

function ec(
  keyType: KeyType,
  namedCurve: string,
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512',
  sigOid: string,
  size: number,
) {
  const spec: KeyTypeSpec = {
    keyType,
    generate: { name: 'ECDSA', namedCurve },
    import: { name: 'ECDSA', namedCurve },
    sign: { name: 'ECDSA', hash },
    signatureAlgorithm: sequence(oid(sigOid)),
    signatureName: `ecdsa-with-${hash.replace('-', '')}`,
    hash,
    ecdsaSize: size,
  }
  return spec
}

/** The table itself, keyed by {@link KeyType}. P-521 signs with SHA-512 (RFC 5480 section 4). */
export const KEY_TYPE_SPECS: Readonly<Record<KeyType, KeyTypeSpec>> = {
  RSA2048: rsa('RSA2048', 2048),
  RSA3072: rsa('RSA3072', 3072),
  RSA4096: rsa('RSA4096', 4096),
  EC256: ec('EC256', 'P-256', 'SHA-256', OID.ecdsaWithSHA256, 32),
  EC384: ec('EC384', 'P-384', 'SHA-384', OID.ecdsaWithSHA384, 48),
  EC521: ec('EC521', 'P-521', 'SHA-512', OID.ecdsaWithSHA512, 66),
  Ed25519: {
    keyType: 'Ed25519',
    generate: { name: 'Ed25519' },
    import: { name: 'Ed25519' },
    sign: { name: 'Ed25519' },
    signatureAlgorithm: sequence(oid(OID.ed25519)),
    signatureName: 'ED25519',
    hash: null,
  },
}
