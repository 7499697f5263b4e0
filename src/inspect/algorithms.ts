/** How inspection names a key's size and a signature algorithm, for any algorithm, also ones we cannot use. */
import { decodeOid } from '../der/oid.ts'
import { children, type DerNode } from '../der/reader.ts'
import { PkiError } from '../errors.ts'
import type { PublicKeyDescription } from '../keys/verify.ts'
import { signatureAlgorithmName } from '../keys/verify.ts'
import { toHex } from '../lib/bytes.ts'

/** Curve sizes in bits by WebCrypto name or curve OID (RFC 5480 2.1.1.1, SEC 2, RFC 5639). */
const CURVE_BITS: Readonly<Record<string, number>> = {
  'P-256': 256,
  'P-384': 384,
  'P-521': 521,
  '1.3.132.0.10': 256, // secp256k1
  '1.3.36.3.3.2.8.1.1.7': 256, // brainpoolP256r1
  '1.3.36.3.3.2.8.1.1.11': 384, // brainpoolP384r1
  '1.3.36.3.3.2.8.1.1.13': 512, // brainpoolP512r1
}

/** Keys of a fixed size, by algorithm name or OID (RFC 8410): the length of the public key in bits. */
const FIXED_BITS: Readonly<Record<string, number>> = {
  Ed25519: 256,
  '1.3.101.110': 256, // X25519
  '1.3.101.111': 448, // X448
  '1.3.101.113': 456, // Ed448: 57 octets
}

/**
 * The size of a public key in bits: the RSA modulus length, the EC curve size, 256 for Ed25519; null for a key
 * algorithm not listed.
 *
 * @example
 * keySize({ algorithm: 'ECDSA', namedCurve: 'P-384' }) // 384
 */
export function keySize(key: PublicKeyDescription): number | null {
  if (key.modulusLength !== undefined) return key.modulusLength
  if (key.algorithm === 'ECDSA') return (key.namedCurve && CURVE_BITS[key.namedCurve]) || null
  return FIXED_BITS[key.algorithm] ?? null
}

/**
 * The name inspection shows for a signatureAlgorithm: OpenSSL's name when pocket-ca verifies the algorithm and its
 * parameters are right; the dotted OID for any other OID (unknown, or known with parameters we would refuse);
 * `#` and the hex of the AlgorithmIdentifier when it does not even start with an OID. Never throws: a
 * certificate is readable whatever it was signed with, and only verification refuses.
 *
 * @example
 * signatureAlgorithmLabel(node) // 'ecdsa-with-SHA256', '1.2.840.113549.1.1.10', or '#30020500'
 */
export function signatureAlgorithmLabel(node: DerNode): string {
  try {
    return signatureAlgorithmName(node)
  } catch (e) {
    if (!(e instanceof PkiError)) throw e
  }
  const first = node.constructed ? children(node)[0] : undefined
  const oid = first?.tag === 0x06 ? decodeOid(first.content) : null
  return oid ?? `#${toHex(node.bytes)}`
}
