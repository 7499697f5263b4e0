/**
 * The errors pocket-ca throws. Every one is a {@link PkiError} with a stable `code` (as a static and an instance
 * field) so that callers and tests branch on `code`, never on messages. `name` is set explicitly because minifiers
 * rename classes.
 *
 * @example
 * try { decodePem('nonsense') } catch (e) { if (e instanceof PkiError && e.code === 'ERR_PKI_FORMAT') {  } }
 */
export class PkiError extends Error {
  static readonly code: string = 'ERR_PKI'
  readonly code: string

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = (new.target as typeof PkiError).code
    this.name = 'PkiError'
  }
}

/**
 * A field is out of range or malformed; `field` names it (e.g. `commonName`, `altName[2]`).
 *
 * @example
 * throw new PkiArgumentError('commonName', 'commonName must be 1..64 characters')
 */
export class PkiArgumentError extends PkiError {
  static override readonly code = 'ERR_PKI_ARGUMENT'
  readonly field: string

  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'PkiArgumentError'
    this.field = field
  }
}

/**
 * The operation is not allowed in the CA's current status; `status` is that status.
 *
 * @example
 * throw new PkiStateError('ACTIVE', 'the CA is already active: its CSR is no longer available')
 */
export class PkiStateError extends PkiError {
  static override readonly code = 'ERR_PKI_STATE'
  readonly status: string

  constructor(status: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'PkiStateError'
    this.status = status
  }
}

/**
 * An unknown CA id or serial number in a store.
 *
 * @example
 * throw new PkiNotFoundError('no CA with id 1b4e…')
 */
export class PkiNotFoundError extends PkiError {
  static override readonly code = 'ERR_PKI_NOT_FOUND'

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'PkiNotFoundError'
  }
}

/**
 * Bad PEM, bad DER, trailing data or a wrong PEM label.
 *
 * @example
 * throw new PkiFormatError('expected a CERTIFICATE REQUEST, found CERTIFICATE')
 */
export class PkiFormatError extends PkiError {
  static override readonly code = 'ERR_PKI_FORMAT'

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'PkiFormatError'
  }
}

/**
 * A CSR, certificate or CRL signature does not verify. (A passphrase that does not open an encrypted key is a
 * PkiArgumentError on the field `passphrase`, not this.)
 *
 * @example
 * throw new PkiSignatureError('the CSR signature does not verify')
 */
export class PkiSignatureError extends PkiError {
  static override readonly code = 'ERR_PKI_SIGNATURE'

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'PkiSignatureError'
  }
}

/**
 * A certificate and a key do not belong together.
 *
 * @example
 * throw new PkiKeyMismatchError('the certificate does not hold the CA public key')
 */
export class PkiKeyMismatchError extends PkiError {
  static override readonly code = 'ERR_PKI_KEY_MISMATCH'

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'PkiKeyMismatchError'
  }
}

/** Why path validation failed (DESIGN.md). */
export type ChainFailureReason =
  | 'expired'
  | 'not_yet_valid'
  | 'unknown_authority'
  | 'not_authorized_to_sign'
  | 'path_len_exceeded'
  | 'name_mismatch'
  | 'incompatible_usage'
  | 'name_not_permitted'
  | 'name_excluded'
  | 'unhandled_critical_extension'
  | 'signature_invalid'

/**
 * Path validation failed: `reason` says why, `depth` where (0 is the leaf).
 *
 * @example
 * throw new PkiChainError('expired', 0, 'the leaf expired on 2026-01-01')
 */
export class PkiChainError extends PkiError {
  static override readonly code = 'ERR_PKI_CHAIN'
  readonly reason: ChainFailureReason
  readonly depth: number

  constructor(reason: ChainFailureReason, depth: number, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'PkiChainError'
    this.reason = reason
    this.depth = depth
  }
}

/**
 * The algorithm or feature is absent from this runtime (e.g. Ed25519 on an old browser).
 *
 * @example
 * throw new PkiNotSupportedError('Ed25519 is not supported by this runtime')
 */
export class PkiNotSupportedError extends PkiError {
  static override readonly code = 'ERR_PKI_NOT_SUPPORTED'

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'PkiNotSupportedError'
  }
}

/**
 * The store failed; nothing was half-written.
 *
 * @example
 * throw new PkiStorageError('could not write the CA record', { cause: e })
 */
export class PkiStorageError extends PkiError {
  static override readonly code = 'ERR_PKI_STORAGE'

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'PkiStorageError'
  }
}
