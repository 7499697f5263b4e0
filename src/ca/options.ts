/** Reading the options shared by the CA functions, once, at the public boundary. */
import { PkiArgumentError, PkiStateError } from '../errors.ts'
import { resolveCrypto } from '../lib/crypto.ts'
import type { CertificateAuthority, Runtime } from './types.ts'

/** The most days `period` takes (ten years, as the cloud CAs allow). */
export const MAX_PERIOD_DAYS = 3650
const DAY_MS = 86_400_000

/**
 * Resolves `crypto` and `at` (now, to the second: certificates carry no fractions).
 *
 * @example
 * const { crypto, at } = runtime(o)
 */
export function runtime(o: Runtime = {}): { crypto: Crypto; at: Date } {
  if (o.at !== undefined && !(o.at instanceof Date && Number.isFinite(o.at.getTime()))) {
    throw new TypeError('at must be a valid Date')
  }
  const ms = (o.at ?? new Date()).getTime()
  return { crypto: resolveCrypto(o.crypto), at: new Date(ms - (ms % 1000)) }
}

/**
 * The validity of a certificate issued at `at` for `period` days (1..3650) or 'MAX' (up to the issuer's notAfter).
 * A period past the issuer's notAfter is refused, never cut short, unless it is 'MAX' (DESIGN.md).
 *
 * @example
 * validity(new Date(), 365, issuerNotAfter) // { notBefore, notAfter }
 */
export function validity(
  at: Date,
  period: unknown,
  issuerNotAfter: Date,
  field = 'period',
): { notBefore: Date; notAfter: Date } {
  if (period === 'MAX') return { notBefore: at, notAfter: issuerNotAfter }
  if (typeof period !== 'number') throw new TypeError(`${field} must be a number of days or 'MAX'`)
  if (!Number.isInteger(period) || period < 1 || period > MAX_PERIOD_DAYS) {
    throw new PkiArgumentError(field, `${field} must be a whole number of days in 1..${MAX_PERIOD_DAYS}, or 'MAX'`)
  }
  const notAfter = new Date(at.getTime() + period * DAY_MS)
  if (notAfter > issuerNotAfter) {
    throw new PkiArgumentError(
      field,
      `${period} days runs past the issuer's notAfter (${issuerNotAfter.toISOString()}): ask for less, or 'MAX'`,
    )
  }
  return { notBefore: at, notAfter }
}

/**
 * Refuses to sign with a CA that is not ACTIVE, or whose certificate is not valid at `at` (reported as EXPIRED).
 *
 * @example
 * assertCanSign(ca, notBefore, notAfter, at)
 */
export function assertActive(ca: CertificateAuthority, validFrom: Date, validTo: Date, at: Date): void {
  if (ca.status !== 'ACTIVE') throw new PkiStateError(ca.status, `the CA is ${ca.status}: it cannot sign`)
  if (at > validTo) throw new PkiStateError('EXPIRED', `the CA certificate expired on ${validTo.toISOString()}`)
  if (at < validFrom)
    throw new PkiStateError(ca.status, `the CA certificate is valid only from ${validFrom.toISOString()}`)
}

/**
 * Checks that a value is a CA record (structurally), so that wrong arguments fail with a TypeError up front.
 *
 * @example
 * checkCaRecord(ca)
 */
export function checkCaRecord(ca: unknown, name = 'ca'): asserts ca is CertificateAuthority {
  const c = ca as Partial<CertificateAuthority> | null
  if (
    typeof c !== 'object' ||
    c === null ||
    typeof c.status !== 'string' ||
    !c.keys?.privateKey ||
    !Array.isArray(c.chain)
  ) {
    throw new TypeError(`${name} must be a CertificateAuthority record`)
  }
}
