/**
 * The checks of RFC 5280 section 6.1 over one candidate path whose links (names and signatures) already hold: the
 * path is walked from the trust anchor down to the leaf, as 6.1.3 / 6.1.4 process it, and the first failure is
 * returned as a PkiChainError with the depth (0 = leaf) of the certificate at fault. Then the caller's purpose: the
 * extended key usage and the host name or IP address of the leaf (RFC 9525).
 *
 * Choices where RFC 5280 leaves room, made as browsers and OpenSSL make them:
 * - the trust anchor is a certificate and is held to what it says: its validity period, basicConstraints cA and
 *   keyCertSign when it signed something (a v1 anchor is trusted as such, 6.1.4 (k)), its pathLenConstraint, name
 *   constraints and extended key usage;
 * - an extKeyUsage on a CA restricts the certificates below it (the usage asked for must be in it or
 *   anyExtendedKeyUsage), as Chrome, Go and OpenSSL do; no usage asked for, no usage checked;
 * - a name constraint is checked against every later certificate's subject and SAN (self-issued intermediates
 *   exempt, 6.1.3 (b)), and a common name that reads as a host name counts as a dNSName (see name-constraints.ts).
 */
import { PkiChainError } from '../errors.ts'
import type { ChainCert } from './certificate.ts'
import { matchesDnsName, matchesIp } from './host.ts'
import { type DecodedNameConstraints, findViolation } from './name-constraints.ts'

const KEY_CERT_SIGN = 5
/**
 * The most name-to-subtree comparisons one path may take (Go's bound, crypto/x509 maxConstraintComparisons): a CA
 * with thousands of subtrees over a certificate with thousands of names would otherwise cost their product.
 */
export const MAX_CONSTRAINT_COMPARISONS = 250_000
/** anyExtendedKeyUsage (RFC 5280 4.2.1.12). */
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0'

/** What the caller asks of a path, read once at the public boundary. */
export interface PathPurpose {
  at: Date
  /** Extended key usage OIDs the chain must allow, all of them. */
  usage: readonly string[]
  /** A host name as readHostName returns it. */
  dnsName?: string
  ip?: Uint8Array
}

/** How many names of a certificate name constraints look at (the subject counts as one, and its e-mail/CN). */
function nameCount(cert: ChainCert): number {
  const n = cert.names
  return (
    1 +
    n.subject.length +
    n.dnsNames.length +
    n.emails.length +
    n.ips.length +
    n.uris.length +
    (n.dirNames?.length ?? 0) +
    (n.otherTags?.length ?? 0)
  )
}

/** 6.1.4 (k), (n): may this certificate sign certificates? Null when it may. */
function authorityProblem(cert: ChainCert, isAnchor: boolean): string | null {
  // 6.1.4 (k): a v1 or v2 intermediate cannot say it is a CA; a v1 anchor is trusted to be one out of band.
  if (cert.parts.version < 2) return isAnchor ? null : 'is a v1/v2 certificate, which cannot be a CA'
  if (!cert.basic.isCa) return 'is not a CA certificate (basicConstraints cA is not set)'
  if (cert.keyUsage && !cert.keyUsage.has(KEY_CERT_SIGN)) return 'has a keyUsage without keyCertSign'
  return null
}

/**
 * Checks a complete path (leaf first, trust anchor last, every link already verified) for `purpose`; returns the
 * first failure in RFC 5280 6.1 processing order (from the anchor down), or null when the path is valid.
 *
 * @example
 * const error = checkPathRules([leaf, intermediate, root], { at: new Date(), usage: [] })
 * if (error) throw error
 */
export function checkPathRules(path: readonly ChainCert[], purpose: PathPurpose): PkiChainError | null {
  const last = path.length - 1
  // 6.1.2 (k): max_path_length, and which CA set its current value (reported when it is exceeded).
  let remaining = Number.POSITIVE_INFINITY
  let limitedBy = -1
  const constraints: { nc: DecodedNameConstraints; depth: number }[] = []
  let comparisons = 0
  for (let depth = last; depth >= 0; depth--) {
    const cert = path[depth] as ChainCert
    const at = `the certificate at depth ${depth}`
    // 6.1.3 (a)(2): the validity period includes both ends (4.1.2.5).
    if (purpose.at < cert.parts.notBefore) {
      return new PkiChainError('not_yet_valid', depth, `${at} is valid from ${cert.parts.notBefore.toISOString()}`)
    }
    if (purpose.at > cert.parts.notAfter) {
      return new PkiChainError('expired', depth, `${at} expired on ${cert.parts.notAfter.toISOString()}`)
    }
    // 6.1.3 (b), (c): every constraint above, on the subject and the SANs; a self-issued intermediate is exempt.
    if (depth === 0 || !cert.selfIssued) {
      for (const { nc, depth: by } of constraints) {
        comparisons += nameCount(cert) * (nc.permitted.length + nc.excluded.length)
        if (comparisons > MAX_CONSTRAINT_COMPARISONS) {
          return new PkiChainError('name_not_permitted', depth, `${at}: too many names to check against constraints`)
        }
        const violation = findViolation(nc, cert.names)
        if (violation) {
          const how = violation.reason === 'name_excluded' ? 'excluded by' : 'outside the permitted subtrees of'
          return new PkiChainError(violation.reason, depth, `${at}: ${violation.name} is ${how} the CA at depth ${by}`)
        }
      }
    }
    // 6.1.4 (o) and 6.1.5 (f).
    if (cert.unknownCritical) {
      return new PkiChainError(
        'unhandled_critical_extension',
        depth,
        `${at} has a critical extension that is not processed: ${cert.unknownCritical}`,
      )
    }
    if (depth > 0) {
      const problem = authorityProblem(cert, depth === last)
      if (problem) return new PkiChainError('not_authorized_to_sign', depth, `${at} ${problem}`)
      // 6.1.4 (l), (m): non-self-issued intermediates count against every pathLenConstraint above them.
      if (depth < last && !cert.selfIssued) {
        if (remaining <= 0) {
          return new PkiChainError(
            'path_len_exceeded',
            limitedBy,
            `the pathLenConstraint of the CA at depth ${limitedBy} allows no CA at depth ${depth}`,
          )
        }
        remaining--
      }
      // `<=`: when two constraints are equally tight, the nearer CA is the one to name.
      if (cert.basic.pathLen !== undefined && cert.basic.pathLen <= remaining) {
        remaining = cert.basic.pathLen
        limitedBy = depth
      }
      if (cert.nameConstraints) constraints.push({ nc: cert.nameConstraints, depth })
    }
    const eku = cert.extKeyUsage
    if (eku && !eku.includes(ANY_EXTENDED_KEY_USAGE)) {
      const missing = purpose.usage.find((u) => !eku.includes(u))
      if (missing) return new PkiChainError('incompatible_usage', depth, `${at} does not allow the usage ${missing}`)
    }
  }
  const leaf = path[0] as ChainCert
  if (purpose.dnsName !== undefined && !leaf.names.dnsNames.some((n) => matchesDnsName(n, purpose.dnsName as string))) {
    return new PkiChainError('name_mismatch', 0, `the certificate is not valid for ${purpose.dnsName}`)
  }
  if (purpose.ip && !matchesIp(leaf.names.ips, purpose.ip)) {
    return new PkiChainError('name_mismatch', 0, 'the certificate is not valid for the IP address')
  }
  return null
}
