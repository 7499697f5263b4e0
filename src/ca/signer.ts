/**
 * The issuer side of signing, derived once per CA record: its parsed certificate, the Signer (name, key identifier,
 * keys), and what its whole chain allows below it (name constraints, path length, validity). Derived data is cached
 * by record and reused only while the record still holds the same certificate, chain and keys, so a record changed
 * in place (which our functions never do, but callers may) is never signed for with a stale context.
 */
import { keyIdentifier, type Signer } from '../cert/create.ts'
import { type CertificateParts, readBasicConstraints, readCertificate, readSubjectKeyId } from '../cert/read.ts'
import { type DecodedNameConstraints, decodeNameConstraints } from '../chain/name-constraints.ts'
import { OID } from '../der/oid.ts'
import { PkiKeyMismatchError, PkiStateError } from '../errors.ts'
import { specOf } from '../keys/detect.ts'
import { bytesEqual } from '../lib/bytes.ts'
import { decodePem } from '../pem/index.ts'
import type { CertificateAuthority } from './types.ts'

/** What signing with a CA needs. */
export interface CaContext {
  signer: Signer
  certificate: CertificateParts
  /** Name constraints of this CA and every CA above it. */
  constraints: DecodedNameConstraints[]
  /** The earliest notAfter of this CA and its chain: nothing issued here may outlive it. */
  validUntil: Date
  /** How many CA levels may still sit below this CA (RFC 5280 4.2.1.9, over the whole chain); undefined: no limit. */
  levelsBelow?: number
}

interface CacheEntry {
  certificate: string
  chain: readonly string[]
  keys: CryptoKeyPair
  context: Promise<CaContext>
}

const contexts = new WeakMap<CertificateAuthority, CacheEntry>()

/**
 * The DER of the only certificate in a PEM text.
 *
 * @example
 * certificateDer(ca.certificate)
 */
export function certificateDer(pem: string): Uint8Array {
  return (decodePem(pem, { label: 'CERTIFICATE' })[0] as { der: Uint8Array }).der
}

/**
 * How many CA levels a chain (the CA first, its root last) still allows below its first certificate: for every
 * certificate with a pathLenConstraint, that limit less the non-self-issued CA certificates between it and the
 * first one (RFC 5280 6.1.4 (l), (m)).
 *
 * @example
 * levelsBelow([subParts, rootParts]) // 0 under a root with pathLen 1
 */
export function levelsBelow(chain: readonly CertificateParts[]): number | undefined {
  let levels: number | undefined
  let counted = 0
  for (const cert of chain) {
    const { pathLen } = readBasicConstraints(cert.extensions.get(OID.basicConstraints))
    if (pathLen !== undefined) levels = Math.min(levels ?? Number.POSITIVE_INFINITY, pathLen - counted)
    if (!bytesEqual(cert.issuer, cert.subject)) counted++
  }
  return levels
}

async function buildContext(crypto: Crypto, ca: CertificateAuthority): Promise<CaContext> {
  if (!ca.certificate) throw new PkiStateError(ca.status, 'the CA has no certificate yet')
  const chain = [ca.certificate, ...ca.chain].map((pem) => readCertificate(certificateDer(pem)))
  const certificate = chain[0] as CertificateParts
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', ca.keys.publicKey))
  if (!bytesEqual(spki, certificate.spki)) {
    throw new PkiKeyMismatchError('the CA certificate does not hold the CA public key')
  }
  const keyId = readSubjectKeyId(certificate.extensions.get(OID.subjectKeyIdentifier)) ?? keyIdentifier(spki)
  const constraints = chain.flatMap((c) => {
    const nc = c.extensions.get(OID.nameConstraints)
    return nc ? [decodeNameConstraints(nc.value)] : []
  })
  const validUntil = new Date(Math.min(...chain.map((c) => c.notAfter.getTime())))
  const levels = levelsBelow(chain)
  const signer: Signer = {
    name: certificate.subject,
    keyId,
    privateKey: ca.keys.privateKey,
    publicKey: ca.keys.publicKey,
    spec: specOf(ca.keys.privateKey),
  }
  return { signer, certificate, constraints, validUntil, ...(levels !== undefined ? { levelsBelow: levels } : {}) }
}

function sameEntry(entry: CacheEntry, ca: CertificateAuthority): boolean {
  return (
    entry.certificate === ca.certificate &&
    entry.keys.privateKey === ca.keys.privateKey &&
    entry.keys.publicKey === ca.keys.publicKey &&
    entry.chain.length === ca.chain.length &&
    entry.chain.every((pem, i) => pem === ca.chain[i])
  )
}

/**
 * The signing context of a CA with a certificate, built on first use and cached for the record.
 *
 * @example
 * const { signer, certificate, validUntil } = await caContext(crypto, ca)
 */
export function caContext(crypto: Crypto, ca: CertificateAuthority): Promise<CaContext> {
  const cached = contexts.get(ca)
  if (cached && sameEntry(cached, ca)) return cached.context
  const context = buildContext(crypto, ca)
  const entry: CacheEntry = {
    certificate: ca.certificate as string,
    chain: [...ca.chain],
    keys: { privateKey: ca.keys.privateKey, publicKey: ca.keys.publicKey },
    context,
  }
  contexts.set(ca, entry)
  // A failed build is not kept: the next call tries again (and fails again, with the same error).
  context.catch(() => {
    if (contexts.get(ca) === entry) contexts.delete(ca)
  })
  return context
}
