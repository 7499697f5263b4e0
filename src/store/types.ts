/**
 * The CaStore contract (DESIGN.md, layout: store/). A store keeps CA records, the registry of what each CA issued,
 * and the CRL number. Every method that writes is one atomic step: it completes, or it throws and the store is as
 * it was. The CA functions (createRootCa, issueCertificate, revokeCertificate, generateCrl, ...) take a store in
 * their options and do all their writing through these methods.
 */
import type { CertificateAuthority, RevocationReason } from '../ca/types.ts'

/**
 * A CA record without its keys: what a store reads and writes atomically in {@link CaStore.updateCa}, and what
 * {@link CaStore.listCas} lists.
 *
 * @example
 * const states: CaState[] = await store.listCas()
 * states.map((s) => s.status) // ['ACTIVE', 'PENDING_CERTIFICATE']
 */
export type CaState = Omit<CertificateAuthority, 'keys' | 'sealedKey'>

/**
 * One certificate a CA issued, as the registry keeps it. Entries are written once and never changed: revocation
 * lives in the CA record's `revoked` list, so that revoking is one write.
 *
 * @example
 * const record: IssuedRecord = { serialNo: '4F:0A', certificate: pem, issuedAt: '2026-11-25T10:00:00.000Z',
 *   notAfter: '2027-11-25T10:00:00.000Z', subject: 'CN=api.example.com' }
 */
export interface IssuedRecord {
  /** Colon-separated upper-case hex, as OpenSSL prints it. */
  serialNo: string
  /** PEM. */
  certificate: string
  /** ISO 8601: when it was issued (its notBefore). */
  issuedAt: string
  /** ISO 8601. */
  notAfter: string
  /** The subject as an RFC 4514 string ('' for an empty subject). */
  subject: string
}

/**
 * A registry entry with its status, joined from the CA record's revocation list.
 *
 * @example
 * const entry = await store.getIssued(ca.id, '4F:0A')
 * if (entry.status === 'REVOKED') console.log(entry.revocation.reason)
 */
export type IssuedEntry = IssuedRecord &
  (
    | { status: 'ISSUED'; revocation?: undefined }
    | { status: 'REVOKED'; revocation: { reason: RevocationReason; at: string } }
  )

/**
 * Where CA records live. Three back ends come with pocket-ca: {@link createMemoryStore} (tests, ephemeral use),
 * `openIndexedDbStore` (browser: keys kept as non-extractable CryptoKey objects) and `openFileStore` (Node and Deno:
 * keys kept only as encrypted PKCS#8). Errors: PkiNotFoundError for an unknown id or serial, PkiStorageError when the
 * back end failed (nothing was half-written), and whatever `change` throws in {@link CaStore.updateCa}.
 *
 * @example
 * const store = createMemoryStore()
 * const root = await createRootCa({ subject: { commonName: 'Root' }, store })
 * await issueCertificate(root, { x509Parameters: { commonName: 'a.example' }, store })
 * (await store.listIssued(root.id)).length // 1
 */
export interface CaStore {
  /**
   * How the store keeps private keys. `CryptoKey`: as (non-extractable) key objects. `encrypted-pkcs8`: only as
   * encrypted bytes, so it needs a CA whose key can be exported once, sealed (`sealedKey`); the CA functions make
   * such a CA when they are given this store.
   */
  readonly keeps: 'CryptoKey' | 'encrypted-pkcs8'
  /** Adds a CA with its registry (for a restored backup); PkiStateError if the id is already there. */
  addCa(ca: CertificateAuthority, issued?: readonly IssuedRecord[]): Promise<void>
  /** The CA with this id, keys included; PkiNotFoundError if there is none. */
  loadCa(id: string): Promise<CertificateAuthority>
  /** Every CA, without keys, oldest first. */
  listCas(): Promise<CaState[]>
  /** Removes a CA and its registry; PkiNotFoundError if there is none. */
  deleteCa(id: string): Promise<void>
  /**
   * Reads the stored state, applies `change` (synchronous, pure; it may throw to refuse, and then nothing is
   * written) and writes the result, all as one step that no other writer interleaves with. Returns the new record.
   */
  updateCa(id: string, change: (current: CaState) => CaState): Promise<CertificateAuthority>
  /**
   * Adds an issued certificate to the registry if, at that moment, the CA exists and is ACTIVE (PkiStateError
   * otherwise) and the serial is not taken (PkiArgumentError on `serialNo` otherwise).
   */
  addIssued(caId: string, record: IssuedRecord): Promise<void>
  /** One registry entry with its status; PkiNotFoundError for an unknown CA or serial. */
  getIssued(caId: string, serialNo: string): Promise<IssuedEntry>
  /** The whole registry of a CA, in issuance order. */
  listIssued(caId: string): Promise<IssuedEntry[]>
}
