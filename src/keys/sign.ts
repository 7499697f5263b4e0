/** Signing with a table key type, returning the signature in its X.509 form. */
import { ecdsaRawToDer } from '../der/ecdsa.ts'
import { bufferSource } from '../lib/bytes.ts'
import type { KeyTypeSpec } from './types.ts'

/**
 * Signs `data` and returns the signature as X.509 carries it: DER Ecdsa-Sig-Value for ECDSA (RFC 3279 2.2.3),
 * the raw octets for RSA and Ed25519.
 *
 * @example
 * const sig = await signBytes(crypto, KEY_TYPE_SPECS.EC256, keys.privateKey, tbs)
 */
export async function signBytes(
  crypto: Crypto,
  spec: KeyTypeSpec,
  key: CryptoKey,
  data: Uint8Array,
): Promise<Uint8Array> {
  const signature = new Uint8Array(await crypto.subtle.sign(spec.sign, key, bufferSource(data)))
  return spec.ecdsaSize ? ecdsaRawToDer(signature, spec.ecdsaSize) : signature
}
