/** The data shapes of certificates: what a template asks for, and what parsing returns. */

/**
 * Key usage bits by name (RFC 5280 4.2.1.3); the bit number is the index in {@link KEY_USAGE_BITS}.
 *
 * @example
 * const usage: KeyUsage = 'digitalSignature'
 */
export type KeyUsage =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly'

/**
 * Key usage names in bit order (bit 0 first).
 *
 * @example
 * KEY_USAGE_BITS.indexOf('keyCertSign') // 5
 */
export const KEY_USAGE_BITS: readonly KeyUsage[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
]

/**
 * Extended key usage names and OIDs (RFC 5280 4.2.1.12).
 *
 * @example
 * EXT_KEY_USAGES.serverAuth // '1.3.6.1.5.5.7.3.1'
 */
export const EXT_KEY_USAGES = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
} as const

/**
 * Name constraints of a CA (RFC 5280 4.2.1.10). DNS constraints are domains (`example.com` covers it and its
 * subdomains, `.example.com` only subdomains); IP constraints are CIDR ranges (`10.0.0.0/8`, `2001:db8::/32`);
 * e-mail constraints are a mailbox, a host (`example.com`) or a domain (`.example.com`); directory names are
 * subject prefixes.
 *
 * @example
 * const nc: NameConstraints = { permittedDns: ['corp.example'], excludedIps: ['10.0.0.0/8'] }
 */
export interface NameConstraints {
  permittedDns?: string[]
  excludedDns?: string[]
  permittedIps?: string[]
  excludedIps?: string[]
  permittedEmails?: string[]
  excludedEmails?: string[]
  permittedDirectoryNames?: DirectoryNameConstraint[]
  excludedDirectoryNames?: DirectoryNameConstraint[]
}

/**
 * A directory name constraint: subject fields, most significant first (C, ST, L, street, O, OU, CN).
 *
 * @example
 * const d: DirectoryNameConstraint = { country: 'GB', organization: 'Example' }
 */
export interface DirectoryNameConstraint {
  country?: string
  stateProvince?: string
  locality?: string
  streetAddress?: string
  organization?: string
  organizationUnit?: string
  commonName?: string
}

/**
 * Everything {@link createCertificate} reads, already checked and encoded (Go's x509.Certificate template is the
 * model). Fields not listed are never written.
 *
 * @example
 * const t: CertificateTemplate = { serialNumber, subject: nameDer, notBefore, notAfter, publicKey: spkiDer,
 *   isCa: false, keyUsage: ['digitalSignature'], extKeyUsage: [EXT_KEY_USAGES.serverAuth], dnsNames: ['a.example'] }
 */
export interface CertificateTemplate {
  /** Positive INTEGER magnitude, at most 20 octets. */
  serialNumber: Uint8Array
  /** DER Name of the subject (may be an empty SEQUENCE when the SAN carries the identity). */
  subject: Uint8Array
  notBefore: Date
  notAfter: Date
  /** SubjectPublicKeyInfo DER. */
  publicKey: Uint8Array
  /** basicConstraints: written (critical) when set; cA TRUE for a CA. */
  isCa?: boolean
  /** pathLenConstraint, CAs only. */
  pathLen?: number
  keyUsage?: readonly KeyUsage[]
  /** Extended key usage OIDs. */
  extKeyUsage?: readonly string[]
  dnsNames?: readonly string[]
  emails?: readonly string[]
  /** 4 or 16 octets each. */
  ips?: readonly Uint8Array[]
  uris?: readonly string[]
  /** SKI (RFC 5280 4.2.1.2); computed from the key when absent. */
  subjectKeyId?: Uint8Array
  crlUrls?: readonly string[]
  ocspUrl?: string
  caIssuersUrl?: string
  nameConstraints?: NameConstraints
  /** Certificate policy OIDs. */
  policies?: readonly string[]
}
