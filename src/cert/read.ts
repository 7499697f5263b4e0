/**
 * The strict structural reading of a certificate (RFC 5280 section 4.1) with our own DER reader, in BoringSSL's
 * layers: the Certificate envelope, the TBSCertificate fields, then the parts (names, times, extension list). The
 * parts are what signing, chaining and constraint checks need, as views into the input; {@link parseCertificate}
 * adds the decoding for people. No dependency is involved, so issuance and path validation stay lean.
 *
 * Where BoringSSL (pki/parse_certificate.cc, whose test corpus we run) tolerates a DER slip that is common in
 * certificates in the wild, we do too, and say so where it happens; everything else is a PkiFormatError.
 */
import {
  assertDer,
  children,
  type DerNode,
  readBitStringBytes,
  readIntegerBytes,
  readOctetString,
  readOid,
  readSingle,
  readSmallInteger,
  sequenceOf,
} from '../der/reader.ts'
import { PkiFormatError } from '../errors.ts'
import { bytesEqual, fromLatin1 } from '../lib/bytes.ts'
import { type NameEntry, readName } from '../names/decode.ts'

/** One extension as read: criticality and the extnValue content. */
export interface RawExtension {
  critical: boolean
  value: Uint8Array
}

/** A certificate's parts. Byte fields are views into the DER given. */
export interface CertificateParts {
  der: Uint8Array
  /** The whole TBSCertificate encoding: what the signature covers. */
  tbs: Uint8Array
  /** 0 (v1), 1 (v2) or 2 (v3), as encoded. */
  version: number
  /** INTEGER content octets (may carry a 00 sign octet). */
  serial: Uint8Array
  /** The outer signatureAlgorithm (what the signature was made with). */
  signatureAlgorithm: DerNode
  /** tbsCertificate.signature, which RFC 5280 4.1.1.2 wants equal to the outer one ({@link readCertificate}). */
  tbsSignatureAlgorithm: DerNode
  issuer: Uint8Array
  issuerEntries: NameEntry[]
  subject: Uint8Array
  subjectEntries: NameEntry[]
  notBefore: Date
  notAfter: Date
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array
  extensions: Map<string, RawExtension>
  signature: Uint8Array
}

/** The subjectAltName OID (RFC 5280 4.2.1.6), for the empty-subject rule in {@link readCertificateParts}. */
const SUBJECT_ALT_NAME = '2.5.29.17'

/**
 * A certificate or CRL time (RFC 5280 4.1.2.5), strictly: seconds, `Z`, valid calendar values. UTCTime years 50..99
 * are 19xx. Either type is accepted for any year, as BoringSSL does (RFC 5280 wants UTCTime through 2049; a
 * GeneralizedTime 2014 is wrong but harmless).
 *
 * @example
 * readTime(node) // Date
 */
export function readTime(node: DerNode): Date {
  const text = fromLatin1(node.content)
  // RFC 5280 4.1.2.5.1/2: UTCTime YYMMDDHHMMSSZ, GeneralizedTime YYYYMMDDHHMMSSZ; no fractions, always Z.
  const m =
    node.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : node.tag === 0x18
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null
  if (!m) throw new PkiFormatError(`malformed certificate time ${JSON.stringify(text)}`)
  const [y, mo, d, h, mi, sec] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  const year = node.tag === 0x17 ? (y >= 50 ? 1900 + y : 2000 + y) : y
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0..99 as 1900..1999.
  const date = new Date(0)
  date.setUTCFullYear(year, mo - 1, d)
  date.setUTCHours(h, mi, sec)
  // Out-of-range fields roll over in a Date (February 30 becomes March 2): compare back. No leap seconds (60).
  const calendar = date.getUTCFullYear() === year && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
  if (!calendar || h > 23 || mi > 59 || sec > 59) throw new PkiFormatError(`invalid certificate time ${text}`)
  return date
}

/**
 * An Extensions SEQUENCE SIZE (1..MAX) (RFC 5280 4.1) into a map by OID, in order, refusing duplicates (RFC 5280
 * 4.2) and an encoded critical FALSE (DER omits DEFAULT values, X.690 11.5; BoringSSL refuses it here too).
 *
 * @example
 * readExtensionList(sequenceNode).get(OID.subjectAltName)
 */
export function readExtensionList(list: DerNode): Map<string, RawExtension> {
  const out = new Map<string, RawExtension>()
  for (const ext of sequenceOf(list, 1, Number.POSITIVE_INFINITY)) {
    const fields = sequenceOf(ext, 2, 3)
    const id = readOid(fields[0] as DerNode)
    let critical = false
    if (fields.length === 3) {
      const flag = fields[1] as DerNode
      if (flag.tag !== 0x01 || flag.content.length !== 1 || flag.content[0] !== 0xff) {
        throw new PkiFormatError(`extension ${id}: critical must be TRUE when present (FALSE is omitted in DER)`)
      }
      critical = true
    }
    if (out.has(id)) throw new PkiFormatError(`extension ${id} appears twice (RFC 5280 4.2)`)
    out.set(id, { critical, value: readOctetString(fields[fields.length - 1] as DerNode) })
  }
  return out
}

/**
 * An `[n] EXPLICIT Extensions` field (certificates [3], CRLs [0]) into a map by OID.
 *
 * @example
 * readExtensions(node).get(OID.keyUsage)
 */
export function readExtensions(node: DerNode): Map<string, RawExtension> {
  const inner = children(node)
  if (inner.length !== 1 || inner[0]?.tag !== 0x30)
    throw new PkiFormatError('an extensions field must hold one SEQUENCE')
  return readExtensionList(inner[0])
}

/**
 * The outermost layer of a certificate: the three nodes RFC 5280 4.1.1 lists, nothing else.
 *
 * @example
 * const { tbs, signatureAlgorithm, signature }: CertificateEnvelope = readCertificateEnvelope(der)
 */
export interface CertificateEnvelope {
  tbs: DerNode
  signatureAlgorithm: DerNode
  /** The signatureValue BIT STRING's octets. */
  signature: Uint8Array
}

/**
 * Reads the Certificate SEQUENCE (RFC 5280 4.1.1): exactly a SEQUENCE (tbsCertificate), a SEQUENCE
 * (signatureAlgorithm) and a BIT STRING of whole octets (signatureValue), nothing after, nothing inside opened.
 * BoringSSL's ParseCertificate; `der` must have been through `assertDer`.
 *
 * @example
 * readCertificateEnvelope(der).tbs.bytes // what the signature covers
 */
export function readCertificateEnvelope(der: Uint8Array): CertificateEnvelope {
  const [tbs, signatureAlgorithm, signature] = sequenceOf(readSingle(der), 3) as [DerNode, DerNode, DerNode]
  if (tbs.tag !== 0x30) throw new PkiFormatError('tbsCertificate is not a SEQUENCE')
  if (signatureAlgorithm.tag !== 0x30) throw new PkiFormatError('signatureAlgorithm is not a SEQUENCE')
  return { tbs, signatureAlgorithm, signature: readBitStringBytes(signature) }
}

/**
 * The fields of a TBSCertificate, as nodes where the next layer decodes them.
 *
 * @example
 * const t: TbsFields = readTbsCertificate(envelope.tbs)
 */
export interface TbsFields {
  version: number
  serial: Uint8Array
  signature: DerNode
  issuer: DerNode
  notBefore: Date
  notAfter: Date
  subject: DerNode
  spki: DerNode
  issuerUniqueId?: DerNode
  subjectUniqueId?: DerNode
  /** The Extensions SEQUENCE inside `[3]`. */
  extensions?: DerNode
}

/**
 * RFC 5280 4.1.2.2 on the serial: a positive INTEGER of at most 20 octets. We count the encoded content octets, sign
 * octet included, as BoringSSL does (so `00 80 ..` with 20 value octets is too long); zero and negative serials
 * are refused (BoringSSL only warns, behind an option; a CA that writes them is broken).
 */
function checkSerial(serial: Uint8Array): void {
  if ((serial[0] as number) & 0x80) throw new PkiFormatError('negative serial number')
  if (serial.length > 20) throw new PkiFormatError('serial number longer than 20 octets')
  if (serial.every((b) => b === 0)) throw new PkiFormatError('serial number zero')
}

function expectSequence(node: DerNode | undefined, what: string): DerNode {
  if (node?.tag !== 0x30) throw new PkiFormatError(`TBSCertificate: ${what} is missing or not a SEQUENCE`)
  return node
}

/** X.690 8.6: a BIT STRING's unused-bit count is 0..7, 0 when empty (a unique identifier is implicitly tagged). */
function checkBitString(node: DerNode): void {
  const unused = node.content[0]
  if (node.constructed || unused === undefined || unused > 7 || (unused > 0 && node.content.length === 1)) {
    throw new PkiFormatError('malformed unique identifier')
  }
}

/**
 * Reads the fields of a TBSCertificate in order (RFC 5280 4.1.2; BoringSSL's ParseTbsCertificate): the version (only
 * v2 or v3 explicit: DER omits the DEFAULT v1), the serial (minimal, positive, at most 20 octets), valid times, unique
 * identifiers only in v2 and v3, extensions only in v3 and as one SEQUENCE, nothing after them. Signature, issuer,
 * subject and key are only checked to be SEQUENCEs here.
 *
 * @example
 * readTbsCertificate(readCertificateEnvelope(der).tbs).notAfter // Date
 */
export function readTbsCertificate(tbs: DerNode): TbsFields {
  const fields = children(tbs)
  let i = 0
  let version = 0
  if (fields[0]?.tag === 0xa0) {
    const [inner] = sequenceOf(fields[0], 1, 1, 0xa0) as [DerNode]
    version = readSmallInteger(inner)
    if (version === 0) throw new PkiFormatError('version explicitly v1: DER omits the DEFAULT')
    if (version > 2) throw new PkiFormatError(`unknown certificate version ${version + 1}`)
    i++
  }
  const serialNode = fields[i++]
  if (serialNode?.tag !== 0x02) throw new PkiFormatError('TBSCertificate: serialNumber is missing or not an INTEGER')
  const serial = readIntegerBytes(serialNode)
  checkSerial(serial)
  const signature = expectSequence(fields[i++], 'signature')
  const issuer = expectSequence(fields[i++], 'issuer')
  const [notBefore, notAfter] = sequenceOf(expectSequence(fields[i++], 'validity'), 2).map(readTime) as [Date, Date]
  const subject = expectSequence(fields[i++], 'subject')
  const spki = expectSequence(fields[i++], 'subjectPublicKeyInfo')
  const out: TbsFields = { version, serial, signature, issuer, notBefore, notAfter, subject, spki }
  // RFC 5280 4.1.2.8: unique identifiers need v2 or v3; 4.1.2.9: extensions need v3.
  if (fields[i]?.tag === 0x81 || fields[i]?.tag === 0xa1) {
    if (version < 1) throw new PkiFormatError('issuerUniqueID needs v2 or v3')
    out.issuerUniqueId = fields[i++] as DerNode
    checkBitString(out.issuerUniqueId)
  }
  if (fields[i]?.tag === 0x82 || fields[i]?.tag === 0xa2) {
    if (version < 1) throw new PkiFormatError('subjectUniqueID needs v2 or v3')
    out.subjectUniqueId = fields[i++] as DerNode
    checkBitString(out.subjectUniqueId)
  }
  if (fields[i]?.tag === 0xa3) {
    if (version !== 2) throw new PkiFormatError('extensions need a v3 certificate')
    const inner = children(fields[i++] as DerNode)
    if (inner.length !== 1 || inner[0]?.tag !== 0x30) throw new PkiFormatError('extensions [3] must hold one SEQUENCE')
    out.extensions = inner[0]
  }
  if (i !== fields.length) throw new PkiFormatError('unexpected data inside TBSCertificate')
  return out
}

/**
 * Splits a DER certificate into its parts, strictly: `assertDer`, the envelope and the TBSCertificate as
 * {@link readTbsCertificate} reads them, names whose string values decode (values of other types kept as `#hex`,
 * see readRdns), an SPKI of an AlgorithmIdentifier and a BIT STRING, no extension twice, critical FALSE omitted, and
 * RFC 5280 4.2.1.6: an empty subject needs a critical subjectAltName. The extension values are not decoded here.
 * It does not require the outer and inner signature algorithms to match: {@link readCertificate} does.
 *
 * @example
 * readCertificateParts(der).subjectEntries // [{ oid: '2.5.4.3', value: 'Root' }]
 */
export function readCertificateParts(der: Uint8Array): CertificateParts {
  assertDer(der)
  const envelope = readCertificateEnvelope(der)
  const t = readTbsCertificate(envelope.tbs)
  // RFC 5280 4.1.2.7: SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }.
  const [algorithm, key] = sequenceOf(t.spki, 2) as [DerNode, DerNode]
  readOid(sequenceOf(algorithm, 1, 2)[0] as DerNode)
  if (key.tag !== 0x03) throw new PkiFormatError('subjectPublicKey is not a BIT STRING')
  const extensions = t.extensions ? readExtensionList(t.extensions) : new Map<string, RawExtension>()
  const subjectEntries = readName(t.subject, { opaque: true })
  if (subjectEntries.length === 0 && extensions.get(SUBJECT_ALT_NAME)?.critical === false) {
    throw new PkiFormatError('an empty subject needs a critical subjectAltName (RFC 5280 4.2.1.6)')
  }
  return {
    der,
    tbs: envelope.tbs.bytes,
    version: t.version,
    serial: t.serial,
    signatureAlgorithm: envelope.signatureAlgorithm,
    tbsSignatureAlgorithm: t.signature,
    issuer: t.issuer.bytes,
    issuerEntries: readName(t.issuer, { opaque: true }),
    subject: t.subject.bytes,
    subjectEntries,
    notBefore: t.notBefore,
    notAfter: t.notAfter,
    spki: t.spki.bytes,
    extensions,
    signature: envelope.signature,
  }
}

/**
 * {@link readCertificateParts}, and signatureAlgorithm equal to tbsCertificate.signature byte for byte (RFC 5280
 * 4.1.1.2): what issuing, importing and chaining read. Anything else is a PkiFormatError.
 *
 * @example
 * const parts = readCertificate(der)
 * parts.notAfter // Date
 */
export function readCertificate(der: Uint8Array): CertificateParts {
  const parts = readCertificateParts(der)
  if (!bytesEqual(parts.tbsSignatureAlgorithm.bytes, parts.signatureAlgorithm.bytes)) {
    throw new PkiFormatError('signatureAlgorithm differs from tbsCertificate.signature (RFC 5280 4.1.1.2)')
  }
  return parts
}

/**
 * The subjectPublicKey BIT STRING content of an SPKI (what key identifiers hash).
 *
 * @example
 * subjectPublicKeyBits(parts.spki) // Uint8Array(65) [4, …] for a P-256 key
 */
export function subjectPublicKeyBits(spki: Uint8Array): Uint8Array {
  const [, key] = sequenceOf(readSingle(spki), 2) as [DerNode, DerNode]
  return readBitStringBytes(key)
}

/**
 * The largest pathLenConstraint (and SkipCerts) we read: BoringSSL reads them as 8-bit values, and no real path is
 * longer.
 *
 * @example
 * readSkipCerts(node) <= MAX_SKIP_CERTS // always
 */
export const MAX_SKIP_CERTS = 255

/**
 * A small non-negative INTEGER, as pathLenConstraint and SkipCerts (RFC 5280 4.2.1.9, 4.2.1.11, 4.2.1.14) are: at
 * most {@link MAX_SKIP_CERTS}. `node` may be implicitly tagged.
 *
 * @example
 * readSkipCerts(node) // 3
 */
export function readSkipCerts(node: DerNode): number {
  const n = readSmallInteger({ ...node, tag: 0x02 })
  if (n > MAX_SKIP_CERTS) throw new PkiFormatError(`a path length or skip count over ${MAX_SKIP_CERTS}`)
  return n
}

/**
 * basicConstraints of a certificate (RFC 5280 4.2.1.9); absent means not a CA. Two slips BoringSSL tolerates, and so
 * do we: an encoded cA FALSE (DER omits DEFAULT values, but many CAs wrote it), and a pathLenConstraint without cA
 * (RFC 5280 forbids it, but it is harmless: a non-CA can sign nothing, so the pathLen is never used).
 * pathLenConstraint is at most 255. Anything else (another field, a negative pathLen) is a PkiFormatError.
 *
 * @example
 * readBasicConstraints(parts.extensions.get(OID.basicConstraints)) // { isCa: true, pathLen: 0 }
 */
export function readBasicConstraints(ext: RawExtension | undefined): { isCa: boolean; pathLen?: number } {
  if (!ext) return { isCa: false }
  assertDer(ext.value)
  const fields = sequenceOf(readSingle(ext.value), 0, 2)
  let i = 0
  let isCa = false
  if (fields[i]?.tag === 0x01) isCa = (fields[i++] as DerNode).content[0] === 0xff
  const pathLen = fields[i]?.tag === 0x02 ? readSkipCerts(fields[i++] as DerNode) : undefined
  if (i !== fields.length) throw new PkiFormatError('malformed basicConstraints')
  return pathLen === undefined ? { isCa } : { isCa, pathLen }
}

/**
 * keyUsage bits of a certificate as bit numbers, or null when the extension is absent. RFC 5280 4.2.1.3: when
 * present, at least one bit is set; a BIT STRING without any is a PkiFormatError.
 *
 * @example
 * readKeyUsageBits(parts.extensions.get(OID.keyUsage)) // Set { 5, 6 }
 */
export function readKeyUsageBits(ext: RawExtension | undefined): Set<number> | null {
  if (!ext) return null
  assertDer(ext.value)
  const node = readSingle(ext.value, 0x03)
  const unused = node.content[0] as number
  const bits = new Set<number>()
  const bytes = node.content.subarray(1)
  const total = bytes.length * 8 - unused
  for (let bit = 0; bit < total; bit++) if ((bytes[bit >> 3] as number) & (0x80 >> (bit & 7))) bits.add(bit)
  if (bits.size === 0) throw new PkiFormatError('keyUsage with no bit set (RFC 5280 4.2.1.3)')
  return bits
}

/**
 * extKeyUsage OIDs, or null when absent: a SEQUENCE SIZE (1..MAX) OF KeyPurposeId (RFC 5280 4.2.1.12).
 *
 * @example
 * readExtKeyUsage(parts.extensions.get(OID.extKeyUsage)) // ['1.3.6.1.5.5.7.3.1']
 */
export function readExtKeyUsage(ext: RawExtension | undefined): string[] | null {
  if (!ext) return null
  assertDer(ext.value)
  return sequenceOf(readSingle(ext.value), 1, Number.POSITIVE_INFINITY).map(readOid)
}

/**
 * The keyIdentifier of an authorityKeyIdentifier, or null.
 *
 * @example
 * readAuthorityKeyId(parts.extensions.get(OID.authorityKeyIdentifier)) // Uint8Array(20)
 */
export function readAuthorityKeyId(ext: RawExtension | undefined): Uint8Array | null {
  if (!ext) return null
  const first = children(readSingle(ext.value, 0x30))[0]
  return first?.tag === 0x80 ? first.content : null
}

/**
 * The subjectKeyIdentifier (an OCTET STRING, RFC 5280 4.2.1.2), or null.
 *
 * @example
 * readSubjectKeyId(parts.extensions.get(OID.subjectKeyIdentifier)) // Uint8Array(20)
 */
export function readSubjectKeyId(ext: RawExtension | undefined): Uint8Array | null {
  return ext ? readOctetString(readSingle(ext.value)) : null
}
