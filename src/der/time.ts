/**
 * Certificate time encoding (RFC 5280 section 4.1.2.5): UTCTime for 1950..2049, GeneralizedTime from 2050,
 * always in seconds with `Z` and no fractions.
 */
import { utf8 } from '../lib/bytes.ts'
import { TAG, tlv } from './writer.ts'

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/**
 * The DER encoding of a validity time; fractions of a second are dropped (truncated), as RFC 5280 forbids them.
 *
 * @example
 * encodeTime(new Date('2049-12-31T23:59:59Z')) // UTCTime 491231235959Z
 * encodeTime(new Date('2050-01-01T00:00:00Z')) // GeneralizedTime 20500101000000Z
 */
export function encodeTime(date: Date): Uint8Array {
  const year = date.getUTCFullYear()
  if (!Number.isFinite(date.getTime()) || year < 1950 || year > 9999) {
    throw new RangeError('certificate times must fall in the years 1950..9999')
  }
  const rest = `${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`
  return year < 2050
    ? tlv(TAG.UTC_TIME, utf8(`${pad(year % 100)}${rest}`))
    : tlv(TAG.GENERALIZED_TIME, utf8(`${pad(year, 4)}${rest}`))
}
