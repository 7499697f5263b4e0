/**
 * DER encodings of names: the subject Name (RFC 5280 4.1.2.4) and GeneralNames (RFC 5280 4.2.1.6).
 */
import { oid } from '../der/oid.ts'
import { contextTag, printableString, sequence, setOf, utf8String } from '../der/writer.ts'
import { utf8 } from '../lib/bytes.ts'
import type { NameAttribute } from './types.ts'

/**
 * A Name with one attribute per RDN, in the order given (checkX509Parameters returns C, ST, L, street, O, OU, CN).
 *
 * @example
 * encodeName([{ type: 'commonName', oid: '2.5.4.3', value: 'Root', stringType: 'utf8' }])
 */
export function encodeName(attributes: readonly NameAttribute[]): Uint8Array {
  return sequence(
    ...attributes.map((a) =>
      setOf([sequence(oid(a.oid), a.stringType === 'printable' ? printableString(a.value) : utf8String(a.value))]),
    ),
  )
}

/** The SAN entries of a subject: DNS names, e-mail addresses, IP addresses (4 or 16 octets), URIs. */
export interface GeneralNamesInput {
  dnsNames?: readonly string[]
  emails?: readonly string[]
  ips?: readonly Uint8Array[]
  uris?: readonly string[]
}

/**
 * The GeneralNames SEQUENCE (IMPLICIT tags: rfc822Name [1], dNSName [2], URI [6], iPAddress [7]).
 *
 * @example
 * encodeGeneralNames({ dnsNames: ['a.example'], ips: [Uint8Array.of(127, 0, 0, 1)] })
 */
export function encodeGeneralNames(names: GeneralNamesInput): Uint8Array {
  const implicitIa5 = (n: number, text: string) => contextTag(n, false, utf8(text))
  return sequence(
    ...(names.emails ?? []).map((e) => implicitIa5(1, e)),
    ...(names.dnsNames ?? []).map((d) => implicitIa5(2, d)),
    ...(names.uris ?? []).map((u) => implicitIa5(6, u)),
    ...(names.ips ?? []).map((ip) => contextTag(7, false, ip)),
  )
}

/**
 * Whether there is any SAN entry to write.
 *
 * @example
 * hasGeneralNames({ dnsNames: [], ips: [Uint8Array.of(127, 0, 0, 1)] }) // true
 */
export function hasGeneralNames(names: GeneralNamesInput): boolean {
  return Boolean(names.dnsNames?.length || names.emails?.length || names.ips?.length || names.uris?.length)
}
