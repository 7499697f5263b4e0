/**
 * Checking one given path, leaf first and a self-signed root last, with the rules verifyChain applies (RFC 5280
 * section 6.1, see rules.ts): what importCaCertificate needs of the chain it is handed. Failure is a PkiChainError
 * with the reason and the depth (0 = leaf) where it failed.
 */
import type { CertificateParts } from '../cert/read.ts'
import { PkiChainError } from '../errors.ts'
import { type ChainCert, loadCertificate, signatureProblem } from './certificate.ts'
import { checkPathRules } from './rules.ts'

async function checkSignedBy(crypto: Crypto, child: ChainCert, issuer: ChainCert, depth: number): Promise<void> {
  const problem = await signatureProblem(crypto, child, issuer)
  if (problem) {
    throw new PkiChainError(
      'signature_invalid',
      depth,
      `the certificate at depth ${depth} is not signed by its issuer`,
      {
        cause: problem,
      },
    )
  }
}

/**
 * Checks `path` (leaf first, self-signed anchor last) at time `at`: each certificate issued (names compared as
 * RFC 5280 7.1 says) and signed by the next, the last one self-signed, then every rule of verifyChain but host name
 * and usage. Resolves when every check passes.
 *
 * @example
 * await checkPath(crypto, [leaf, intermediate, root].map((p) => readCertificate(p)), new Date())
 */
export async function checkPath(crypto: Crypto, path: readonly CertificateParts[], at: Date): Promise<void> {
  const certs = path.map((p, i) => loadCertificate(p.der, `path[${i}]`))
  const last = certs.length - 1
  for (let depth = 0; depth <= last; depth++) {
    const cert = certs[depth] as ChainCert
    const issuer = certs[depth + 1] ?? cert
    if (cert.issuerKey !== issuer.subjectKey) {
      throw new PkiChainError(
        'unknown_authority',
        depth,
        depth === last
          ? 'the last certificate of the chain is not self-signed: the chain does not reach a root'
          : `the certificate at depth ${depth} was not issued by the next one in the chain`,
      )
    }
    await checkSignedBy(crypto, cert, issuer, depth)
  }
  const error = checkPathRules(certs, { at, usage: [] })
  if (error) throw error
}
