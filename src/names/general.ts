/**
 * GeneralName (RFC 5280 4.2.1.6) in full, every form, for inspection: the SAN, the issuer alternative name, the AKI
 * issuer, CRL distribution points, authority information access, name constraints.
 */
import { decodeOid } from '../der/oid.ts'
import { children, type DerNode, isStringTag, readOid, readString, sequenceOf } from '../der/reader.ts'
import { PkiFormatError } from '../errors.ts'
import { fromLatin1, toHex } from '../lib/bytes.ts'
import { readRdns } from './decode.ts'
import { formatDn } from './dn.ts'
import { formatIp } from './ip.ts'

/**
 * The GeneralName forms, named as RFC 5280 4.2.1.6 names them (`dns` for dNSName, `email` for rfc822Name, ...).
 *
 * @example
 * const type: GeneralNameType = 'dirName'
 */
export type GeneralNameType =
  | 'otherName'
  | 'email'
  | 'dns'
  | 'x400Address'
  | 'dirName'
  | 'ediPartyName'
  | 'uri'
  | 'ip'
  | 'registeredId'

/**
 * One GeneralName as plain data. `value`: the text of an e-mail, DNS name or URI; an IP address in text form (in
 * name constraints, `address/prefix`); a directory name as an RFC 4514 string; a registeredID's dotted OID; an
 * otherName's value as text when it is a string, else `#` and the hex of its DER (as for x400Address and
 * ediPartyName). `typeId`: an otherName's type OID (e.g. `1.3.6.1.4.1.311.20.2.3`, a Microsoft UPN).
 *
 * @example
 * const name: GeneralNameInfo = { type: 'dns', value: 'api.example.com' }
 */
export interface GeneralNameInfo {
  type: GeneralNameType
  value: string
  typeId?: string
}

function ia5(node: DerNode, what: string): string {
  if (node.content.some((b) => b > 0x7f)) throw new PkiFormatError(`a GeneralName ${what} holds non-ASCII octets`)
  return fromLatin1(node.content)
}

/** The prefix length of a contiguous network mask, or -1 when the mask has a hole. */
function prefixLength(mask: Uint8Array): number {
  let bits = 0
  let ended = false
  for (const byte of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const set = (byte >> bit) & 1
      if (set && ended) return -1
      if (set) bits++
      else ended = true
    }
  }
  return bits
}

function ipAddress(node: DerNode, constraint: boolean): string {
  const n = node.content.length
  if (!constraint) {
    if (n !== 4 && n !== 16) throw new PkiFormatError('an iPAddress must be 4 or 16 octets')
    return formatIp(node.content)
  }
  // RFC 5280 4.2.1.10: in name constraints, an address and a mask (8 or 32 octets); we print it as CIDR, so the
  // mask must be contiguous, as BoringSSL also requires.
  if (n !== 8 && n !== 32) throw new PkiFormatError('an iPAddress constraint must be 8 or 32 octets')
  const prefix = prefixLength(node.content.subarray(n / 2))
  if (prefix < 0) throw new PkiFormatError('an iPAddress constraint mask is not contiguous')
  return `${formatIp(node.content.subarray(0, n / 2))}/${prefix}`
}

function otherName(node: DerNode): GeneralNameInfo {
  // RFC 5280 4.2.1.6: OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY } (the SEQUENCE tag implicit).
  const [typeId, wrapper] = sequenceOf(node, 2, 2, 0xa0) as [DerNode, DerNode]
  if (wrapper.tag !== 0xa0) throw new PkiFormatError('malformed otherName')
  const [value] = sequenceOf(wrapper, 1, 1, 0xa0) as [DerNode]
  const text = isStringTag(value.tag) ? readString(value) : `#${toHex(value.bytes)}`
  return { type: 'otherName', value: text, typeId: readOid(typeId) }
}

/**
 * Reads one GeneralName strictly: the tag must be one of RFC 5280's, primitive or constructed as the form is;
 * IA5String forms ASCII; an iPAddress 4 or 16 octets (8 or 32 with `constraint`, a contiguous mask); a
 * directoryName exactly one Name; a registeredID a well-formed OID. Anything else is a PkiFormatError.
 *
 * @example
 * readGeneralName(node) // { type: 'uri', value: 'http://crl.example/ca.crl' }
 */
export function readGeneralName(node: DerNode, o: { constraint?: boolean } = {}): GeneralNameInfo {
  switch (node.tag) {
    case 0xa0:
      return otherName(node)
    case 0x81:
      return { type: 'email', value: ia5(node, 'rfc822Name') }
    case 0x82:
      return { type: 'dns', value: ia5(node, 'dNSName') }
    case 0xa3:
      children(node)
      return { type: 'x400Address', value: `#${toHex(node.bytes)}` }
    case 0xa4: {
      const [name] = sequenceOf(node, 1, 1, 0xa4) as [DerNode]
      return { type: 'dirName', value: formatDn(readRdns(name, { opaque: true })) }
    }
    case 0xa5:
      children(node)
      return { type: 'ediPartyName', value: `#${toHex(node.bytes)}` }
    case 0x86:
      return { type: 'uri', value: ia5(node, 'uniformResourceIdentifier') }
    case 0x87:
      return { type: 'ip', value: ipAddress(node, o.constraint === true) }
    case 0x88: {
      const id = decodeOid(node.content)
      if (id === null) throw new PkiFormatError('malformed registeredID')
      return { type: 'registeredId', value: id }
    }
    default:
      throw new PkiFormatError(`unknown GeneralName tag 0x${node.tag.toString(16)}`)
  }
}

/**
 * Reads GeneralNames: a SEQUENCE SIZE (1..MAX) OF GeneralName (RFC 5280 4.2.1.6), with `tag` for an implicitly
 * tagged one (e.g. 0xa0 for a DistributionPointName's fullName).
 *
 * @example
 * readGeneralNameList(readSingle(sanValue)) // [{ type: 'dns', value: 'a.example' }]
 */
export function readGeneralNameList(node: DerNode, tag = 0x30): GeneralNameInfo[] {
  return sequenceOf(node, 1, Number.POSITIVE_INFINITY, tag).map((n) => readGeneralName(n))
}

/**
 * The values of the names of one `type` in a GeneralNames list (none when the list is absent), in order.
 *
 * @example
 * namesOf(san, 'dns') // ['a.example', 'b.example']
 */
export function namesOf(list: readonly GeneralNameInfo[] | undefined, type: GeneralNameInfo['type']): string[] {
  return (list ?? []).filter((n) => n.type === type).map((n) => n.value)
}
