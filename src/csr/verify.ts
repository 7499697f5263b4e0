import { resolveCrypto } from '../lib/crypto.ts'
import { checkCsrSignature, csrDer, readCsrBody } from './parse.ts'

/**
 * Checks a CSR's self-signature (its proof of possession of the private key, RFC 2986 section 3) after the same
 * strict reading as {@link parseCsr}. Resolves with nothing; a signature that does not verify is a
 * PkiSignatureError, a malformed CSR a PkiFormatError.
 *
 * @example
 * await verifyCsr(csrPem) // throws PkiSignatureError if someone altered the CSR
 */
export async function verifyCsr(input: string | Uint8Array, o: { crypto?: Crypto } = {}): Promise<void> {
  const crypto = resolveCrypto(o.crypto)
  await checkCsrSignature(crypto, readCsrBody(csrDer(input)))
}
