import { PkiFormatError, PkiNotSupportedError, PkiSignatureError } from '../errors.ts'
import { verifySignature } from '../keys/verify.ts'
import { resolveCrypto } from '../lib/crypto.ts'
import { parseCsr, splitCsr } from './parse.ts'

/**
 * Checks a CSR's self-signature (its proof of possession of the private key, RFC 2986 section 3) after the same
 * strict parsing as {@link parseCsr}. Resolves with nothing; a signature that does not verify is a
 * PkiSignatureError, a malformed CSR a PkiFormatError.
 *
 * @example
 * await verifyCsr(csrPem) // throws PkiSignatureError if someone altered the CSR
 */
export async function verifyCsr(input: string | Uint8Array, o: { crypto?: Crypto } = {}): Promise<void> {
  const crypto = resolveCrypto(o.crypto)
  const { der } = parseCsr(input)
  const parts = splitCsr(der)
  try {
    await verifySignature(crypto, parts.spki, parts.signatureAlgorithm, parts.info.bytes, parts.signature)
  } catch (e) {
    if (e instanceof PkiSignatureError || e instanceof PkiFormatError || e instanceof PkiNotSupportedError) throw e
    throw new PkiSignatureError('the CSR signature cannot be verified', { cause: e })
  }
}
