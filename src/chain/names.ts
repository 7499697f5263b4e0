/**
 * Comparing distinguished names as RFC 5280 section 7.1 says: not byte for byte, but RDN by RDN, attribute values
 * prepared with the LDAP StringPrep profile of RFC 4518 (case-insensitive, insignificant space ignored), whatever
 * string type encodes them (PrintableString, UTF8String, ...). A name is reduced once to a canonical key, so that
 * equality and the directoryName subtree test (a prefix of RDNs, RFC 5280 4.2.1.10) are string comparisons.
 */
import { type DerNode, isStringTag, readOid, readSingle, readString, sequenceOf } from '../der/reader.ts'
import { toHex } from '../lib/bytes.ts'
import type { NameEntry } from '../names/decode.ts'

/** The string types of a DirectoryString and the other character strings names carry (X.680 41). */

// RFC 4518 2.2: code points mapped to nothing (controls other than the spacing ones, soft hyphen, joiners,
// variation selectors, object replacement) and to a space (tab, line breaks, NEL, the Unicode space separators).
const MAPPED_TO_NOTHING: readonly (readonly [number, number])[] = [
  [0x00, 0x08],
  [0x0e, 0x1f],
  [0x7f, 0x84],
  [0x86, 0x9f],
  [0xad, 0xad],
  [0x34f, 0x34f],
  [0x1806, 0x1806],
  [0x180b, 0x180d],
  [0x200b, 0x200b],
  [0x2060, 0x2060],
  [0xfe00, 0xfe0f],
  [0xfffc, 0xfffc],
]
const MAPPED_TO_SPACE: readonly (readonly [number, number])[] = [
  [0x09, 0x0d],
  [0x85, 0x85],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
]

function inRanges(code: number, ranges: readonly (readonly [number, number])[]): boolean {
  return ranges.some(([from, to]) => code >= from && code <= to)
}

/**
 * Prepares one attribute value for comparison (RFC 4518): map, fold case, NFKC, then insignificant space handling
 * (2.6.1: no leading or trailing space, inner runs of spaces as one).
 *
 * @example
 * prepareString('  Good   CA ') // 'good ca'
 */
export function prepareString(value: string): string {
  let mapped = ''
  for (const ch of value) {
    const code = ch.codePointAt(0) as number
    if (inRanges(code, MAPPED_TO_NOTHING)) continue
    mapped += inRanges(code, MAPPED_TO_SPACE) ? ' ' : ch
  }
  // Upper then lower case approximates the full case folding of RFC 3454 B.2 (ß -> ss, final sigma).
  return mapped.toUpperCase().toLowerCase().normalize('NFKC').trim().replace(/ +/g, ' ')
}

/** One AttributeTypeAndValue as compared: the type, and the prepared string or, for any other value, its DER. */
function attributeKey(type: string, value: DerNode): string {
  let text: string | null = null
  if (isStringTag(value.tag)) {
    try {
      text = readString(value)
    } catch {
      text = null
    }
  }
  return text === null ? `${type}#${toHex(value.bytes)}` : `${type}=${prepareString(text)}`
}

/** An RDN as compared: its attributes as a set (X.501: the order inside an RDN carries no meaning). */
function rdnKey(attributes: string[]): string {
  return JSON.stringify(attributes.sort())
}

/**
 * The RDNs of a DER Name, each as a canonical key; equal keys mean equal RDNs under RFC 5280 7.1.
 * PkiFormatError for a malformed Name.
 *
 * @example
 * rdnKeys(parts.subject).length // 3 for C=US, O=Example, CN=Root
 */
export function rdnKeys(name: Uint8Array): string[] {
  return sequenceOf(readSingle(name), 0, Number.POSITIVE_INFINITY).map((rdn) =>
    rdnKey(
      sequenceOf(rdn, 1, Number.POSITIVE_INFINITY, 0x31).map((atv) => {
        const [type, value] = sequenceOf(atv, 2) as [DerNode, DerNode]
        return attributeKey(readOid(type), value)
      }),
    ),
  )
}

/**
 * RDN keys for attributes already read as text (a CSR's subject at issuance), one attribute per RDN, in the same
 * form as {@link rdnKeys}.
 *
 * @example
 * entryRdnKeys([{ oid: '2.5.4.3', value: 'Root' }])
 */
export function entryRdnKeys(entries: readonly NameEntry[]): string[] {
  return entries.map((e) => rdnKey([`${e.oid}=${prepareString(e.value)}`]))
}

/**
 * The key of a whole Name: two names match under RFC 5280 7.1 exactly when their keys are equal.
 *
 * @example
 * nameKey(child.issuer) === nameKey(parent.subject)
 */
export function nameKey(name: Uint8Array): string {
  return rdnKeys(name).join('')
}

/**
 * Whether the RDNs `name` start with the RDNs `base`: a directoryName subtree (RFC 5280 4.2.1.10).
 *
 * @example
 * startsWithRdns(rdnKeys(subject), rdnKeys(constraintName))
 */
export function startsWithRdns(name: readonly string[], base: readonly string[]): boolean {
  return base.length <= name.length && base.every((rdn, i) => name[i] === rdn)
}
