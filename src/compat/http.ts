/** What the emulated APIs share: reading a JSON body, telling CA ids apart, and sorting errors by HTTP meaning. */
import { PkiArgumentError, PkiFormatError, PkiNotFoundError, PkiSignatureError, PkiStateError } from '../errors.ts'

/**
 * A CA id as pocket-ca makes them (an RFC 9562 UUID, 36 characters, any case). The cloud APIs put our CA id where
 * their CA id / tag goes; anything else names no CA, and is never handed to a store.
 *
 * @example
 * CA_ID_PATTERN.test('1b4e28ba-2fa1-41d2-883f-0016d3cca427') // true
 */
export const CA_ID_PATTERN: RegExp = /^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/

/** The largest request body an emulated API reads (a JSON request with a few PEM blocks fits many times over). */
export const MAX_BODY_BYTES = 1 << 20

/**
 * A request body that is not a JSON object (or too large): the APIs answer it as a bad request.
 *
 * @example
 * throw new BadRequestError('the request body is not JSON')
 */
export class BadRequestError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BadRequestError'
  }
}

/**
 * Reads a request body as a JSON object; BadRequestError for anything else (empty, not JSON, an array, too large).
 *
 * @example
 * const body = await readJsonObject(request) // Record<string, unknown>
 */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text()
  if (text.length > MAX_BODY_BYTES) throw new BadRequestError(`the request body is larger than ${MAX_BODY_BYTES} bytes`)
  if (text.trim() === '') throw new BadRequestError('the request body is empty: a JSON object was expected')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new BadRequestError('the request body is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError('the request body must be a JSON object')
  }
  return value as Record<string, unknown>
}

/**
 * What an error means to an HTTP client: `bad-request` (the caller's input: a bad field, type, PEM or signature),
 * `state` (the CA's status forbids it), `not-found`, or `internal` (anything else: the store failed, a bug).
 *
 * @example
 * const { kind, message } = classifyError(e)
 */
export function classifyError(e: unknown): {
  kind: 'bad-request' | 'state' | 'not-found' | 'internal'
  message: string
} {
  if (e instanceof PkiArgumentError) return { kind: 'bad-request', message: `${e.field}: ${e.message}` }
  // Not TypeError: the APIs check their input types themselves, so a TypeError here is a bug, not bad input.
  if (e instanceof BadRequestError) return { kind: 'bad-request', message: e.message }
  if (e instanceof PkiFormatError || e instanceof PkiSignatureError) return { kind: 'bad-request', message: e.message }
  if (e instanceof PkiStateError) return { kind: 'state', message: e.message }
  if (e instanceof PkiNotFoundError) return { kind: 'not-found', message: e.message }
  // Internal details (paths, stack) stay out of the answer; the name says what failed.
  const name = e instanceof Error ? e.name : typeof e
  return { kind: 'internal', message: `internal error (${name})` }
}
