/**
 * Path building (RFC 4158 in small): from the leaf, look up every certificate whose subject matches the issuer
 * name (RFC 5280 7.1 comparison), try the likeliest first, and go depth first until a trust anchor is reached.
 * Key identifiers only order the candidates (an AKI that matches an SKI first, one that differs last), they never
 * exclude one. The search is bounded in depth (maxDepth), in the candidates it looks at and in the complete paths it
 * yields, so a hostile pool (hundreds of certificates with one subject, issuer loops) costs bounded work; a path
 * never holds the same subject and key twice.
 *
 * The search is a generator driven by its caller: it yields each candidate link and is told whether the link holds
 * (verifyChain checks the signature there, buildChain accepts every link), then yields complete paths.
 */
import type { CertificateInfo } from '../cert/parse.ts'
import { parseCertificate } from '../cert/parse.ts'
import { PkiArgumentError, PkiChainError } from '../errors.ts'
import { type CertInput, type ChainCert, certificateInputs, loadCertificate } from './certificate.ts'

/**
 * The bounds of one search: links looked at (each may cost a signature check in verifyChain), complete paths
 * yielded, signatures verified (verifyChain), and the default greatest depth of the trust anchor.
 *
 * @example
 * SEARCH_LIMITS.signatures // 100
 */
export const SEARCH_LIMITS = { links: 1000, paths: 100, signatures: 100, maxDepth: 8 } as const

/** A candidate issuer, and whether it is a trust anchor (the path ends there) or an intermediate. */
interface Candidate {
  cert: ChainCert
  anchor: boolean
}

/** Every trust anchor and intermediate, by subject key. One certificate given twice is one candidate. */
export interface Pool {
  bySubject: Map<string, Candidate[]>
  anchors: Set<string>
}

/**
 * Indexes roots and intermediates by subject; a certificate that is both is a root.
 *
 * @example
 * const pool = makePool(roots, intermediates)
 */
export function makePool(roots: readonly ChainCert[], intermediates: readonly ChainCert[]): Pool {
  const pool: Pool = { bySubject: new Map(), anchors: new Set() }
  const seen = new Set<string>()
  for (const [list, anchor] of [
    [roots, true],
    [intermediates, false],
  ] as const) {
    for (const cert of list) {
      if (seen.has(cert.derKey)) continue
      seen.add(cert.derKey)
      if (anchor) pool.anchors.add(cert.derKey)
      const same = pool.bySubject.get(cert.subjectKey)
      if (same) same.push({ cert, anchor })
      else pool.bySubject.set(cert.subjectKey, [{ cert, anchor }])
    }
  }
  return pool
}

/** What the search tells its driver. */
export type SearchEvent =
  /** Does `issuer` sign the last certificate of `path`? The driver answers with `next(true | false)`. */
  | { type: 'link'; path: readonly ChainCert[]; issuer: ChainCert }
  /** A complete candidate path: leaf first, the trust anchor last. */
  | { type: 'path'; path: readonly ChainCert[] }
  /** No issuer for the last certificate of `path`: none known, only ones already on it (a loop), or too deep. */
  | { type: 'dead-end'; path: readonly ChainCert[]; why: 'unknown' | 'loop' | 'too-deep' }
  /** A work bound stopped the search. */
  | { type: 'limit'; what: 'links' | 'paths' }

/** How the search runs: `rank` orders equally likely issuers (lower first), e.g. valid ones before expired ones. */
export interface SearchOptions {
  maxDepth: number
  rank?: (cert: ChainCert) => number
}

interface SearchState {
  links: number
  paths: number
  stopped: boolean
}

function keyIdRank(child: ChainCert, issuer: ChainCert): number {
  if (!child.authorityKeyId || !issuer.subjectKeyId) return 1
  return child.authorityKeyId === issuer.subjectKeyId ? 0 : 2
}

/** The candidate issuers of `child`, likeliest first: matching key identifier, then anchors, then `rank`. */
function issuersOf(child: ChainCert, named: readonly Candidate[], onPath: Set<string>, o: SearchOptions): Candidate[] {
  const found = named.filter((c) => !onPath.has(c.cert.loopKey))
  const score = (c: Candidate) => keyIdRank(child, c.cert) * 4 + (c.anchor ? 0 : 2) + (o.rank?.(c.cert) ? 1 : 0)
  return found
    .map((c) => ({ c, s: score(c) }))
    .sort((a, b) => a.s - b.s)
    .map(({ c }) => c)
}

/**
 * Searches the paths from `leaf` to a trust anchor of `pool`, likeliest first. A leaf that is itself a root is a
 * path of one.
 *
 * @example
 * for (let step = search.next(); !step.done; step = search.next(true)) if (step.value.type === 'path') ...
 */
export function* searchPaths(
  leaf: ChainCert,
  pool: Pool,
  o: SearchOptions,
): Generator<SearchEvent, void, boolean | undefined> {
  const state: SearchState = { links: 0, paths: 0, stopped: false }
  if (pool.anchors.has(leaf.derKey)) {
    state.paths++
    yield { type: 'path', path: [leaf] }
  }
  yield* extend([leaf], new Set([leaf.loopKey]), pool, o, state)
}

function* extend(
  path: readonly ChainCert[],
  onPath: Set<string>,
  pool: Pool,
  o: SearchOptions,
  state: SearchState,
): Generator<SearchEvent, void, boolean | undefined> {
  const child = path[path.length - 1] as ChainCert
  const named = pool.bySubject.get(child.issuerKey) ?? []
  const candidates = issuersOf(child, named, onPath, o)
  // The next certificate would sit at depth path.length.
  if (candidates.length === 0 || path.length > o.maxDepth) {
    const why = candidates.length > 0 ? 'too-deep' : named.length > 0 ? 'loop' : 'unknown'
    yield { type: 'dead-end', path, why }
    return
  }
  for (const { cert, anchor } of candidates) {
    if (++state.links > SEARCH_LIMITS.links) {
      state.stopped = true
      yield { type: 'limit', what: 'links' }
      return
    }
    if (!(yield { type: 'link', path, issuer: cert })) continue
    const next = [...path, cert]
    if (anchor) {
      yield { type: 'path', path: next }
      if (++state.paths >= SEARCH_LIMITS.paths) {
        state.stopped = true
        yield { type: 'limit', what: 'paths' }
      }
    } else {
      onPath.add(cert.loopKey)
      yield* extend(next, onPath, pool, o, state)
      onPath.delete(cert.loopKey)
    }
    if (state.stopped) return
  }
}

/**
 * Options of {@link buildChain} (and the path part of verifyChain's).
 *
 * @example
 * const o: BuildChainOptions = { roots: [rootPem], intermediates: [subPem, otherPem], maxDepth: 4 }
 */
export interface BuildChainOptions {
  /** Trust anchors: paths end at one of these. */
  roots: CertInput[]
  /** Other certificates that may sit between the leaf and a root, in any order. */
  intermediates?: CertInput[]
  /** The greatest depth of the trust anchor (the leaf is depth 0), 0..64; default 8. */
  maxDepth?: number
}

/** What {@link readChainInputs} returns: everything read, once. */
export interface ChainInputs {
  leaf: ChainCert
  pool: Pool
  maxDepth: number
}

function readList(list: unknown, field: string): ChainCert[] {
  if (!Array.isArray(list)) throw new TypeError(`${field} must be an array of certificates`)
  return list.flatMap((item, i) =>
    certificateInputs(item as CertInput, `${field}[${i}]`).map((c) => loadCertificate(c.der, `${field}[${i}]`, c.info)),
  )
}

/**
 * Reads the leaf, the roots, the intermediates and maxDepth of buildChain / verifyChain options, at the public
 * boundary: TypeError for wrong types, PkiFormatError for malformed certificates, PkiArgumentError for maxDepth out
 * of 0..64.
 *
 * @example
 * const { leaf, pool, maxDepth } = readChainInputs(leafPem, { roots: [rootPem] })
 */
export function readChainInputs(leafInput: CertInput, o: BuildChainOptions): ChainInputs {
  if (typeof o !== 'object' || o === null) throw new TypeError('the options object with `roots` is required')
  const leaves = certificateInputs(leafInput, 'leaf')
  if (leaves.length !== 1) throw new PkiArgumentError('leaf', `expected one leaf certificate, found ${leaves.length}`)
  const { der, info } = leaves[0] as { der: Uint8Array; info?: CertificateInfo }
  const leaf = loadCertificate(der, 'leaf', info)
  const roots = readList(o.roots, 'roots')
  const intermediates = o.intermediates === undefined ? [] : readList(o.intermediates, 'intermediates')
  const maxDepth = o.maxDepth ?? SEARCH_LIMITS.maxDepth
  if (typeof maxDepth !== 'number') throw new TypeError('maxDepth must be a number')
  if (!Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > 64) {
    throw new PkiArgumentError('maxDepth', 'maxDepth must be a whole number in 0..64')
  }
  return { leaf, pool: makePool(roots, intermediates), maxDepth }
}

/**
 * The CertificateInfo of a path's certificates: the caller's own where given, parsed once per certificate.
 *
 * @example
 * describePath(path, new Map())
 */
export function describePath(path: readonly ChainCert[], cache: Map<string, CertificateInfo>): CertificateInfo[] {
  return path.map((c) => {
    const known = c.info ?? cache.get(c.derKey)
    if (known) return known
    const info = parseCertificate(c.parts.der)
    cache.set(c.derKey, info)
    return info
  })
}

/**
 * Lists the candidate paths from `leaf` to one of `roots` that names allow, likeliest first: each leaf first and its
 * trust anchor last. Nothing else is checked (no signature, validity or constraint): this is what
 * {@link verifyChain} tries, for inspection and debugging. Issuer and subject names are compared as RFC 5280 7.1
 * says; an AKI that matches an issuer's SKI puts it first, one that differs last. At most 100 paths, and at most 1000
 * candidate links looked at. PkiChainError `unknown_authority` (at the depth of the certificate whose issuer is
 * missing) when there is none.
 *
 * @example
 * const paths = buildChain(issued.certificate, { roots: [rootPem], intermediates: [subPem] })
 * paths[0].map((c) => c.subject.commonName) // ['api.example.com', 'Example Issuing CA', 'Example Root']
 */
export function buildChain(leaf: CertInput, o: BuildChainOptions): CertificateInfo[][] {
  const inputs = readChainInputs(leaf, o)
  const found: (readonly ChainCert[])[] = []
  let deepest = 0
  const search = searchPaths(inputs.leaf, inputs.pool, { maxDepth: inputs.maxDepth })
  for (let step = search.next(); !step.done; step = search.next(true)) {
    const event = step.value
    if (event.type === 'path') found.push(event.path)
    else if (event.type === 'dead-end') deepest = Math.max(deepest, event.path.length - 1)
  }
  if (found.length === 0) {
    throw new PkiChainError(
      'unknown_authority',
      deepest,
      `no path from the leaf to a trust anchor: the issuer of the certificate at depth ${deepest} is unknown`,
    )
  }
  const cache = new Map<string, CertificateInfo>()
  return found.map((path) => describePath(path, cache))
}
