/**
 * A certificate as path building and validation use it: read once, strictly (readCertificate), with the extensions
 * RFC 5280 section 6 looks at decoded up front, so building and checking many candidate paths never decodes twice.
 * Malformed input (bad PEM or DER, a malformed extension) is a PkiFormatError here, before any path is tried.
 */
import { type CertificateInfo, parseCertificate } from '../cert/parse.ts'
import {
  type CertificateParts,
  readAuthorityKeyId,
  readBasicConstraints,
  readCertificate,
  readExtKeyUsage,
  readKeyUsageBits,
  readSubjectKeyId,
} from '../cert/read.ts'
import { OID } from '../der/oid.ts'
import { children, readSingle } from '../der/reader.ts'
import { PkiError, PkiFormatError, PkiSignatureError } from '../errors.ts'
import { describeSpki, signatureAlgorithmOf, verifySignature } from '../keys/verify.ts'
import { toHex } from '../lib/bytes.ts'
import { readGeneralNames } from '../names/decode.ts'
import { decodePem } from '../pem/index.ts'
import { type ConstrainedNames, type DecodedNameConstraints, decodeNameConstraints } from './name-constraints.ts'
import { nameKey, rdnKeys } from './names.ts'

/**
 * A certificate as verifyChain and buildChain take it: PEM text (in lists, one text may hold several blocks), DER
 * bytes, or what parseCertificate returned.
 *
 * @example
 * const input: CertInput = issued.certificate
 */
export type CertInput = string | Uint8Array | CertificateInfo

/**
 * The extensions path validation processes (RFC 5280 6.1), and those that need no processing to be safe: a
 * certificate with any other critical extension is refused (6.1.4 (o), 6.1.5 (f)). certificatePolicies is listed
 * because validation runs with any-policy as the initial policy set and no explicit policy required (6.1.1 (c),
 * (e)), where its content cannot fail a path; policyConstraints, policyMappings and inhibitAnyPolicy can, and are not
 * processed, so they are not listed.
 */
const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.nameConstraints,
  OID.certificatePolicies,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.crlDistributionPoints,
  OID.authorityInfoAccess,
])

/** One certificate, read for path building and validation. */
export interface ChainCert {
  parts: CertificateParts
  /** The caller's own CertificateInfo, when that is what was given. */
  info?: CertificateInfo
  /** The DER in hex: one certificate given twice is one candidate. */
  derKey: string
  /** The subject and issuer compared under RFC 5280 7.1 (see names.ts). */
  subjectKey: string
  issuerKey: string
  /** Subject name and key: a path never holds the same pair twice (RFC 4158 2.4.2, loops). */
  loopKey: string
  selfIssued: boolean
  subjectKeyId: string | null
  authorityKeyId: string | null
  basic: { isCa: boolean; pathLen?: number }
  keyUsage: Set<number> | null
  extKeyUsage: string[] | null
  nameConstraints: DecodedNameConstraints | null
  names: ConstrainedNames & { uris: readonly string[] }
  /** The first critical extension we do not process, or null. */
  unknownCritical: string | null
  /** False when the signatureValue has unused bits: no signature algorithm makes one, so it never verifies. */
  signatureUsable: boolean
}

function isCertificateInfo(value: unknown): value is CertificateInfo {
  return typeof value === 'object' && value !== null && (value as { der?: unknown }).der instanceof Uint8Array
}

/**
 * The DER certificates in one input: every CERTIFICATE block of a PEM text, the bytes, or a CertificateInfo's der.
 * TypeError for anything else.
 *
 * @example
 * certificateInputs(bundlePem, 'roots') // [{ der }, { der }]
 */
export function certificateInputs(input: CertInput, field: string): { der: Uint8Array; info?: CertificateInfo }[] {
  if (typeof input === 'string') {
    const blocks = decodePem(input, { label: 'CERTIFICATE' })
    if (blocks.length === 0) throw new PkiFormatError(`${field}: no CERTIFICATE in the PEM text`)
    return blocks.map((b) => ({ der: b.der }))
  }
  if (input instanceof Uint8Array) return [{ der: input }]
  if (isCertificateInfo(input)) return [{ der: input.der, info: input }]
  throw new TypeError(`${field} must be PEM text, DER bytes or a CertificateInfo`)
}

function sanNames(parts: CertificateParts): ChainCert['names'] {
  const san = parts.extensions.get(OID.subjectAltName)
  const subjectRdns = rdnKeys(parts.subject)
  if (!san) return { subject: parts.subjectEntries, subjectRdns, dnsNames: [], emails: [], ips: [], uris: [] }
  const node = readSingle(san.value)
  const { dnsNames, emails, ips, uris } = readGeneralNames(node)
  const dirNames: string[][] = []
  const otherTags: number[] = []
  for (const item of children(node)) {
    if (item.tag === 0xa4) {
      const inner = children(item)
      if (inner.length !== 1) throw new PkiFormatError('malformed directoryName')
      dirNames.push(rdnKeys((inner[0] as { bytes: Uint8Array }).bytes))
    } else if (![0x81, 0x82, 0x86, 0x87].includes(item.tag)) otherTags.push(item.tag)
  }
  return { subject: parts.subjectEntries, subjectRdns, dnsNames, emails, ips, uris, dirNames, otherTags }
}

/**
 * The offset of a signatureValue's unused-bits octet when it is not zero (but a valid BIT STRING), else -1.
 */
function oddSignatureBits(der: Uint8Array): number {
  try {
    const signature = children(readSingle(der))[2]
    const unused = signature?.content[0]
    if (signature?.tag !== 0x03 || !unused || unused > 7 || signature.content.length < 2) return -1
    return signature.content.byteOffset - der.byteOffset
  } catch {
    return -1
  }
}

/**
 * readCertificate refuses a signatureValue with unused bits. BoringSSL's parser reads it, and its signature check
 * then fails (VerifySignedData), so such a certificate (PKITS 4.1.2) is a bad signature where it sits in a path, not
 * malformed input: read the same bytes with the count at zero, and mark the signature unusable.
 */
function readParts(der: Uint8Array): { parts: CertificateParts; signatureUsable: boolean } {
  try {
    return { parts: readCertificate(der), signatureUsable: true }
  } catch (e) {
    const offset = oddSignatureBits(der)
    if (offset < 0) throw e
    const copy = der.slice()
    copy[offset] = 0
    return { parts: { ...readCertificate(copy), der }, signatureUsable: false }
  }
}

/**
 * Reads one certificate for path work; PkiFormatError (naming `field`) when it or an extension path validation
 * reads is malformed.
 *
 * @example
 * const leaf = loadCertificate(der, 'leaf')
 * leaf.selfIssued // false
 */
export function loadCertificate(der: Uint8Array, field: string, info?: CertificateInfo): ChainCert {
  try {
    const { parts, signatureUsable } = readParts(der)
    // The full strict reading (every extension decoded) happens here, before any path is tried: a certificate that
    // parseCertificate would refuse never takes part, so a path that passes every check can always be reported.
    // One whose signature BIT STRING is unusable is spared: it can never pass (PKITS 4.1.2 wants signature_invalid).
    const parsed = info ?? (signatureUsable ? parseCertificate(der) : undefined)
    const ext = parts.extensions
    const subjectKey = nameKey(parts.subject)
    const issuerKey = nameKey(parts.issuer)
    const ski = readSubjectKeyId(ext.get(OID.subjectKeyIdentifier))
    const aki = readAuthorityKeyId(ext.get(OID.authorityKeyIdentifier))
    const nc = ext.get(OID.nameConstraints)
    let unknownCritical: string | null = null
    for (const [id, e] of ext) {
      if (e.critical && !KNOWN_EXTENSIONS.has(id)) {
        unknownCritical = id
        break
      }
    }
    return {
      parts,
      ...(parsed ? { info: parsed } : {}),
      derKey: toHex(der),
      subjectKey,
      issuerKey,
      loopKey: `${subjectKey}|${toHex(parts.spki)}`,
      // RFC 5280 6.1: self-issued means the issuer and subject names match (under 7.1), whatever the key.
      selfIssued: subjectKey === issuerKey,
      subjectKeyId: ski ? toHex(ski) : null,
      authorityKeyId: aki ? toHex(aki) : null,
      basic: readBasicConstraints(ext.get(OID.basicConstraints)),
      keyUsage: readKeyUsageBits(ext.get(OID.keyUsage)),
      extKeyUsage: readExtKeyUsage(ext.get(OID.extKeyUsage)),
      nameConstraints: nc ? decodeNameConstraints(nc.value) : null,
      names: sanNames(parts),
      unknownCritical,
      signatureUsable,
    }
  } catch (e) {
    if (e instanceof PkiError && !(e instanceof PkiFormatError)) throw e
    // A TypeError from strict UTF-8 decoding, say: still malformed input, not a wrong argument type.
    throw new PkiFormatError(`${field}: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
  }
}

/**
 * Null when `issuer`'s key verifies `child`'s signature, else why not (a PkiError: a bad signature, an algorithm
 * that does not fit the key, an unsupported or malformed key). Other errors are bugs and are thrown.
 *
 * @example
 * if (await signatureProblem(crypto, leaf, intermediate)) console.log('not this issuer')
 * await signatureProblem(crypto, legacyLeaf, legacyCa, true) // SHA-1 accepted
 */
export async function signatureProblem(
  crypto: Crypto,
  child: ChainCert,
  issuer: ChainCert,
  allowSha1 = false,
): Promise<PkiError | null> {
  if (!child.signatureUsable) return new PkiSignatureError('the signatureValue BIT STRING has unused bits')
  try {
    // Browsers refuse SHA-1 signatures (collisions are practical since SHAttered, 2017) and RSA keys under 2048
    // bits (CA/B Forum BR 6.1.5); so do we, SHA-1 only unless the caller opts in for a legacy chain.
    if (!allowSha1 && signatureAlgorithmOf(child.parts.signatureAlgorithm).hash === 'SHA-1') {
      return new PkiSignatureError('SHA-1 signatures are refused (allowSha1 accepts them for a legacy chain)')
    }
    const { modulusLength } = describeSpki(issuer.parts.spki).publicKey
    if (modulusLength !== undefined && modulusLength < 2048) {
      return new PkiSignatureError(`an RSA key of ${modulusLength} bits is too weak (2048 at least)`)
    }
    const { spki } = issuer.parts
    await verifySignature(crypto, spki, child.parts.signatureAlgorithm, child.parts.tbs, child.parts.signature)
    return null
  } catch (e) {
    if (e instanceof PkiError) return e
    throw e
  }
}
