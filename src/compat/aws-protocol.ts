/**
 * The AWS JSON 1.1 protocol as AWS Private CA speaks it: `POST /` with `X-Amz-Target: ACMPrivateCA.<Operation>` and
 * `Content-Type: application/x-amz-json-1.1`; blobs are base64 strings, timestamps epoch seconds; an error is HTTP
 * 400 (500 for a server fault) with `{"__type": "<Name>Exception", "message": "..."}` and the same name in the
 * `x-amzn-ErrorType` header (AWS Private CA API Reference, "Common Errors"; Smithy awsJson1_1 protocol). SigV4
 * headers are accepted and not checked: the emulator serves one local user.
 */
import {
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
} from '../errors.ts'
import { fromBase64, fromUtf8 } from '../lib/bytes.ts'
import { json } from './context.ts'
import { BadRequestError, MAX_BODY_BYTES, readLimitedText } from './http.ts'

/**
 * The `X-Amz-Target` prefix of AWS Private CA (service `ACMPrivateCA`, API version 2017-08-22).
 *
 * @example
 * request.headers.get('x-amz-target')?.startsWith(AWS_TARGET_PREFIX)
 */
export const AWS_TARGET_PREFIX = 'ACMPrivateCA.'
/**
 * The account every emulated ARN carries (one local user).
 *
 * @example
 * `arn:aws:acm-pca:us-east-1:${AWS_ACCOUNT}:certificate-authority/${id}`
 */
export const AWS_ACCOUNT = '123456789012'
/**
 * The region used when neither the SigV4 credential scope nor the Host header names one.
 *
 * @example
 * regionOf(new Request('http://127.0.0.1/')) === AWS_DEFAULT_REGION // true
 */
export const AWS_DEFAULT_REGION = 'us-east-1'

/**
 * An error in AWS's shape: `type` is the `__type` the SDKs map to their typed exceptions (InvalidArnException,
 * InvalidStateException, ...), `status` the HTTP status (400 for every client error AWS Private CA defines).
 *
 * @example
 * throw new AwsError('InvalidArnException', 'not an ARN of a certificate authority: foo')
 */
export class AwsError extends Error {
  readonly type: string
  readonly status: number

  constructor(type: string, message: string, status = 400, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AwsError'
    this.type = type
    this.status = status
  }
}

/**
 * The names of the AWS Private CA errors an operation reports for the pocket-ca errors it can meet: what a
 * PkiFormatError or PkiSignatureError is depends on whether the input was a CSR or a certificate.
 *
 * @example
 * const where: ErrorContext = { malformed: 'MalformedCertificateException', invalid: 'InvalidRequestException' }
 */
export interface ErrorContext {
  /** A malformed input: MalformedCSRException (IssueCertificate) or MalformedCertificateException (import). */
  malformed?: 'MalformedCSRException' | 'MalformedCertificateException'
  /** A rejected argument: InvalidArgsException (IssueCertificate, Create) or InvalidRequestException (import). */
  invalid?: 'InvalidArgsException' | 'InvalidRequestException'
}

/**
 * Translates what a library call threw into the AWS error an SDK expects (API Reference, each operation's "Errors").
 *
 * @example
 * throw toAwsError(e, { malformed: 'MalformedCSRException' })
 */
export function toAwsError(e: unknown, where: ErrorContext = {}): AwsError {
  if (e instanceof AwsError) return e
  const invalid = where.invalid ?? 'InvalidArgsException'
  const message = e instanceof Error ? e.message : String(e)
  if (e instanceof PkiStateError) return new AwsError('InvalidStateException', message, 400, { cause: e })
  if (e instanceof PkiNotFoundError) return new AwsError('ResourceNotFoundException', message, 400, { cause: e })
  if (e instanceof PkiKeyMismatchError) return new AwsError('CertificateMismatchException', message, 400, { cause: e })
  if (e instanceof PkiFormatError || e instanceof PkiSignatureError) {
    return new AwsError(where.malformed ?? invalid, message, 400, { cause: e })
  }
  if (e instanceof PkiArgumentError) {
    const aboutInput = e.field === 'csr' || e.field === 'certificate'
    return new AwsError(aboutInput && where.malformed ? where.malformed : invalid, message, 400, { cause: e })
  }
  if (e instanceof PkiChainError || e instanceof PkiNotSupportedError) {
    return new AwsError(invalid, message, 400, { cause: e })
  }
  // API Reference: RequestFailedException, "the request has failed for an unspecified reason" (the store failed).
  // A fixed message: a storage error names files and directories on the emulator's host, not the client's business.
  if (e instanceof PkiStorageError) {
    return new AwsError(
      'RequestFailedException',
      'the request failed: the CA store could not be read or written',
      400,
      {
        cause: e,
      },
    )
  }
  if (e instanceof PkiError) return new AwsError(invalid, message, 400, { cause: e })
  return new AwsError('InternalFailure', 'the emulator failed to process the request', 500, { cause: e })
}

/**
 * The JSON 1.1 response of an operation (an empty object for operations without output, as AWS sends).
 *
 * @example
 * return awsResponse({ CertificateAuthorityArn: arn })
 */
export function awsResponse(body: unknown, requestId: string): Response {
  return json(200, body ?? {}, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId })
}

/**
 * The JSON 1.1 error response: `__type` and `message` in the body, the type in `x-amzn-ErrorType`.
 *
 * @example
 * return awsErrorResponse(new AwsError('InvalidStateException', 'the CA is PENDING_CERTIFICATE'), requestId)
 */
export function awsErrorResponse(error: AwsError, requestId: string): Response {
  return json(
    error.status,
    { __type: error.type, message: error.message },
    {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': error.type,
    },
  )
}

/**
 * The region a request addresses: the SigV4 credential scope (`Credential=<key>/<date>/<region>/acm-pca/...`), else
 * an `acm-pca.<region>.amazonaws.com` Host, else us-east-1.
 *
 * @example
 * regionOf(request) // 'eu-west-1'
 */
export function regionOf(request: Request): string {
  const scope = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/acm-pca\//.exec(request.headers.get('authorization') ?? '')
  if (scope?.[1]) return scope[1]
  const host = /^acm-pca(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com/.exec(request.headers.get('host') ?? '')
  return host?.[1] ?? AWS_DEFAULT_REGION
}

/**
 * AWS's input validation error (`ValidationException`, as AWS answers a missing member or a value outside a
 * member's constraints, before the operation runs).
 *
 * @example
 * throw invalidMember('csr', 'Member must not be null', null)
 */
export function invalidMember(member: string, constraint: string, value: unknown): AwsError {
  const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`
  return new AwsError(
    'ValidationException',
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`,
  )
}

/** A JSON object member of the request, read with its constraints. */
type Input = Record<string, unknown>

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}

/**
 * A string member: required unless `optional`; at most `max` characters.
 *
 * @example
 * const arn = readString(input, 'CertificateAuthorityArn')
 */
export function readString(input: Input, name: string, o: { optional: true; max?: number }): string | undefined
export function readString(input: Input, name: string, o?: { optional?: false; max?: number }): string
export function readString(input: Input, name: string, o: { optional?: boolean; max?: number } = {}) {
  const value = input[name]
  if (value === undefined || value === null) {
    if (o.optional) return undefined
    throw invalidMember(lowerFirst(name), 'Member must not be null', value)
  }
  if (typeof value !== 'string') throw new AwsError('SerializationException', `${name} must be a string`)
  if (o.max !== undefined && value.length > o.max) {
    throw invalidMember(lowerFirst(name), `Member must have length less than or equal to ${o.max}`, value)
  }
  return value
}

/**
 * A string member that must be one of `values` (a Smithy enum).
 *
 * @example
 * const type = readEnum(input, 'CertificateAuthorityType', ['ROOT', 'SUBORDINATE'])
 */
export function readEnum<T extends string>(input: Input, name: string, values: readonly T[]): T
export function readEnum<T extends string>(
  input: Input,
  name: string,
  values: readonly T[],
  optional: true,
): T | undefined
export function readEnum<T extends string>(input: Input, name: string, values: readonly T[], optional = false) {
  const value = optional ? readString(input, name, { optional: true }) : readString(input, name)
  if (value === undefined) return undefined
  if (!(values as readonly string[]).includes(value)) {
    throw invalidMember(lowerFirst(name), `Member must satisfy enum value set: [${values.join(', ')}]`, value)
  }
  return value as T
}

/**
 * An integer member within `min..max`; undefined when absent and optional.
 *
 * @example
 * const max = readInteger(input, 'MaxResults', 1, 1000, true)
 */
export function readInteger(input: Input, name: string, min: number, max: number, optional: true): number | undefined
export function readInteger(input: Input, name: string, min: number, max: number, optional?: false): number
export function readInteger(input: Input, name: string, min: number, max: number, optional = false) {
  const value = input[name]
  if (value === undefined || value === null) {
    if (optional) return undefined
    throw invalidMember(lowerFirst(name), 'Member must not be null', value)
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new AwsError('SerializationException', `${name} must be a whole number`)
  }
  if (value < min)
    throw invalidMember(lowerFirst(name), `Member must have value greater than or equal to ${min}`, value)
  if (value > max) throw invalidMember(lowerFirst(name), `Member must have value less than or equal to ${max}`, value)
  return value
}

/**
 * An object member (a structure).
 *
 * @example
 * const config = readObject(input, 'CertificateAuthorityConfiguration')
 */
export function readObject(input: Input, name: string, optional: true): Input | undefined
export function readObject(input: Input, name: string, optional?: false): Input
export function readObject(input: Input, name: string, optional = false) {
  const value = input[name]
  if (value === undefined || value === null) {
    if (optional) return undefined
    throw invalidMember(lowerFirst(name), 'Member must not be null', value)
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new AwsError('SerializationException', `${name} must be an object`)
  }
  return value as Input
}

/**
 * A blob member as text: JSON 1.1 sends blobs as base64 (the SDKs encode the PEM bytes the caller passes).
 *
 * @example
 * const csrPem = readBlobText(input, 'Csr', 'MalformedCSRException')
 */
export function readBlobText(input: Input, name: string, malformed: string, optional: true): string | undefined
export function readBlobText(input: Input, name: string, malformed: string, optional?: false): string
export function readBlobText(input: Input, name: string, malformed: string, optional = false) {
  const value = optional ? readString(input, name, { optional: true }) : readString(input, name)
  if (value === undefined) return undefined
  const bytes = fromBase64(value.replace(/\s+/g, ''))
  if (!bytes) throw new AwsError('SerializationException', `${name} is not base64 (a blob member)`)
  if (bytes.length === 0)
    throw invalidMember(lowerFirst(name), 'Member must have length greater than or equal to 1', '')
  try {
    return fromUtf8(bytes)
  } catch (e) {
    // The API takes PEM text in these blobs (API Reference: "PEM-encoded"); DER or other binary is malformed.
    throw new AwsError(malformed, `${name} is not PEM text`, 400, { cause: e })
  }
}

/**
 * Reads the request body as a JSON object (`{}` for an empty body, as the SDKs send for operations without input);
 * SerializationException otherwise.
 *
 * @example
 * const input = await readBody(request)
 */
export async function readBody(request: Request): Promise<Input> {
  let text: string
  try {
    text = await readLimitedText(request, MAX_BODY_BYTES)
  } catch (e) {
    // AWS answers an oversized request 413 (API Gateway's RequestEntityTooLarge); the SDKs surface the type name.
    if (e instanceof BadRequestError) throw new AwsError('RequestEntityTooLargeException', e.message, e.status)
    throw e
  }
  if (text.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new AwsError('SerializationException', 'the request body is not JSON', 400, { cause: e })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AwsError('SerializationException', 'the request body must be a JSON object')
  }
  return value as Input
}
