/**
 * The subject parameters of a certificate or CSR: the field names and limits of the cloud private CAs'
 * `x509Parameters` (DESIGN.md). Lengths are counted in Unicode code points after NFC normalisation and trimming.
 *
 * @example
 * const subject: X509Parameters = { commonName: 'api.example.com', altName: 'api.example.com, ops@example.com',
 *   ip: ['10.0.0.5', '2001:db8::5'], organization: 'Example Ltd', country: 'GB' }
 */
export interface X509Parameters {
  /** 1..64 characters. */
  commonName: string
  /** DNS names (a leading `*.` wildcard allowed) and e-mail addresses: an array or a comma-separated string. */
  altName?: string | string[]
  /** IPv4 / IPv6 addresses: an array or a comma-separated string. */
  ip?: string | string[]
  /** 0..64 characters. */
  organization?: string
  /** 0..128 characters. */
  organizationUnit?: string
  /** 0..128 characters. */
  locality?: string
  /** 0..128 characters. */
  stateProvince?: string
  /** 0..128 characters. */
  streetAddress?: string
  /** ISO 3166-1 alpha-2, an assigned code; lower-case input is upper-cased. */
  country?: string
}

/**
 * Which subject attribute a {@link NameAttribute} holds.
 *
 * @example
 * const type: NameAttributeType = 'commonName'
 */
export type NameAttributeType =
  | 'country'
  | 'stateProvince'
  | 'locality'
  | 'streetAddress'
  | 'organization'
  | 'organizationUnit'
  | 'commonName'

/**
 * One checked subject attribute, ready for the DER writer: its OID, its normalised value and the ASN.1 string type
 * to encode it with (`printable` = PrintableString, `utf8` = UTF8String).
 *
 * @example
 * const cn: NameAttribute = { type: 'commonName', oid: '2.5.4.3', value: 'api.example.com', stringType: 'utf8' }
 */
export interface NameAttribute {
  type: NameAttributeType
  oid: string
  value: string
  stringType: 'printable' | 'utf8'
}

/**
 * The result of {@link checkX509Parameters}: the subject attributes in RDN order (C, ST, L, street, O, OU, CN), and
 * the subject alternative names, normalised and deduplicated, in the order given.
 *
 * @example
 * const checked: CheckedSubject = checkX509Parameters({ commonName: 'db1', ip: '10.0.0.7' })
 * checked.ips // [Uint8Array [10, 0, 0, 7]]
 */
export interface CheckedSubject {
  attributes: NameAttribute[]
  /** Lower-case, IDN labels as punycode A-labels; may start with `*.`. */
  dnsNames: string[]
  /** `local@domain`, the domain lower-cased and punycoded; the local part as given (RFC 5321 2.4: case-sensitive). */
  emails: string[]
  /** 4 octets (IPv4) or 16 octets (IPv6), as the iPAddress GeneralName holds them (RFC 5280 4.2.1.6). */
  ips: Uint8Array[]
}
