/** What every store back end shares: argument checks, the registry join, and copying records in and out. */
import type { CertificateAuthority, SealedKey } from '../ca/types.ts'
import { normalizeSerial } from '../cert/serial.ts'
import { PkiArgumentError, PkiStateError } from '../errors.ts'
import { DEFAULT_ITERATIONS, MAX_ITERATIONS } from '../keys/pbes2.ts'
import type { CaState, IssuedEntry, IssuedRecord } from './types.ts'

/**
 * What a CA id looks like: it names a directory in the file store, so no separators, no dot names, no control
 * characters.
 *
 * @example
 * ID_PATTERN.test(ca.id) // true
 */
export const ID_PATTERN: RegExp = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/

/**
 * The fewest PBKDF2 iterations a store or a backup writes with (the default is 600,000): below it, a passphrase
 * falls to a guessing attack too cheaply.
 *
 * @example
 * checkIterations(10_000)
 */
export const MIN_ITERATIONS = 10_000

/**
 * The most PBKDF2 iterations pocket-ca writes: what it also reads back (keys/pbes2.ts).
 *
 * @example
 * checkIterations(MAX_ITERATIONS)
 */
export { MAX_ITERATIONS }

/**
 * Reads an `iterations` option: the default 600,000 when absent, a TypeError for a non-number, PkiArgumentError
 * outside {@link MIN_ITERATIONS}..{@link MAX_ITERATIONS}.
 *
 * @example
 * const iterations = checkIterations(o.iterations)
 */
export function checkIterations(iterations: unknown): number {
  if (iterations === undefined) return DEFAULT_ITERATIONS
  if (typeof iterations !== 'number') throw new TypeError('iterations must be a number')
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new PkiArgumentError(
      'iterations',
      `iterations must be a whole number in ${MIN_ITERATIONS}..${MAX_ITERATIONS}`,
    )
  }
  return iterations
}

/**
 * Checks a CA id argument.
 *
 * @example
 * checkId(ca.id)
 */
export function checkId(id: unknown): string {
  if (typeof id !== 'string') throw new TypeError('a CA id must be a string')
  // Ids name directories in the file store: no separators, no dot names, no control characters.
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(id))
    throw new PkiArgumentError('id', `not a CA id: ${JSON.stringify(id)}`)
  return id
}

/**
 * A serial argument in any hex form, as the registry keys it (colon hex, upper case).
 *
 * @example
 * registrySerial('4f0a') // '4F:0A'
 */
export function registrySerial(serialNo: unknown): string {
  if (typeof serialNo !== 'string') throw new TypeError('serialNo must be a string')
  const serial = normalizeSerial(serialNo)
  // RFC 5280 4.1.2.2: at most 20 octets.
  if (!serial || serial.length > 20 * 3 - 1) {
    throw new PkiArgumentError('serialNo', `not a serial number of at most 20 octets: ${JSON.stringify(serialNo)}`)
  }
  return serial
}

/**
 * Checks an issued-certificate record before it is written, and returns a copy with the serial in registry form.
 *
 * @example
 * const record = checkIssuedRecord(input)
 */
export function checkIssuedRecord(record: unknown): IssuedRecord {
  const r = record as Partial<IssuedRecord> | null
  if (typeof r !== 'object' || r === null) throw new TypeError('an issued record must be an object')
  for (const field of ['certificate', 'issuedAt', 'notAfter', 'subject'] as const) {
    if (typeof r[field] !== 'string') throw new TypeError(`issued record: ${field} must be a string`)
  }
  return {
    serialNo: registrySerial(r.serialNo),
    certificate: r.certificate as string,
    issuedAt: r.issuedAt as string,
    notAfter: r.notAfter as string,
    subject: r.subject as string,
  }
}

/**
 * A registry record with the status the CA's revocation list gives it.
 *
 * @example
 * withStatus(record, ca.revoked).status // 'REVOKED'
 */
export function withStatus(record: IssuedRecord, revoked: CaState['revoked']): IssuedEntry {
  const revocation = revoked.find((r) => r.serialNo === record.serialNo)
  return revocation
    ? { ...record, status: 'REVOKED', revocation: { reason: revocation.reason, at: revocation.at } }
    : { ...record, status: 'ISSUED' }
}

/**
 * Orders registry records as {@link CaStore.listIssued} promises: by issuance time, then serial.
 *
 * @example
 * records.sort(byIssuance)
 */
export function byIssuance(a: IssuedRecord, b: IssuedRecord): number {
  if (a.issuedAt !== b.issuedAt) return a.issuedAt < b.issuedAt ? -1 : 1
  return a.serialNo < b.serialNo ? -1 : a.serialNo > b.serialNo ? 1 : 0
}

/**
 * The keyless part of a CA record, copied (arrays and settings too), so that a store never shares mutable parts
 * with its callers.
 *
 * @example
 * const state = stateOf(ca)
 */
export function stateOf(ca: CaState | CertificateAuthority): CaState {
  const { keys: _keys, sealedKey: _sealed, ...state } = ca as CertificateAuthority
  return {
    ...state,
    chain: [...state.chain],
    settings: structuredClone(state.settings),
    revoked: state.revoked.map((r) => ({ ...r })),
    ...(state.meta !== undefined ? { meta: structuredClone(state.meta) } : {}),
  }
}

/**
 * The refusal every store gives to a registry write for a CA that cannot issue.
 *
 * @example
 * assertIssuing(state)
 */
export function assertIssuing(state: CaState): void {
  if (state.status !== 'ACTIVE') {
    throw new PkiStateError(state.status, `the CA is ${state.status}: its registry takes no new certificates`)
  }
}

/**
 * Checks what a `change` given to updateCa returned: the same CA, still a record in shape.
 *
 * @example
 * const next = checkChanged(current, change(current))
 */
export function checkChanged(current: CaState, next: CaState): CaState {
  if (typeof next !== 'object' || next === null) throw new TypeError('updateCa: change must return a CA state')
  if (next.id !== current.id || next.keyType !== current.keyType) {
    throw new TypeError('updateCa: change must not alter the id or key type')
  }
  return stateOf(next)
}

/**
 * A copy of a sealed key (the CryptoKey is immutable; the arrays are copied), so that a store never shares mutable
 * parts with its callers.
 *
 * @example
 * const kept = copySealedKey(ca.sealedKey)
 */
export function copySealedKey(sealed: SealedKey): SealedKey {
  return { wrappingKey: sealed.wrappingKey, iv: sealed.iv.slice(), wrapped: sealed.wrapped.slice() }
}

/**
 * A full CA record from a stored state and its keys, every mutable part copied.
 *
 * @example
 * const ca = withKeys(state, keys, sealedKey)
 */
export function withKeys(state: CaState, keys: CryptoKeyPair, sealedKey: SealedKey | undefined): CertificateAuthority {
  const ca: CertificateAuthority = {
    ...stateOf(state),
    keys: { privateKey: keys.privateKey, publicKey: keys.publicKey },
  }
  return sealedKey ? { ...ca, sealedKey: copySealedKey(sealedKey) } : ca
}
