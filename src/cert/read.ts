/**
 * The strict structural reading of a certificate (RFC 5280 section 4.1) with our own DER reader: the parts that
 * signing, chaining and constraint checks need, as views into the input. No dependency is involved, so issuance and
 * path validation stay lean; {@link parseCertificate} adds the rich decoding for people.
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
import { bytesEqual, fromUtf8 } from '../lib/bytes.ts'
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
  version: number
  /** INTEGER content octets (may carry a 00 sign octet). */
  serial: Uint8Array
  signatureAlgorithm: DerNode
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

/**
 * A certificate or CRL time (RFC 5280 4.1.2.5), strictly: seconds, `Z`, valid calendar values.
 *
 * @example
 * readTime(node) // Date
 */
export function readTime(node: DerNode): Date {
  const text = fromUtf8(node.content)
  // RFC 5280 4.1.2.5.1/2: UTCTime YYMMDDHHMMSSZ, GeneralizedTime YYYYMMDDHHMMSSZ; no fractions, always Z.
  const m =
    node.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : node.tag === 0x18
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null
  if (!m) throw new PkiFormatError(`malformed certificate time ${JSON.stringify(text)}`)
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[]
  const year = node.tag === 0x17 ? ((y as number) >= 50 ? 1900 + (y as number) : 2000 + (y as number)) : (y as number)
  const date = new Date(Date.UTC(year, (mo as number) - 1, d, h, mi, s))
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== (mo as number) - 1 ||
    date.getUTCDate() !== d ||
    (h as number) > 23 ||
    (mi as number) > 59 ||
    (s as number) > 59
  ) {
    throw new PkiFormatError(`invalid certificate time ${text}`)
  }
  return date
}

/**
 * An Extensions SEQUENCE (RFC 5280 4.1) into a map by OID, in order, refusing duplicates (RFC 5280 4.2) and an
 * encoded critical FALSE (DER omits DEFAULT values, X.690 11.5).
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
      if (flag.tag !== 0x01 || flag.content[0] !== 0xff) {
        throw new PkiFormatError(`extension ${id}: critical FALSE must be omitted`)
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
  if (inner.length !== 1) throw new PkiFormatError('an extensions field must hold one SEQUENCE')
  return readExtensionList(inner[0] as DerNode)
}

/**
 * Splits a DER certificate into its parts, strictly: DER only, v1..v3 with extensions only in v3, a positive serial
 * of at most 20 octets, valid times, signatureAlgorithm equal to tbsCertificate.signature byte for byte
 * (RFC 5280 4.1.1.2), no duplicate extensions. Anything else is a PkiFormatError.
 *
 * @example
 * const parts = readCertificate(der)
 * parts.notAfter // Date
 */
export function readCertificate(der: Uint8Array): CertificateParts {
  assertDer(der)
  const [tbsNode, sigAlg, sigNode] = sequenceOf(readSingle(der), 3) as [DerNode, DerNode, DerNode]
  const fields = sequenceOf(tbsNode, 6, 10)
  let i = 0
  let version = 0
  if (fields[0]?.tag === 0xa0) {
    const inner = children(fields[0])
    if (inner.length !== 1) throw new PkiFormatError('malformed version')
    version = readSmallInteger(inner[0] as DerNode)
    // DER: version DEFAULT v1 must be omitted when v1.
    if (version === 0 || version > 2) throw new PkiFormatError(`invalid certificate version ${version}`)
    i = 1
  }
  const [serialNode, innerSig, issuer, validity, subject, spki, ...rest] = fields.slice(i) as DerNode[]
  if (!serialNode || !innerSig || !issuer || !validity || !subject || !spki)
    throw new PkiFormatError('truncated certificate')
  const serial = readIntegerBytes(serialNode)
  // RFC 5280 4.1.2.2: positive, at most 20 octets (a leading 00 sign octet does not count against the value).
  if ((serial[0] as number) & 0x80) throw new PkiFormatError('negative serial number')
  if (serial.length > 21 || (serial.length === 21 && serial[0] !== 0))
    throw new PkiFormatError('serial number longer than 20 octets')
  if (serial.every((b) => b === 0)) throw new PkiFormatError('serial number zero')
  if (!bytesEqual(innerSig.bytes, sigAlg.bytes)) {
    throw new PkiFormatError('signatureAlgorithm differs from tbsCertificate.signature (RFC 5280 4.1.1.2)')
  }
  const [nb, na] = sequenceOf(validity, 2) as [DerNode, DerNode]
  sequenceOf(spki, 2)
  let extensions = new Map<string, RawExtension>()
  for (const field of rest) {
    if (field.tag === 0x81 || field.tag === 0x82) {
      if (version < 1) throw new PkiFormatError('unique identifiers need v2 or v3')
    } else if (field.tag === 0xa3) {
      if (version !== 2) throw new PkiFormatError('extensions need v3')
      extensions = readExtensions(field)
    } else {
      throw new PkiFormatError(`unexpected field tag 0x${field.tag.toString(16)} in TBSCertificate`)
    }
  }
  return {
    der,
    tbs: tbsNode.bytes,
    version,
    serial,
    signatureAlgorithm: sigAlg,
    issuer: issuer.bytes,
    issuerEntries: readName(issuer),
    subject: subject.bytes,
    subjectEntries: readName(subject),
    notBefore: readTime(nb),
    notAfter: readTime(na),
    spki: spki.bytes,
    extensions,
    signature: readBitStringBytes(sigNode),
  }
}

/** The subjectPublicKey BIT STRING content of an SPKI (what key identifiers hash). */
export function subjectPublicKeyBits(spki: Uint8Array): Uint8Array {
  const [, key] = sequenceOf(readSingle(spki), 2) as [DerNode, DerNode]
  return readBitStringBytes(key)
}

/** basicConstraints of a certificate: absent means not a CA. */
export function readBasicConstraints(ext: RawExtension | undefined): { isCa: boolean; pathLen?: number } {
  if (!ext) return { isCa: false }
  const fields = sequenceOf(readSingle(ext.value), 0, 2)
  let isCa = false
  let pathLen: number | undefined
  for (const f of fields) {
    if (f.tag === 0x01) {
      if (f.content[0] !== 0xff) throw new PkiFormatError('basicConstraints cA FALSE must be omitted')
      isCa = true
    } else if (f.tag === 0x02) pathLen = readSmallInteger(f)
    else throw new PkiFormatError('malformed basicConstraints')
  }
  if (pathLen !== undefined && !isCa) throw new PkiFormatError('pathLenConstraint on a non-CA certificate')
  return pathLen === undefined ? { isCa } : { isCa, pathLen }
}

/** keyUsage bits of a certificate as bit numbers, or null when the extension is absent. */
export function readKeyUsageBits(ext: RawExtension | undefined): Set<number> | null {
  if (!ext) return null
  const node = readSingle(ext.value, 0x03)
  const unused = node.content[0] as number
  const bits = new Set<number>()
  const bytes = node.content.subarray(1)
  const total = bytes.length * 8 - unused
  for (let bit = 0; bit < total; bit++) if ((bytes[bit >> 3] as number) & (0x80 >> (bit & 7))) bits.add(bit)
  return bits
}

/** extKeyUsage OIDs, or null when absent. */
export function readExtKeyUsage(ext: RawExtension | undefined): string[] | null {
  if (!ext) return null
  return sequenceOf(readSingle(ext.value), 1, Number.POSITIVE_INFINITY).map(readOid)
}

/** The keyIdentifier of an authorityKeyIdentifier, or null. */
export function readAuthorityKeyId(ext: RawExtension | undefined): Uint8Array | null {
  if (!ext) return null
  const first = children(readSingle(ext.value, 0x30))[0]
  return first?.tag === 0x80 ? first.content : null
}

/** The subjectKeyIdentifier, or null. */
export function readSubjectKeyId(ext: RawExtension | undefined): Uint8Array | null {
  return ext ? readOctetString(readSingle(ext.value)) : null
}
