import { readNameConstraintsInfo } from '../chain/name-constraints.ts'
import { OID } from '../der/oid.ts'
import { readSingle } from '../der/reader.ts'
import { PkiError, PkiFormatError } from '../errors.ts'
import { signatureAlgorithmLabel } from '../inspect/algorithms.ts'
import {
  type AccessDescriptionValue,
  type DistributionPointValue,
  decodeExtensions,
  type ExtensionInfo,
  type PolicyValue,
} from '../inspect/extensions.ts'
import { type Fingerprints, fingerprints } from '../inspect/fingerprint.ts'
import { keyTypeAndSize } from '../inspect/keys.ts'
import { nameInfo } from '../inspect/name.ts'
import type { KeyType } from '../keys/types.ts'
import { describeSpki, type PublicKeyDescription } from '../keys/verify.ts'
import { bytesEqual } from '../lib/bytes.ts'
import { checkSize, MAX_DER_BYTES, MAX_PEM_CHARS } from '../lib/limits.ts'
import type { SubjectFields } from '../names/decode.ts'
import { type GeneralNameInfo, namesOf } from '../names/general.ts'
import { decodePem, encodePem } from '../pem/index.ts'
import { readCertificateParts } from './read.ts'
import { formatSerial } from './serial.ts'
import type { KeyUsage, NameConstraints } from './types.ts'

/** What {@link parseCertificate} returns: a plain, structured-cloneable object (JSON apart from `der`). */
export interface CertificateInfo {
  version: number
  /** Colon-separated upper-case hex, as OpenSSL prints it. */
  serialNo: string
  subject: SubjectFields
  /** The subject as one line, RDNs in encoding order (`C=NZ, O=Example, CN=api.example.com`). */
  subjectName: string
  /** The subject as an RFC 4514 string: last RDN first (`CN=api.example.com,O=Example,C=NZ`). */
  subjectDn: string
  issuer: SubjectFields
  issuerName: string
  /** The issuer as an RFC 4514 string. */
  issuerDn: string
  /** ISO 8601 times. */
  notBefore: string
  notAfter: string
  publicKey: PublicKeyDescription
  /** The {@link KeyType} of the key, or null for keys pocket-ca does not make. */
  keyType: KeyType | null
  /** Key size in bits (RSA modulus, EC curve, 256 for Ed25519); null for an algorithm pocket-ca does not know. */
  keySize: number | null
  /** OpenSSL's name, or the OID for one pocket-ca does not verify (see signatureAlgorithmLabel). */
  signatureAlgorithm: string
  /** Whether issuer and subject are the same name (a root, or a self-issued CA). */
  selfIssued: boolean
  isCa: boolean
  pathLen?: number
  /** null when the certificate has no keyUsage extension. */
  keyUsage: KeyUsage[] | null
  /** Extended key usages by name where known (`serverAuth`), else the OID; null when absent. */
  extKeyUsage: string[] | null
  dnsNames: string[]
  emails: string[]
  ips: string[]
  uris: string[]
  /** Lower-case hex. */
  subjectKeyId?: string
  authorityKeyId?: string
  crlUrls: string[]
  ocspUrls: string[]
  caIssuersUrls: string[]
  policies: string[]
  nameConstraints?: NameConstraints
  /** Every extension in order, with its criticality and its decoded value (hex for unknown ones). */
  extensions: ExtensionInfo[]
  /** SHA-256 and SHA-1 of the DER, as `openssl x509 -fingerprint` prints them. */
  fingerprints: Fingerprints
  der: Uint8Array
  pem: string
}

function certificateBytes(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) {
    checkSize(input, MAX_DER_BYTES, 'a DER certificate')
    return input
  }
  if (typeof input !== 'string') throw new TypeError('expected a PEM string or DER bytes')
  checkSize(input, MAX_PEM_CHARS, 'a certificate PEM text')
  const blocks = decodePem(input, { label: 'CERTIFICATE' })
  if (blocks.length !== 1) throw new PkiFormatError(`expected one CERTIFICATE, found ${blocks.length}`)
  const der = (blocks[0] as { der: Uint8Array }).der
  checkSize(der, MAX_DER_BYTES, 'a DER certificate')
  return der
}

function extensionValue<T>(extensions: readonly ExtensionInfo[], oid: string): T | undefined {
  return extensions.find((e) => e.oid === oid)?.value as T | undefined
}

/** The plain-data fields read from the decoded extensions. */
function extensionFields(extensions: readonly ExtensionInfo[]) {
  const bc = extensionValue<{ ca: boolean; pathLen?: number }>(extensions, OID.basicConstraints)
  const san = extensionValue<GeneralNameInfo[]>(extensions, OID.subjectAltName)
  const aki = extensionValue<{ keyId?: string }>(extensions, OID.authorityKeyIdentifier)
  const ski = extensionValue<string>(extensions, OID.subjectKeyIdentifier)
  const points = extensionValue<DistributionPointValue[]>(extensions, OID.crlDistributionPoints) ?? []
  const access = extensionValue<AccessDescriptionValue[]>(extensions, OID.authorityInfoAccess) ?? []
  const accessUrls = (method: string) =>
    access.filter((a) => a.method === method && a.location.type === 'uri').map((a) => a.location.value)
  return {
    isCa: bc?.ca ?? false,
    ...(bc?.pathLen !== undefined ? { pathLen: bc.pathLen } : {}),
    keyUsage: extensionValue<KeyUsage[]>(extensions, OID.keyUsage) ?? null,
    extKeyUsage: extensionValue<string[]>(extensions, OID.extKeyUsage) ?? null,
    dnsNames: namesOf(san, 'dns'),
    emails: namesOf(san, 'email'),
    ips: namesOf(san, 'ip'),
    uris: namesOf(san, 'uri'),
    ...(ski !== undefined ? { subjectKeyId: ski } : {}),
    ...(aki?.keyId !== undefined ? { authorityKeyId: aki.keyId } : {}),
    crlUrls: points.flatMap((p) => namesOf(p.fullName, 'uri')),
    ocspUrls: accessUrls('ocsp'),
    caIssuersUrls: accessUrls('caIssuers'),
    policies: (extensionValue<PolicyValue[]>(extensions, OID.certificatePolicies) ?? []).map((p) => p.oid),
  }
}

function readInfo(der: Uint8Array): CertificateInfo {
  const p = readCertificateParts(der)
  const extensions = decodeExtensions(p.extensions)
  const { publicKey, usable } = describeSpki(p.spki)
  const nc = p.extensions.get(OID.nameConstraints)
  return {
    version: p.version + 1,
    serialNo: formatSerial(p.serial),
    ...nameInfo('subject', readSingle(p.subject)),
    ...nameInfo('issuer', readSingle(p.issuer)),
    notBefore: p.notBefore.toISOString(),
    notAfter: p.notAfter.toISOString(),
    publicKey,
    ...keyTypeAndSize(publicKey, usable),
    signatureAlgorithm: signatureAlgorithmLabel(p.signatureAlgorithm),
    selfIssued: bytesEqual(p.issuer, p.subject),
    ...extensionFields(extensions),
    ...(nc ? { nameConstraints: readNameConstraintsInfo(nc.value) } : {}),
    extensions,
    fingerprints: fingerprints(der),
    der,
    pem: encodePem('CERTIFICATE', der),
  }
}

/**
 * Reads a certificate (PEM or DER, at most 1 MiB of DER and 2 MiB of PEM text) into a plain object, strictly:
 * DER only (no indefinite lengths, minimal lengths and integers, nothing after the value), the RFC 5280 section 4.1
 * field rules (readCertificateParts: version, a positive serial of at most 20 octets, valid times, unique IDs and
 * extensions only where the version allows), names whose string values decode, no extension twice, and every
 * extension pocket-ca knows decoded by its RFC's syntax (inspect/extensions.ts). It tolerates what BoringSSL
 * tolerates (an encoded cA FALSE, say), and reads certificates whatever they are signed with: an unknown or
 * malformed signature algorithm is named by its OID (or hex) and only verification refuses it. Any problem is a
 * PkiFormatError; a wrong argument type a TypeError. It does not check the signature.
 *
 * @example
 * const info = parseCertificate(issued.certificate)
 * info.dnsNames // ['api.example.com', 'www.example.com']
 * info.subjectDn // 'CN=api.example.com'
 * info.fingerprints.sha256 // '5E:1A:…'
 */
export function parseCertificate(input: string | Uint8Array): CertificateInfo {
  const der = certificateBytes(input)
  try {
    return readInfo(der)
  } catch (e) {
    if (e instanceof PkiError) throw e
    // Whatever else (a RangeError from a dependency, say), the input is what could not be read.
    throw new PkiFormatError('the certificate cannot be read', { cause: e })
  }
}
