/** Reading a DER Name (RFC 5280 4.1.2.4) into its attributes, strictly. */
import { OID } from '../der/oid.ts'
import { children, type DerNode, isStringTag, readOid, readString, sequenceOf } from '../der/reader.ts'
import { PkiFormatError } from '../errors.ts'
import { fromLatin1, toHex } from '../lib/bytes.ts'
import type { NameAttributeType } from './types.ts'

/** The subject fields we know by name, plus `emailAddress` (PKCS#9), which older CSRs carry in the subject. */
export type SubjectFields = Partial<Record<NameAttributeType | 'emailAddress', string>>

const FIELD_BY_OID: Record<string, keyof SubjectFields> = {
  [OID.commonName]: 'commonName',
  [OID.country]: 'country',
  [OID.locality]: 'locality',
  [OID.stateProvince]: 'stateProvince',
  [OID.streetAddress]: 'streetAddress',
  [OID.organization]: 'organization',
  [OID.organizationUnit]: 'organizationUnit',
  [OID.emailAddress]: 'emailAddress',
}

/** One attribute of a Name as read. */
export interface NameEntry {
  oid: string
  /** The decoded text; for a value that is not a string type (only read with `opaque`), `#` and its DER in hex. */
  value: string
  /** Set when the value is not a string type and `value` is its hex form (RFC 4514 2.4). */
  opaque?: true
}

/**
 * One AttributeTypeAndValue as read, with the DER of its value (what RFC 4514 prints for a dotted type).
 *
 * @example
 * const a: NameAttributeValue = { oid: '2.5.4.3', value: 'Root', der: Uint8Array.of(0x0c, 4, 0x52, 0x6f, 0x6f, 0x74) }
 */
export interface NameAttributeValue extends NameEntry {
  /** The whole AttributeValue TLV. */
  der: Uint8Array
}

/**
 * The RDNs of a Name (RFC 5280 4.1.2.4), first RDN first, each with its attributes in DER order; every RDN must hold
 * at least one AttributeTypeAndValue (X.501). A value of a string type must decode (readString: UTF-8, the
 * PrintableString alphabet, IA5 ASCII, ...); a value of any other type is refused unless `opaque` is set, when it is
 * kept as `#` + hex, as BoringSSL keeps such values verbatim. Opaque reading is for certificates, which may carry
 * such attributes (X.501 lets AttributeValue be ANY); the issuing path reads strictly, so it never copies one.
 *
 * @example
 * readRdns(nameNode) // [[{ oid: '2.5.4.6', value: 'NZ', der }], [{ oid: '2.5.4.3', value: 'Root', der }]]
 */
export function readRdns(node: DerNode, o: { opaque?: boolean } = {}): NameAttributeValue[][] {
  return sequenceOf(node, 0, Number.POSITIVE_INFINITY).map((rdn) => readRdn(rdn, o))
}

/**
 * The attributes of one RelativeDistinguishedName, a SET SIZE (1..MAX) OF AttributeTypeAndValue; `tag` for an
 * implicitly tagged one (a DistributionPointName's nameRelativeToIssuer is `[1]`). Values as {@link readRdns} says.
 *
 * @example
 * readRdn(setNode) // [{ oid: '2.5.4.3', value: 'Root', der }]
 */
export function readRdn(node: DerNode, o: { opaque?: boolean } = {}, tag = 0x31): NameAttributeValue[] {
  return sequenceOf(node, 1, Number.POSITIVE_INFINITY, tag).map((atv) => {
    const [type, value] = sequenceOf(atv, 2) as [DerNode, DerNode]
    const oid = readOid(type)
    if (isStringTag(value.tag) || !o.opaque) return { oid, value: readString(value), der: value.bytes }
    return { oid, value: `#${toHex(value.bytes)}`, opaque: true, der: value.bytes }
  })
}

/**
 * The attributes of a Name in order (see {@link readRdns}; RDN boundaries dropped).
 *
 * @example
 * readName(nameNode) // [{ oid: '2.5.4.3', value: 'Root' }]
 */
export function readName(node: DerNode, o: { opaque?: boolean } = {}): NameEntry[] {
  return readRdns(node, o).flatMap((rdn) =>
    rdn.map(({ oid, value, opaque }) => (opaque ? { oid, value, opaque } : { oid, value })),
  )
}

/**
 * The known fields of a Name (the first value of each; later duplicates are kept in the entries only).
 *
 * @example
 * subjectFields(readName(nameNode)).commonName // 'Root'
 */
export function subjectFields(entries: readonly NameEntry[]): SubjectFields {
  const fields: SubjectFields = {}
  for (const { oid, value, opaque } of entries) {
    const field = opaque ? undefined : FIELD_BY_OID[oid]
    if (field && fields[field] === undefined) fields[field] = value
  }
  return fields
}

/**
 * Reads GeneralNames (RFC 5280 4.2.1.6) into the four kinds we use; other kinds (otherName, x400Address,
 * directoryName, ediPartyName, registeredID) are counted in `other`. PkiFormatError for an empty sequence, an
 * unknown tag, non-ASCII octets in an IA5String name or an iPAddress that is not 4 or 16 octets. Names of any
 * length decode (no spread of the octets into one call).
 *
 * @example
 * readGeneralNames(readSingle(sanExtnValue)) // { dnsNames: ['a.example'], emails: [], ips: [], uris: [], other: 0 }
 */
export function readGeneralNames(node: DerNode): {
  dnsNames: string[]
  emails: string[]
  ips: Uint8Array[]
  uris: string[]
  other: number
} {
  const out = {
    dnsNames: [] as string[],
    emails: [] as string[],
    ips: [] as Uint8Array[],
    uris: [] as string[],
    other: 0,
  }
  const items = sequenceOf(node, 1, Number.POSITIVE_INFINITY)
  for (const item of items) {
    const ascii = () => {
      if (item.content.some((b) => b > 0x7f)) throw new PkiFormatError('a GeneralName IA5String holds non-ASCII octets')
      return fromLatin1(item.content)
    }
    switch (item.tag) {
      case 0x81:
        out.emails.push(ascii())
        break
      case 0x82:
        out.dnsNames.push(ascii())
        break
      case 0x86:
        out.uris.push(ascii())
        break
      case 0x87:
        if (item.content.length !== 4 && item.content.length !== 16)
          throw new PkiFormatError('an iPAddress must be 4 or 16 octets')
        out.ips.push(item.content)
        break
      default:
        if (item.tag !== 0xa0 && item.tag !== 0xa4 && item.tag !== 0x88 && item.tag !== 0xa3 && item.tag !== 0xa5) {
          throw new PkiFormatError(`unknown GeneralName tag 0x${item.tag.toString(16)}`)
        }
        if (item.constructed) children(item)
        out.other++
    }
  }
  return out
}
