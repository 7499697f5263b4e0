/**
 * verifyChain: path building (build.ts) and RFC 5280 section 6.1 validation (rules.ts) together. Each candidate
 * link's signature is verified as the search reaches it, so a wrong issuer is dropped before anything is built on
 * it; every complete path is then checked, and the first valid one is returned.
 */
import type { CertificateInfo } from '../cert/parse.ts'
import { EXT_KEY_USAGES } from '../cert/types.ts'
import { OID } from '../der/oid.ts'
import { PkiArgumentError, PkiChainError, type PkiError } from '../errors.ts'
import { resolveCrypto } from '../lib/crypto.ts'
import {
  type BuildChainOptions,
  describePath,
  readChainInputs,
  SEARCH_LIMITS,
  type SearchEvent,
  searchPaths,
} from './build.ts'
import { type CertInput, type ChainCert, signatureProblem } from './certificate.ts'
import { readHostName, readIpAddress } from './host.ts'
import { checkPathRules, type PathPurpose } from './rules.ts'

/**
 * The extended key usages verifyChain knows by name (RFC 5280 4.2.1.12); any other is given as its OID.
 *
 * @example
 * const usage: ExtendedKeyUsageName[] = ['serverAuth', 'clientAuth']
 */
export type ExtendedKeyUsageName = keyof typeof EXT_KEY_USAGES

/**
 * Options of {@link verifyChain}, read once when it is called.
 *
 * @example
 * const o: VerifyChainOptions = { roots: [rootPem], intermediates: [subPem], dnsName: 'api.example.com' }
 */
export interface VerifyChainOptions extends BuildChainOptions {
  /** The validation time (default: now). */
  at?: Date
  /** The host name the leaf must be valid for (SAN dNSNames only, RFC 9525); IDN in either form. */
  dnsName?: string
  /** The IP address the leaf must be valid for (SAN iPAddresses only). */
  ip?: string
  /** Extended key usages the whole chain must allow, every one of them: names or OIDs. */
  usage?: (ExtendedKeyUsageName | (string & {}))[]
  /** Accept SHA-1 signatures (legacy chains); refused by default, as browsers do. RSA keys under 2048 bits never are. */
  allowSha1?: boolean
  crypto?: Crypto
}

/**
 * A valid path, as plain data.
 *
 * @example
 * const { chain, anchor }: VerifiedChain = await verifyChain(leafPem, { roots: [rootPem] })
 * chain[0].dnsNames // the leaf's
 */
export interface VerifiedChain {
  /** Leaf first, then each issuer, ending with the trust anchor: `chain[i]` is the certificate at depth i. */
  chain: CertificateInfo[]
  /** The trust anchor the path ends at (also the last element of `chain`), one of `roots`. */
  anchor: CertificateInfo
}

const OID_PATTERN = /^[0-2](\.(0|[1-9][0-9]*))+$/

function readUsage(usage: unknown): string[] {
  if (usage === undefined) return []
  if (!Array.isArray(usage)) throw new TypeError('usage must be an array of extended key usage names or OIDs')
  return usage.map((u, i) => {
    if (typeof u !== 'string') throw new TypeError(`usage[${i}] must be a string`)
    const named = Object.hasOwn(EXT_KEY_USAGES, u) ? EXT_KEY_USAGES[u as ExtendedKeyUsageName] : undefined
    if (named) return named
    if (!OID_PATTERN.test(u)) throw new PkiArgumentError(`usage[${i}]`, `unknown extended key usage ${u}`)
    return u
  })
}

function readPurpose(o: VerifyChainOptions): PathPurpose {
  if (o.at !== undefined && !(o.at instanceof Date && Number.isFinite(o.at.getTime()))) {
    throw new TypeError('at must be a valid Date')
  }
  return {
    at: o.at ?? new Date(),
    usage: readUsage(o.usage),
    ...(o.dnsName !== undefined ? { dnsName: readHostName(o.dnsName) } : {}),
    ...(o.ip !== undefined ? { ip: readIpAddress(o.ip) } : {}),
  }
}

/**
 * How far a failed attempt got, to report the most informative one: a complete path that failed a check beats a
 * search that never reached an anchor; among complete paths the failure nearest the leaf (the one that got
 * furthest in 6.1 order); among searches the one that got highest, a bad signature before a missing issuer.
 */
type Progress = [complete: number, reach: number, specific: number]

function better(a: Progress, b: Progress): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) > (b[i] as number)
  return false
}

/**
 * Finds and validates a certification path from `leaf` to one of `roots` (RFC 5280 section 6.1): the signature of
 * every link (RSA PKCS#1 v1.5 and RSASSA-PSS, ECDSA P-256/384/521, Ed25519), the validity of every certificate at
 * `at` (the anchor's too), basicConstraints cA and keyCertSign on every issuer, pathLenConstraint (self-issued
 * intermediates not counted), name constraints (DNS, IP, e-mail, URI, directory names) on every later subject and
 * SAN, no unknown critical extension, the extended key usages in `usage` on every certificate that has the
 * extension, and `dnsName` / `ip` against the leaf's SANs (RFC 9525: no common-name fallback; a wildcard is the
 * whole left-most label only). Names chain by RFC 5280 7.1 comparison, not bytes. A root is trusted as given (its
 * own signature is not checked) but held to what it says: validity, CA flag, pathLen, name constraints, usage
 * (see rules.ts). No revocation checking and no policy processing (any policy is accepted; a certificate with a
 * critical policyConstraints, policyMappings or inhibitAnyPolicy fails as an unhandled critical extension).
 *
 * When several issuers match, the alternatives are tried (AKI/SKI and validity only order them), within bounds:
 * the anchor at most `maxDepth` (default 8) below the leaf, at most 100 signature verifications, 1000 candidate
 * links and 100 complete paths per call, so hostile input cannot make it run long.
 *
 * Resolves with the path, leaf first and trust anchor last. Otherwise throws PkiChainError with `reason` and
 * `depth` (0 = leaf) of the most informative failure (see DESIGN.md for the reasons); PkiFormatError for malformed
 * input, PkiArgumentError for a bad `dnsName`, `ip`, `usage` or `maxDepth`.
 *
 * @example
 * const { chain, anchor } = await verifyChain(issued.certificate, {
 *   roots: [rootPem],
 *   intermediates: [issued.issuer],
 *   dnsName: 'api.example.com',
 *   usage: ['serverAuth'],
 * })
 * chain.length // 3: leaf, issuing CA, root
 * anchor.subject.commonName // 'Example Root'
 */
export async function verifyChain(leaf: CertInput, o: VerifyChainOptions): Promise<VerifiedChain> {
  const inputs = readChainInputs(leaf, o)
  const purpose = readPurpose(o)
  if (o.allowSha1 !== undefined && typeof o.allowSha1 !== 'boolean') throw new TypeError('allowSha1 must be a boolean')
  const run: Run = {
    crypto: resolveCrypto(o.crypto),
    allowSha1: o.allowSha1 === true,
    links: new Map(),
    signatures: 0,
    best: null,
    stoppedBy: null,
  }
  const search = searchPaths(inputs.leaf, inputs.pool, {
    maxDepth: inputs.maxDepth,
    // Among issuers equally likely by key identifier, valid ones first.
    rank: (c) => (purpose.at < c.parts.notBefore || purpose.at > c.parts.notAfter ? 1 : 0),
  })
  let answer: boolean | undefined
  for (let step = search.next(); !step.done; step = search.next(answer)) {
    const event: SearchEvent = step.value
    answer = undefined
    if (event.type === 'link') {
      const holds = await linkHolds(run, event.path, event.issuer)
      if (holds === null) {
        search.return()
        break
      }
      answer = holds
    } else if (event.type === 'path') {
      const error = checkPathRules(event.path, purpose)
      if (!error) {
        search.return()
        const chain = describePath(event.path, new Map())
        return { chain, anchor: chain[chain.length - 1] as CertificateInfo }
      }
      record(run, error, [1, -error.depth, 0])
    } else if (event.type === 'dead-end') {
      const depth = event.path.length - 1
      record(run, deadEndError(event.why, depth, inputs.maxDepth), [0, depth, 0])
    } else {
      run.stoppedBy = `${SEARCH_LIMITS[event.what]} candidate ${event.what}`
    }
  }
  throw finalError(run)
}

/** The state of one verifyChain call: signatures checked (cached per link), the best failure, why it stopped. */
interface Run {
  crypto: Crypto
  allowSha1: boolean
  links: Map<ChainCert, Map<ChainCert, PkiError | null>>
  signatures: number
  best: { error: PkiChainError; progress: Progress } | null
  stoppedBy: string | null
}

function record(run: Run, error: PkiChainError, progress: Progress): void {
  if (!run.best || better(progress, run.best.progress)) run.best = { error, progress }
}

/**
 * Whether `issuer` signed the last certificate of `path`, each link verified once; null when the signature budget
 * is spent (the search stops there).
 */
async function linkHolds(run: Run, path: readonly ChainCert[], issuer: ChainCert): Promise<boolean | null> {
  const child = path[path.length - 1] as ChainCert
  const depth = path.length - 1
  const known = run.links.get(child) ?? new Map<ChainCert, PkiError | null>()
  run.links.set(child, known)
  let problem = known.get(issuer)
  if (problem === undefined) {
    if (run.signatures >= SEARCH_LIMITS.signatures) {
      run.stoppedBy = `${SEARCH_LIMITS.signatures} signature verifications`
      return null
    }
    run.signatures++
    problem = await signatureProblem(run.crypto, child, issuer, run.allowSha1)
    known.set(issuer, problem)
  }
  if (problem === null) return true
  const cn = issuer.parts.subjectEntries.find((e) => e.oid === OID.commonName)?.value
  const message = `the certificate at depth ${depth} is not signed by the key of its issuer ${cn ? JSON.stringify(cn) : ''}`
  record(run, new PkiChainError('signature_invalid', depth, message.trim(), { cause: problem }), [0, depth, 1])
  return false
}

function deadEndError(why: 'unknown' | 'loop' | 'too-deep', depth: number, maxDepth: number): PkiChainError {
  const message = {
    'too-deep': `no trust anchor within maxDepth ${maxDepth} of the leaf`,
    loop: `the only issuers of the certificate at depth ${depth} are already on the path (a loop)`,
    unknown: `the issuer of the certificate at depth ${depth} is not among the roots and intermediates given`,
  }[why]
  return new PkiChainError('unknown_authority', depth, message)
}

/** The most informative failure, saying so when a work bound cut the search short. */
function finalError(run: Run): PkiChainError {
  const error = run.best?.error ?? new PkiChainError('unknown_authority', 0, 'no path from the leaf to a trust anchor')
  if (!run.stoppedBy) return error
  const message = `${error.message} (the search stopped after ${run.stoppedBy})`
  return new PkiChainError(error.reason, error.depth, message, { cause: error })
}
