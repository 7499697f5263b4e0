/**
 * OBJECT IDENTIFIER encoding (X.690 section 8.19) with a cache: the same few OIDs are written for every certificate,
 * so each is encoded once per process.
 */

import { fromLatin1 } from '../lib/bytes.ts'
import { TAG, tlv } from './writer.ts'

const cache = new Map<string, Uint8Array>()

/**
 * The most septets (base-128 digits, X.690 8.19.2) one arc may take: 20 septets hold 140 bits, enough for the
 * 128-bit UUID arcs of `2.25` (ITU-T X.667, 19 septets). X.690 sets no limit; without one, a hostile 100 KB arc
 * costs quadratic time in big-integer shifts.
 */
const MAX_ARC_SEPTETS = 20
/**
 * The longest OID content we read or write, in octets. Real OIDs are a few dozen octets; 255 leaves room for any
 * registered one and keeps a multi-megabyte OID of small arcs from being decoded and joined into a string.
 */
const MAX_OID_OCTETS = 255

function encodeArc(value: bigint, out: number[]): number {
  const septets: number[] = [Number(value & 0x7fn)]
  let rest = value >> 7n
  while (rest > 0n) {
    septets.unshift(Number(rest & 0x7fn) | 0x80)
    rest >>= 7n
  }
  out.push(...septets)
  return septets.length
}

/**
 * The complete DER encoding (tag, length, content) of a dotted OID. TypeError for text that is not a dotted OID
 * and for OIDs beyond what {@link decodeOid} reads (an arc over 20 septets, content over 255 octets): we never
 * write what we would refuse to read.
 *
 * @example
 * oid('1.2.840.10045.2.1') // 06 07 2A 86 48 CE 3D 02 01
 */
export function oid(dotted: string): Uint8Array {
  const hit = cache.get(dotted)
  if (hit) return hit
  if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(dotted)) throw new TypeError(`not a dotted OID: ${dotted}`)
  const arcs = dotted.split('.').map((a) => BigInt(a))
  const [first, second] = arcs as [bigint, bigint]
  if (first < 2n && second > 39n) throw new TypeError(`not a valid OID: ${dotted}`)
  const content: number[] = []
  let longest = encodeArc(first * 40n + second, content)
  for (const arc of arcs.slice(2)) longest = Math.max(longest, encodeArc(arc, content))
  if (longest > MAX_ARC_SEPTETS || content.length > MAX_OID_OCTETS) throw new TypeError(`OID too long: ${dotted}`)
  const der = tlv(TAG.OID, Uint8Array.from(content))
  cache.set(dotted, der)
  return der
}

/** Arcs below this stay JS numbers: one more septet still fits 2^53 exactly. */
const NUMBER_LIMIT = 2 ** 46

/**
 * Decodes the content octets of an OBJECT IDENTIFIER to dotted form; null when not minimally encoded (X.690
 * 8.19.2: no leading 0x80 in an arc, the last octet ends an arc), when an arc takes more than
 * 20 septets or the content more than 255 octets (see the limits above). Linear in the length.
 *
 * @example
 * decodeOid(Uint8Array.of(0x55, 0x04, 0x03)) // '2.5.4.3'
 */
export function decodeOid(content: Uint8Array): string | null {
  // The same few OIDs are read over and over (one certificate holds dozens): remember the short ones.
  const key = content.length <= 32 ? fromLatin1(content) : null
  const hit = key === null ? undefined : decoded.get(key)
  if (hit !== undefined) return hit
  const dotted = decodeOidUncached(content)
  if (key !== null && dotted !== null && decoded.size < 4096) decoded.set(key, dotted)
  return dotted
}

const decoded = new Map<string, string>()

function decodeOidUncached(content: Uint8Array): string | null {
  if (content.length === 0 || content.length > MAX_OID_OCTETS || (content[content.length - 1] as number) & 0x80) {
    return null
  }
  const arcs: (number | bigint)[] = []
  let value: number | bigint = 0
  let septets = 0
  for (const byte of content) {
    if (septets === 0 && byte === 0x80) return null // X.690 8.19.2: no leading 0x80 padding
    if (++septets > MAX_ARC_SEPTETS) return null
    const digit = byte & 0x7f
    value =
      typeof value === 'number' && value < NUMBER_LIMIT ? value * 128 + digit : (BigInt(value) << 7n) | BigInt(digit)
    if (!(byte & 0x80)) {
      arcs.push(value)
      value = 0
      septets = 0
    }
  }
  // X.690 8.19.4: the first subidentifier is 40 * X + Y, where X is 0 or 1 (Y < 40) or 2 (Y unbounded).
  const first = BigInt(arcs[0] as number | bigint)
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n]
  return [...head, ...arcs.slice(1)].join('.')
}

/** The OIDs pocket-ca writes or reads by name for names, keys, signatures, extensions and CRLs. */
export const OID = {
  // attribute types (RFC 5280 appendix A, RFC 2985)
  commonName: '2.5.4.3',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  stateProvince: '2.5.4.8',
  streetAddress: '2.5.4.9',
  organization: '2.5.4.10',
  organizationUnit: '2.5.4.11',
  emailAddress: '1.2.840.113549.1.9.1',
  challengePassword: '1.2.840.113549.1.9.7',
  extensionRequest: '1.2.840.113549.1.9.14',
  // keys and signatures (RFC 3279, RFC 4055, RFC 5480, RFC 5758, RFC 8410)
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSHA1: '1.2.840.10045.4.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  secp256r1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  ed25519: '1.3.101.112',
  // extensions (RFC 5280 section 4.2)
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  // CRL extensions (RFC 5280 5.2, 5.3)
  cRLNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
} as const

/**
 * The OIDs of password-based encryption, hashes and PKCS#12, by name: apart from {@link OID} so that a bundle that
 * never encrypts a key or writes a PKCS#12 file (keygen + CSR, budget (a)) does not carry them.
 *
 * @example
 * oid(PKCS_OID.pbes2) // 06 09 2A 86 48 86 F7 0D 01 05 0D
 */
export const PKCS_OID = {
  // password-based encryption (RFC 8018)
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSHA1: '1.2.840.113549.2.7',
  hmacWithSHA256: '1.2.840.113549.2.9',
  hmacWithSHA384: '1.2.840.113549.2.10',
  hmacWithSHA512: '1.2.840.113549.2.11',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  // hashes (RFC 3279, RFC 5754), as PKCS#12 MacData names them
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  // PKCS#12 (RFC 7292) and the PKCS#7 content types and PKCS#9 attributes it uses (RFC 2315, RFC 2985)
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  pbmac1: '1.2.840.113549.1.5.14',
} as const
