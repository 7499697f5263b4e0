/** Fingerprints: hashes of an object's whole DER encoding, printed as `openssl x509 -fingerprint` prints them. */
import { sha1, sha256 } from '../lib/sha.ts'

/**
 * SHA-256 and SHA-1 of a DER encoding in colon-separated upper-case hex (`AB:CD:...`), the form of
 * `openssl x509 -noout -fingerprint -sha256` (and `-sha1`), and of most consoles.
 *
 * @example
 * const f: Fingerprints = { sha256: '5E:1A:…', sha1: '9C:02:…' }
 */
export interface Fingerprints {
  sha256: string
  sha1: string
}

function colonHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')
}

/**
 * The fingerprints of `der` (computed synchronously, lib/sha.ts).
 *
 * @example
 * fingerprints(certificateDer).sha256 // '5E:1A:…' (32 colon-separated octets)
 */
export function fingerprints(der: Uint8Array): Fingerprints {
  return { sha256: colonHex(sha256(der)), sha1: colonHex(sha1(der)) }
}
