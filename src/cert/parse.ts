import { readNameConstraintsInfo } from '../chain/name-constraints.ts'
import { OID } from '../der/oid.ts'
import { readSingle } from '../der/reader.ts'
import { PkiFormatError } from '../errors.ts'
import { keyTypeOfSpki } from '../keys/detect.ts'
import type { KeyType } from '../keys/types.ts'
import { describeSpki, type PublicKeyDescription, signatureAlgorithmName } from '../keys/verify.ts'
import { bytesEqual, toHex } from '../lib/bytes.ts'
import { readX509Certificate } from '../lib/x509.ts'
import { readGeneralNames, type SubjectFields, subjectFields } from '../names/decode.ts'
import { formatIp } from '../names/ip.ts'
import { decodePem, encodePem } from '../pem/index.ts'
import {
  readAuthorityKeyId,
  readBasicConstraints,
  readCertificate,
  readExtKeyUsage,
  readKeyUsageBits,
  readSubjectKeyId,
} from './read.ts'
import { formatSerial } from './serial.ts'
import { EXT_KEY_USAGES, KEY_USAGE_BITS, type KeyUsage, type NameConstraints } from './types.ts'

/** What {@link parseCertificate} returns: a plain, structured-cloneable object. */
export interface CertificateInfo {
  version: number
  /** Colon-separated upper-case hex, as OpenSSL prints it. */
  serialNo: string
  subject: SubjectFields
  /** The subject as one line (`CN=api.example.com, O=Example`). */
  subjectName: string
  issuer: SubjectFields
  issuerName: string
  /** ISO 8601 times. */
  notBefore: string
  notAfter: string
  publicKey: PublicKeyDescription
  /** The {@link KeyType} of the key, or null for keys pocket-ca does not make. */
  keyType: KeyType | null
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
  /** Every extension, with its criticality. */
  extensions: { oid: string; critical: boolean }[]
  der: Uint8Array
  pem: string
}

const EKU_NAMES = new Map<string, string>(Object.entries(EXT_KEY_USAGES).map(([name, oid]) => [oid, name]))

function certificateBytes(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) return input
  if (typeof input !== 'string') throw new TypeError('expected a PEM string or DER bytes')
  const blocks = decodePem(input, { label: 'CERTIFICATE' })
  if (blocks.length !== 1) throw new PkiFormatError(`expected one CERTIFICATE, found ${blocks.length}`)
  return (blocks[0] as { der: Uint8Array }).der
}

/**
 * Reads a certificate (PEM or DER) into a plain object, strictly (see readCertificate: DER, RFC 5280 section 4.1
 * field rules, no duplicate extensions); any problem is a PkiFormatError. It does not check the signature.
 *
 * @example
 * const info = parseCertificate(issued.certificate)
 * info.dnsNames // ['api.example.com', 'www.example.com']
 * info.notAfter // '2027-02-23T10:00:00.000Z'
 */
export function parseCertificate(input: string | Uint8Array): CertificateInfo {
  const der = certificateBytes(input)
  const p = readCertificate(der)
  const rich = readX509Certificate(der)
  const { publicKey, usable } = describeSpki(p.spki)
  const bc = readBasicConstraints(p.extensions.get(OID.basicConstraints))
  const usageBits = readKeyUsageBits(p.extensions.get(OID.keyUsage))
  const eku = readExtKeyUsage(p.extensions.get(OID.extKeyUsage))
  const san = p.extensions.get(OID.subjectAltName)
  const names = san ? readGeneralNames(readSingle(san.value)) : { dnsNames: [], emails: [], ips: [], uris: [] }
  const ski = readSubjectKeyId(p.extensions.get(OID.subjectKeyIdentifier))
  const aki = readAuthorityKeyId(p.extensions.get(OID.authorityKeyIdentifier))
  const nc = p.extensions.get(OID.nameConstraints)
  return {
    version: p.version + 1,
    serialNo: formatSerial(p.serial),
    subject: subjectFields(p.subjectEntries),
    subjectName: rich.subjectName,
    issuer: subjectFields(p.issuerEntries),
    issuerName: rich.issuerName,
    notBefore: p.notBefore.toISOString(),
    notAfter: p.notAfter.toISOString(),
    publicKey,
    keyType: usable ? keyTypeOfSpki(usable) : null,
    signatureAlgorithm: signatureAlgorithmName(p.signatureAlgorithm),
    selfIssued: bytesEqual(p.issuer, p.subject),
    isCa: bc.isCa,
    ...(bc.pathLen !== undefined ? { pathLen: bc.pathLen } : {}),
    keyUsage: usageBits ? KEY_USAGE_BITS.filter((_, bit) => usageBits.has(bit)) : null,
    extKeyUsage: eku ? eku.map((oid) => EKU_NAMES.get(oid) ?? oid) : null,
    dnsNames: names.dnsNames,
    emails: names.emails,
    ips: names.ips.map(formatIp),
    uris: names.uris,
    ...(ski ? { subjectKeyId: toHex(ski) } : {}),
    ...(aki ? { authorityKeyId: toHex(aki) } : {}),
    crlUrls: rich.crlUrls,
    ocspUrls: rich.ocspUrls,
    caIssuersUrls: rich.caIssuersUrls,
    policies: rich.policies,
    ...(nc ? { nameConstraints: readNameConstraintsInfo(nc.value) } : {}),
    extensions: [...p.extensions].map(([oid, e]) => ({ oid, critical: e.critical })),
    der,
    pem: encodePem('CERTIFICATE', der),
  }
}
