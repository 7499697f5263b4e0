/**
 * pocket-ca: a private certificate authority on WebCrypto, for the browser, Node and Deno.
 * Private keys are made on the client and never leave it. Named exports only (DESIGN.md).
 */

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
export type { ExportPrivateKeyOptions } from './keys/export.ts'
export { exportPrivateKey, exportPublicKey } from './keys/export.ts'
export { generateKeyPair } from './keys/generate.ts'
export type { ImportPrivateKeyOptions } from './keys/import.ts'
export { importPrivateKey } from './keys/import.ts'
export type { KeyType } from './keys/types.ts'
export { KEY_TYPES } from './keys/types.ts'
export type { SubjectFields } from './names/decode.ts'
export type { CheckedSubject, NameAttribute, X509Parameters } from './names/index.ts'
export { checkX509Parameters, formatIp, normalizeDnsName, parseIp } from './names/index.ts'
export type { PemBlock } from './pem/index.ts'
export { decodePem, encodePem } from './pem/index.ts'
