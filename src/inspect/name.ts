/** A Name (RFC 5280 4.1.2.4) as the parse functions report a subject or an issuer. */
import type { DerNode } from '../der/reader.ts'
import { x509NameText } from '../lib/x509.ts'
import { readRdns, type SubjectFields, subjectFields } from '../names/decode.ts'
import { formatDn } from '../names/dn.ts'

/** `subject`, `subjectName` and `subjectDn` (or the same for `issuer`): see {@link nameInfo}. */
export type NameInfo<P extends 'subject' | 'issuer'> = Record<P, SubjectFields> & Record<`${P}Name` | `${P}Dn`, string>

/**
 * A Name three ways, under `prefix`: its known fields, its one-line text in encoding order (`…Name`, as
 * @peculiar/x509 prints it) and its RFC 4514 string (`…Dn`). Read as certificates need (values that are not strings
 * kept as `#` + hex), so a certificate, a CSR and a CRL report their names alike.
 *
 * @example
 * nameInfo('issuer', issuerNode) // { issuer: { commonName: 'Root' }, issuerName: 'CN=Root', issuerDn: 'CN=Root' }
 */
export function nameInfo<P extends 'subject' | 'issuer'>(prefix: P, name: DerNode): NameInfo<P> {
  const rdns = readRdns(name, { opaque: true })
  return {
    [prefix]: subjectFields(rdns.flat()),
    [`${prefix}Name`]: x509NameText(name.bytes),
    [`${prefix}Dn`]: formatDn(rdns),
  } as NameInfo<P>
}
