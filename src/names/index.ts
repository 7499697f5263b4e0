/**
 * Subject parameters and general names: validation and normalisation (the DER encoding lives in `src/der/`).
 *
 * @example
 * import { checkX509Parameters, formatIp, parseIp } from './names/index.ts'
 * const subject = checkX509Parameters({ commonName: 'db1', ip: '::1' })
 * formatIp(subject.ips[0] as Uint8Array) // '::1'
 */
export { normalizeDnsName } from './dns.ts'
export { isEmailAddress } from './email.ts'
export { formatIp, parseIp } from './ip.ts'
export { checkX509Parameters } from './subject.ts'
export type { CheckedSubject, NameAttribute, NameAttributeType, X509Parameters } from './types.ts'
