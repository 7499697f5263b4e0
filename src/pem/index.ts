/** PEM (RFC 7468): encodePem / decodePem. */
export type { PemBlock } from './decode.ts'
export { decodePem } from './decode.ts'
export { encodePem } from './encode.ts'
