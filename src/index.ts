/**
 * pocket-ca: a private certificate authority on WebCrypto, for the browser, Node and Deno.
 * Private keys are made on the client and never leave it. Named exports only (DESIGN.md).
 */

export type { ExportCaBackupOptions, ImportCaBackupOptions } from './ca/backup.ts'
export { exportCaBackup, importCaBackup } from './ca/backup.ts'
export type { GenerateCrlOptions } from './ca/crl.ts'
export { generateCrl } from './ca/crl.ts'
export type { IssueCertificateRequest, SignCsrOptions } from './ca/issue.ts'
export { issueCertificate, signCsr } from './ca/issue.ts'
export type { CrlEntryInfo, CrlInfo } from './ca/parse-crl.ts'
export { parseCrl } from './ca/parse-crl.ts'
export type { StoreOption } from './ca/persist.ts'
export { REVOCATION_REASONS, revokeCertificate } from './ca/revoke.ts'
export type { CreateRootCaOptions } from './ca/root.ts'
export { createRootCa } from './ca/root.ts'
export type { SelfSignCaOptions } from './ca/self-sign.ts'
export { selfSignCaCertificate } from './ca/self-sign.ts'
export { disableCa, enableCa } from './ca/status.ts'
export type { CreateSubordinateCaOptions, SignSubordinateCaOptions } from './ca/subordinate.ts'
export { createSubordinateCa, getCaCsr, importCaCertificate, signSubordinateCa } from './ca/subordinate.ts'
export type {
  CaSettings,
  CaStatus,
  CertificateAuthority,
  IssuedCertificate,
  RevocationReason,
  Runtime,
  SealedKey,
} from './ca/types.ts'
export type { CertificateInfo } from './cert/parse.ts'
export { parseCertificate } from './cert/parse.ts'
export type { Profile } from './cert/profiles.ts'
export { PROFILES } from './cert/profiles.ts'
export type { DirectoryNameConstraint, KeyUsage, NameConstraints } from './cert/types.ts'
export type { BuildChainOptions } from './chain/build.ts'
export { buildChain } from './chain/build.ts'
export type { CertInput } from './chain/certificate.ts'
export type { ExtendedKeyUsageName, VerifiedChain, VerifyChainOptions } from './chain/verify.ts'
export { verifyChain } from './chain/verify.ts'
export type { PrivateCaHandlerOptions } from './compat/handler.ts'
export { createPrivateCaHandler } from './compat/handler.ts'
export type { PrivateCaServer, ServePrivateCaOptions } from './compat/node.ts'
export { servePrivateCa } from './compat/node.ts'
export type { CreateCsrOptions } from './csr/create.ts'
export { createCsr } from './csr/create.ts'
export type { CsrExtension, CsrInfo } from './csr/parse.ts'
export { parseCsr } from './csr/parse.ts'
export { verifyCsr } from './csr/verify.ts'
export type { ChainFailureReason } from './errors.ts'
export {
  PkiArgumentError,
  PkiChainError,
  PkiError,
  PkiFormatError,
  PkiKeyMismatchError,
  PkiNotFoundError,
  PkiNotSupportedError,
  PkiSignatureError,
  PkiStateError,
  PkiStorageError,
} from './errors.ts'
export type { Description } from './inspect/describe.ts'
export { describe } from './inspect/describe.ts'
export type {
  AccessDescriptionValue,
  AuthorityKeyIdentifierValue,
  BasicConstraintsValue,
  DistributionPointValue,
  ExtensionInfo,
  ExtensionValue,
  IssuingDistributionPointValue,
  NameConstraintsValue,
  PolicyConstraintsValue,
  PolicyMappingValue,
  PolicyQualifierValue,
  PolicyValue,
} from './inspect/extensions.ts'
export type { Fingerprints } from './inspect/fingerprint.ts'
export type {
  EncryptedPrivateKeyDescription,
  KeyAlgorithmInfo,
  PrivateKeyDescription,
  PublicKeyInfo,
} from './inspect/keys.ts'
export type { Pkcs7Info } from './inspect/pkcs7.ts'
export type { ExportPrivateKeyOptions } from './keys/export.ts'
export { exportPrivateKey, exportPublicKey } from './keys/export.ts'
export { generateKeyPair } from './keys/generate.ts'
export type { ImportPrivateKeyOptions } from './keys/import.ts'
export { importPrivateKey } from './keys/import.ts'
export type { KeyType } from './keys/types.ts'
export { KEY_TYPES } from './keys/types.ts'
export type { PublicKeyDescription } from './keys/verify.ts'
export type { SubjectFields } from './names/decode.ts'
export type { GeneralNameInfo, GeneralNameType } from './names/general.ts'
export type { CheckedSubject, NameAttribute, X509Parameters } from './names/index.ts'
export { checkX509Parameters, formatIp, normalizeDnsName, parseIp } from './names/index.ts'
export type { PemBlock } from './pem/index.ts'
export { decodePem, encodePem } from './pem/index.ts'
export type { ExportPkcs12Options } from './pkcs12/export.ts'
export { exportPkcs12 } from './pkcs12/export.ts'
export type { ImportPkcs12Options, Pkcs12Contents } from './pkcs12/import.ts'
export { importPkcs12 } from './pkcs12/import.ts'
export type { FileStoreOptions } from './store/file.ts'
export { openFileStore } from './store/file.ts'
export type { FileHandleLike, FileSystem } from './store/file-io.ts'
export type { IndexedDbStore, IndexedDbStoreOptions } from './store/indexeddb.ts'
export { openIndexedDbStore } from './store/indexeddb.ts'
export { createMemoryStore } from './store/memory.ts'
export type { CaState, CaStore, IssuedEntry, IssuedRecord } from './store/types.ts'
