/** The CA record and the issuance result (DESIGN.md, Public API). */
import type { NameConstraints } from '../cert/types.ts'
import type { KeyType } from '../keys/types.ts'

/** A CA's status, as AWS Private CA names them: `PENDING_CERTIFICATE` -> `ACTIVE` -> `DISABLED` / `EXPIRED`. */
export type CaStatus = 'PENDING_CERTIFICATE' | 'ACTIVE' | 'DISABLED' | 'EXPIRED'

/** Revocation reasons (RFC 5280 5.3.1 CRLReason), by name. */
export type RevocationReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'removeFromCRL'
  | 'privilegeWithdrawn'
  | 'aACompromise'

/** What a CA writes into the certificates it issues. */
export interface CaSettings {
  /** CRL distribution point URLs. */
  crlUrls?: string[]
  /** OCSP responder URL (authorityInfoAccess). */
  ocspUrl?: string
  /** Where this CA's certificate can be fetched (authorityInfoAccess caIssuers). */
  caIssuersUrl?: string
  /** Certificate policy OIDs written into the certificates this CA issues (RFC 5280 4.2.1.4). */
  policies?: string[]
  /** The name constraints in this CA's own certificate, as asked for when it was made. */
  nameConstraints?: NameConstraints
}

/**
 * A CA: a plain, structured-cloneable record (IndexedDB stores it as is, CryptoKeys included). Functions that change
 * a CA return a new record and never mutate their input, so a failed call leaves the caller's record as it was.
 *
 * @example
 * const root = await createRootCa({ subject: { commonName: 'Example Root' } })
 * root.status // 'ACTIVE'
 */
export interface CertificateAuthority {
  id: string
  status: CaStatus
  keyType: KeyType
  /** The private key is non-extractable. */
  keys: CryptoKeyPair
  /** PEM, while PENDING_CERTIFICATE. */
  csr?: string
  /** PEM, once ACTIVE. */
  certificate?: string
  /** PEM, the issuer first, up to and including the root ([] for a root). */
  chain: string[]
  settings: CaSettings
  revoked: { serialNo: string; reason: RevocationReason; at: string }[]
  /** The number of the last CRL this CA published (0: none yet). */
  crlNumber: number
  /**
   * Present only for a CA made with `allowBackup` (or for a store that keeps keys as encrypted PKCS#8): the private
   * key sealed, so that {@link exportCaBackup} can write it encrypted under a passphrase. Absent, the key can never
   * leave this WebCrypto implementation.
   */
  sealedKey?: SealedKey
  /**
   * JSON data that integrations keep with the CA, under a name of their own (the cloud-API emulator keeps its AWS
   * CA type and configuration under `aws`). Stores and backups carry it as is; pocket-ca itself never reads it.
   */
  meta?: Record<string, unknown>
}

/**
 * A CA private key wrapped (AES-256-GCM, `wrapKey('pkcs8', ...)`) under a non-extractable key made for it alone.
 * Whoever holds the record can unwrap it, so a sealed key is as exportable as the record is: give it only to CAs
 * that must be backed up.
 *
 * @example
 * const root = await createRootCa({ subject: { commonName: 'Root' }, allowBackup: true })
 * root.sealedKey?.wrappingKey.extractable // false
 */
export interface SealedKey {
  wrappingKey: CryptoKey
  /** The 12-octet AES-GCM IV. */
  iv: Uint8Array
  /** The wrapped PKCS#8 with its GCM tag. */
  wrapped: Uint8Array
}

/**
 * A newly issued certificate, in the shape the cloud CAs answer with.
 *
 * @example
 * const { certificate, privateKey, serialNo } = await issueCertificate(ca, { x509Parameters: { commonName: 'a.example' } })
 */
export interface IssuedCertificate {
  /** PKCS#8 PEM: the one private key pocket-ca exports, because the caller asked for a new key. */
  privateKey: string
  certificate: string
  /** Colon-separated upper-case hex, as OpenSSL prints it (no 00 sign octet). */
  serialNo: string
  /** PEM of the issuing CA up to and including its root. */
  caChain: string
  /** '' unless the CA has an OCSP URL. */
  ocspResponder: string
  /** PEM of the issuing CA certificate. */
  issuer: string
}

/** The options every operation reads: a WebCrypto implementation and the time it runs at. */
export interface Runtime {
  crypto?: Crypto
  at?: Date
}
