/**
 * Checking one candidate path, leaf first and trust anchor last (RFC 5280 section 6.1, the basic checks): every
 * signature, validity at the given time, issuer and subject names linking, CA flag and keyCertSign on issuers,
 * pathLen (self-issued intermediates not counted), and a self-signed anchor. Failure is a PkiChainError with the
 * reason and the depth (0 = leaf) where it failed.
 */

import { type CertificateParts, readBasicConstraints, readKeyUsageBits } from '../cert/read.ts'
import { OID } from '../der/oid.ts'
import { PkiChainError, PkiError } from '../errors.ts'
import { verifySignature } from '../keys/verify.ts'
import { bytesEqual } from '../lib/bytes.ts'

const KEY_CERT_SIGN = 5

function isSelfIssued(c: CertificateParts): boolean {
  return bytesEqual(c.issuer, c.subject)
}

async function checkSignedBy(
  crypto: Crypto,
  child: CertificateParts,
  issuer: CertificateParts,
  depth: number,
): Promise<void> {
  try {
    await verifySignature(crypto, issuer.spki, child.signatureAlgorithm, child.tbs, child.signature)
  } catch (e) {
    throw new PkiChainError(
      'signature_invalid',
      depth,
      `the certificate at depth ${depth} is not signed by its issuer`,
      {
        cause: e,
      },
    )
  }
}

/**
 * Checks `path` (leaf first, self-signed anchor last) at time `at`; resolves when every check passes.
 *
 * @example
 * await checkPath(crypto, [leaf, intermediate, root].map((p) => readCertificate(p)), new Date())
 */
export async function checkPath(crypto: Crypto, path: readonly CertificateParts[], at: Date): Promise<void> {
  const last = path.length - 1
  for (let depth = 0; depth <= last; depth++) {
    const cert = path[depth] as CertificateParts
    if (at < cert.notBefore) {
      throw new PkiChainError(
        'not_yet_valid',
        depth,
        `the certificate at depth ${depth} is valid from ${cert.notBefore.toISOString()}`,
      )
    }
    if (at > cert.notAfter) {
      throw new PkiChainError(
        'expired',
        depth,
        `the certificate at depth ${depth} expired on ${cert.notAfter.toISOString()}`,
      )
    }
    const issuer = path[depth + 1] ?? cert
    if (!bytesEqual(cert.issuer, issuer.subject)) {
      throw new PkiChainError(
        'unknown_authority',
        depth,
        depth === last
          ? 'the last certificate of the chain is not self-signed: the chain does not reach a root'
          : `the certificate at depth ${depth} was not issued by the next one in the chain`,
      )
    }
    await checkSignedBy(crypto, cert, issuer, depth)
    if (depth === 0) continue
    let bc: { isCa: boolean; pathLen?: number }
    let usage: Set<number> | null
    try {
      bc = readBasicConstraints(cert.extensions.get(OID.basicConstraints))
      usage = readKeyUsageBits(cert.extensions.get(OID.keyUsage))
    } catch (e) {
      if (e instanceof PkiError) throw new PkiChainError('not_authorized_to_sign', depth, e.message, { cause: e })
      throw e
    }
    if (!bc.isCa || (usage && !usage.has(KEY_CERT_SIGN))) {
      throw new PkiChainError(
        'not_authorized_to_sign',
        depth,
        `the certificate at depth ${depth} is not a CA certificate`,
      )
    }
    if (bc.pathLen !== undefined) {
      // RFC 5280 6.1.4 (l)/(m): count the non-self-issued CA certificates below this one, leaf excluded.
      const below = path.slice(1, depth).filter((c) => !isSelfIssued(c)).length
      if (below > bc.pathLen) {
        throw new PkiChainError(
          'path_len_exceeded',
          depth,
          `the CA at depth ${depth} allows ${bc.pathLen} CA certificate(s) below it`,
        )
      }
    }
  }
}
