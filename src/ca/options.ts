/** Reading the options shared by the CA functions, once, at the public boundary. */
import { PkiArgumentError, PkiStateError } from '../errors.ts'
import { resolveCrypto } from '../lib/crypto.ts'
import type { CertificateAuthority, Runtime } from './types.ts'

/**
 * The most days `period` takes (ten years, as the cloud CAs allow).
 *
 * @example
 * validity(at, MAX_PERIOD_DAYS, until)
 */
export const MAX_PERIOD_DAYS = 3650
/**
 * One day in milliseconds.
 *
 * @example
 * new Date(at.getTime() + 7 * DAY_MS)
 */
export const DAY_MS = 86_400_000
/** Certificate times are written as UTCTime from 1950 and GeneralizedTime up to 9999 (RFC 5280 4.1.2.5). */
const EARLIEST = Date.UTC(1950, 0, 1)
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59)

/**
 * Refuses a time a certificate or CRL cannot carry, as a PkiArgumentError on `field`.
 *
 * @example
 * checkTime(notAfter, 'validityDays')
 */
export function checkTime(date: Date, field: string): Date {
  const ms = date.getTime()
  if (!(ms >= EARLIEST && ms <= LATEST)) {
    throw new PkiArgumentError(field, `${field} gives a time outside 1950..9999, which certificates cannot carry`)
  }
  return date
}

/**
 * Resolves the options object, `crypto` and `at` (now, to the second: certificates carry no fractions).
 *
 * @example
 * const { crypto, at } = runtime(o)
 */
export function runtime(o: Runtime | undefined): { crypto: Crypto; at: Date } {
  if (o !== undefined && (typeof o !== 'object' || o === null)) throw new TypeError('options must be an object')
  const at = o?.at
  if (at !== undefined && !(at instanceof Date && Number.isFinite(at.getTime()))) {
    throw new TypeError('at must be a valid Date')
  }
  const ms = (at ?? new Date()).getTime()
  return { crypto: resolveCrypto(o?.crypto), at: checkTime(new Date(ms - (ms % 1000)), 'at') }
}

/**
 * The validity of a certificate issued at `at` for `period` days (1..3650) or 'MAX' (up to `until`, the end of the
 * issuer's chain). A period past `until` is refused, never cut short, unless it is 'MAX' (DESIGN.md).
 *
 * @example
 * validity(new Date(), 365, issuerNotAfter) // { notBefore, notAfter }
 */
export function validity(
  at: Date,
  period: unknown,
  until: Date,
  field = 'period',
): { notBefore: Date; notAfter: Date } {
  if (period === 'MAX') return { notBefore: at, notAfter: until }
  if (typeof period !== 'number') throw new TypeError(`${field} must be a number of days or 'MAX'`)
  if (!Number.isInteger(period) || period < 1 || period > MAX_PERIOD_DAYS) {
    throw new PkiArgumentError(field, `${field} must be a whole number of days in 1..${MAX_PERIOD_DAYS}, or 'MAX'`)
  }
  const notAfter = new Date(at.getTime() + period * DAY_MS)
  if (notAfter > until) {
    throw new PkiArgumentError(
      field,
      `${period} days runs past the issuer's notAfter (${until.toISOString()}): ask for less, or 'MAX'`,
    )
  }
  return { notBefore: at, notAfter }
}

/**
 * Refuses to sign with a CA that is not ACTIVE: checked before any other work, so the status is what a caller hears
 * about first.
 *
 * @example
 * assertActive(ca)
 */
export function assertActive(ca: CertificateAuthority): void {
  if (ca.status !== 'ACTIVE') throw new PkiStateError(ca.status, `the CA is ${ca.status}: it cannot sign`)
}

/**
 * Refuses to sign at a time the CA certificate does not cover (reported as EXPIRED once it has ended).
 *
 * @example
 * assertValidAt(ca, context.certificate.notBefore, context.certificate.notAfter, at)
 */
export function assertValidAt(ca: CertificateAuthority, validFrom: Date, validTo: Date, at: Date): void {
  if (at > validTo) throw new PkiStateError('EXPIRED', `the CA certificate expired on ${validTo.toISOString()}`)
  if (at < validFrom)
    throw new PkiStateError(ca.status, `the CA certificate is valid only from ${validFrom.toISOString()}`)
}

const STATUSES = new Set(['PENDING_CERTIFICATE', 'ACTIVE', 'DISABLED', 'EXPIRED'])

/**
 * Checks that a value is a CA record in shape (statuses, keys, chain, settings, revocations, CRL number), so that a
 * wrong or tampered argument fails with a TypeError up front instead of somewhere inside.
 *
 * @example
 * checkCaRecord(ca)
 */
export function checkCaRecord(ca: unknown, name = 'ca'): asserts ca is CertificateAuthority {
  const c = ca as Partial<CertificateAuthority> | null
  const bad = (what: string): never => {
    throw new TypeError(`${name} must be a CertificateAuthority record (${what})`)
  }
  if (typeof c !== 'object' || c === null) bad('not an object')
  const r = c as Partial<CertificateAuthority>
  if (typeof r.id !== 'string') bad('id')
  if (typeof r.status !== 'string' || !STATUSES.has(r.status)) bad('status')
  if (r.keys?.privateKey?.type !== 'private' || r.keys?.publicKey?.type !== 'public') bad('keys')
  const sealed = r.sealedKey
  if (
    sealed !== undefined &&
    (sealed?.wrappingKey?.type !== 'secret' ||
      !(sealed.iv instanceof Uint8Array) ||
      !(sealed.wrapped instanceof Uint8Array))
  ) {
    bad('sealedKey')
  }
  if (r.certificate !== undefined && typeof r.certificate !== 'string') bad('certificate')
  if (!Array.isArray(r.chain) || r.chain.some((p) => typeof p !== 'string')) bad('chain')
  if (typeof r.settings !== 'object' || r.settings === null) bad('settings')
  if (r.meta !== undefined && (typeof r.meta !== 'object' || r.meta === null || Array.isArray(r.meta))) bad('meta')
  if (!Number.isSafeInteger(r.crlNumber) || (r.crlNumber as number) < 0) bad('crlNumber')
  if (
    !Array.isArray(r.revoked) ||
    r.revoked.some(
      (x) => typeof x?.serialNo !== 'string' || typeof x.reason !== 'string' || !Number.isFinite(Date.parse(x.at)),
    )
  ) {
    bad('revoked')
  }
}
