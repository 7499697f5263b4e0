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
 * A request body that is not a JSON object (or too large): the APIs answer it as a bad request. `status` is the HTTP
 * status the generic APIs answer (400, 413 for a body too large, 415 for a body that is not declared JSON).
 *
 * @example
 * throw new BadRequestError('the request body is not JSON')
 */
export class BadRequestError extends Error {
  readonly status: 400 | 413 | 415

  constructor(message: string, status: 400 | 413 | 415 = 400) {
    super(message)
    this.name = 'BadRequestError'
    this.status = status
  }
}

/**
 * Reads a request body as UTF-8 text, at most `max` bytes: a larger Content-Length is refused before anything is
 * read, and the stream is cancelled as soon as it passes `max` (Content-Length may be absent or wrong), so a client
 * cannot make the emulator buffer an unbounded body. BadRequestError (status 413) when the body is too large.
 *
 * @example
 * const text = await readLimitedText(request, MAX_BODY_BYTES)
 */
export async function readLimitedText(request: Request, max: number = MAX_BODY_BYTES): Promise<string> {
  const tooLarge = () => new BadRequestError(`the request body is larger than ${max} bytes`, 413)
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (Number.isFinite(declared) && declared > max) throw tooLarge()
  if (!request.body) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    length += value.length
    if (length > max) {
      // Stop the sender instead of draining the rest of an oversized body.
      await reader.cancel().catch(() => undefined)
      throw tooLarge()
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(length)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.length
  }
  return new TextDecoder().decode(bytes)
}

/** application/json or a structured `+json` type, with optional parameters (a charset). */
const JSON_TYPE = /^application\/(?:json|[\w.+-]+\+json)\s*(;|$)/i

/**
 * Reads a request body as a JSON object; BadRequestError for anything else (not declared JSON, empty, not JSON, an
 * array, too large). The JSON content type is required because a cross-site page can POST text/plain (a "simple"
 * request, sent without a CORS preflight) but not application/json: the check keeps other sites from issuing here.
 *
 * @example
 * const body = await readJsonObject(request) // Record<string, unknown>
 */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  if (!JSON_TYPE.test(request.headers.get('content-type') ?? '')) {
    throw new BadRequestError('the request body must be JSON (Content-Type: application/json)', 415)
  }
  const text = await readLimitedText(request, MAX_BODY_BYTES)
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
