/** A Name (RFC 5280 4.1.2.4) as the parse functions report a subject or an issuer. */
import type { DerNode } from '../der/reader.ts'
import { toHex } from '../lib/bytes.ts'
import { type NameAttributeValue, readRdns, type SubjectFields, subjectFields } from '../names/decode.ts'
import { formatDn } from '../names/dn.ts'

/** `subject`, `subjectName` and `subjectDn` (or the same for `issuer`): see {@link nameInfo}. */
export type NameInfo<P extends 'subject' | 'issuer'> = Record<P, SubjectFields> & Record<`${P}Name` | `${P}Dn`, string>

/**
 * A Name three ways, under `prefix`: its known fields, its one-line text in encoding order (`…Name`, see
 * {@link nameText}) and its RFC 4514 string (`…Dn`). Read as certificates need (values that are not strings
 * kept as `#` + hex), so a certificate, a CSR and a CRL report their names alike.
 *
 * @example
 * nameInfo('issuer', issuerNode) // { issuer: { commonName: 'Root' }, issuerName: 'CN=Root', issuerDn: 'CN=Root' }
 */
export function nameInfo<P extends 'subject' | 'issuer'>(prefix: P, name: DerNode): NameInfo<P> {
  const rdns = readRdns(name, { opaque: true })
  return {
    [prefix]: subjectFields(rdns.flat()),
    [`${prefix}Name`]: nameText(rdns),
    [`${prefix}Dn`]: formatDn(rdns),
  } as NameInfo<P>
}

/** The short names the one-line text uses; any other attribute type is written as its dotted OID. */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'E',
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '2.5.4.4': 'SN',
  '2.5.4.12': 'T',
}

/**
 * The string types whose values the one-line text shows as text: DirectoryString's five (RFC 5280 4.1.2.4) and
 * IA5String. Values of any other type (NumericString and VisibleString included) are `#` + the hex of their DER.
 */
const TEXT_TAGS = new Set([0x0c, 0x13, 0x14, 0x16, 0x1c, 0x1e])

/** The control characters written as `\` + their hex code. */
const CONTROL_HEX: Readonly<Record<string, string>> = { '\r': '\\0D', '\n': '\\0A', '\t': '\\09' }

function escapeValue(value: string): string {
  return value
    .replace(/[,+"\\<>;]/g, '\\$&')
    .replace(/^[ #]/, '\\$&')
    .replace(/ $/, '\\ ')
    .replace(/[\r\n\t]/g, (c) => CONTROL_HEX[c] as string)
}

/**
 * A Name on one line, RDNs in encoding order (`C=GB, O=Example, CN=api.example.com`): the `subjectName` and
 * `issuerName` form, the one @peculiar/x509 prints (pocket-ca used it for this until it read every name itself;
 * test/node/name-text.test.ts compares the two). RDNs are joined by `, `, the attributes of a multi-valued RDN
 * by `+`; types by short name (CN, O, OU, C, L, ST, DC, E, G, I, SN, T) or dotted OID; `,+"\\<>;`, a leading space or
 * `#` and a trailing space escaped with a backslash, CR, LF and TAB as `\\0D`, `\\0A`, `\\09`; a value of another
 * type as `#` + the hex of its DER. Not RFC 4514 (that is `subjectDn`: reversed, other escapes).
 *
 * @example
 * nameText(readRdns(subjectNode, { opaque: true })) // 'C=NZ, O=pocket-ca, CN=Inspect Root'
 */
export function nameText(rdns: readonly (readonly NameAttributeValue[])[]): string {
  return rdns
    .map((rdn) =>
      rdn
        .map((a) => {
          const type = SHORT_NAMES[a.oid] ?? a.oid
          const value = TEXT_TAGS.has(a.der[0] as number) ? escapeValue(a.value) : `#${toHex(a.der)}`
          return `${type}=${value}`
        })
        .join('+'),
    )
    .join(', ')
}
