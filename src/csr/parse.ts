import { readExtensionList, readExtKeyUsage } from '../cert/read.ts'
import { OID } from '../der/oid.ts'
import {
  assertDer,
  children,
  type DerNode,
  readBitStringBytes,
  readOid,
  readSingle,
  readSmallInteger,
  readString,
  sequenceOf,
} from '../der/reader.ts'
import { PkiError, PkiFormatError, PkiSignatureError } from '../errors.ts'
import { signatureAlgorithmLabel } from '../inspect/algorithms.ts'
import { decodeExtension, type ExtensionInfo } from '../inspect/extensions.ts'
import { type Fingerprints, fingerprints } from '../inspect/fingerprint.ts'
import { keyTypeAndSize } from '../inspect/keys.ts'
import { nameInfo } from '../inspect/name.ts'
import type { KeyType } from '../keys/types.ts'
import { describeSpki, type PublicKeyDescription, startVerification } from '../keys/verify.ts'
import { checkSize, MAX_DER_BYTES, MAX_PEM_CHARS } from '../lib/limits.ts'
import type { SubjectFields } from '../names/decode.ts'
import { type GeneralNameInfo, namesOf } from '../names/general.ts'
import { decodePem, encodePem } from '../pem/index.ts'

/**
 * A requested extension as the strict reading lists it: what signing decides on.
 *
 * @example
 * const e: RequestedExtension = { oid: '1.2.3.4', critical: true, known: false } // signCsr refuses this
 */
export interface RequestedExtension {
  oid: string
  critical: boolean
  /** Whether pocket-ca knows this extension (a CA refuses to sign a CSR asking for an unknown critical one). */
  known: boolean
}

/**
 * A requested extension, as listed in a CSR's extensionRequest, decoded as a certificate's are ({@link ExtensionInfo}:
 * `name` null and `value` hex for one pocket-ca does not know).
 *
 * @example
 * const e: CsrExtension = { oid: '2.5.29.17', name: 'subjectAltName', critical: false, known: true,
 *   value: [{ type: 'dns', value: 'api.example.com' }] }
 */
export interface CsrExtension extends ExtensionInfo, RequestedExtension {}

/** What {@link parseCsr} returns: a plain, structured-cloneable object. */
export interface CsrInfo {
  /** Known subject fields, first value of each. */
  subject: SubjectFields
  /** The subject as a one-line string, RDNs in encoding order (`C=GB, O=Example, CN=api.example.com`). */
  subjectName: string
  /** The subject as an RFC 4514 string: last RDN first (`CN=api.example.com,O=Example,C=GB`). */
  subjectDn: string
  dnsNames: string[]
  emails: string[]
  /** IP addresses in text form (dotted quad / RFC 5952). */
  ips: string[]
  uris: string[]
  /**
   * The public key: `algorithm` is `RSA` (with `modulusLength`), `ECDSA` (with `namedCurve`: `P-256`, `P-384`,
   * `P-521`, or the curve OID for another curve, e.g. `1.3.132.0.10` for secp256k1), `Ed25519`, or the key
   * algorithm OID for any other algorithm.
   */
  publicKey: PublicKeyDescription
  /** The {@link KeyType} of the key, or null for keys pocket-ca does not make (RSA 1024, secp256k1, ...). */
  keyType: KeyType | null
  /** Key size in bits (RSA modulus, EC curve, 256 for Ed25519); null for an algorithm pocket-ca does not know. */
  keySize: number | null
  /**
   * OpenSSL's name of the signature algorithm, e.g. `ecdsa-with-SHA256`, or its OID for one pocket-ca does not
   * verify (e.g. `1.2.840.113549.1.1.10`, RSASSA-PSS): {@link verifyCsr} refuses those with PkiNotSupportedError.
   */
  signatureAlgorithm: string
  challengePassword?: string
  /** Every requested extension, decoded. */
  extensions: CsrExtension[]
  /**
   * What the CSR asks for in basicConstraints, key usage and extended key usage (never copied blindly into a
   * certificate).
   */
  requested: { basicConstraints?: { ca: boolean; pathLen?: number }; keyUsage?: string[]; extKeyUsage?: string[] }
  /** SHA-256 and SHA-1 of the DER. */
  fingerprints: Fingerprints
  /** The CSR as DER and PEM. */
  der: Uint8Array
  pem: string
}

/** The extensions pocket-ca understands when requested. */
const KNOWN_EXTENSIONS = new Set<string>([
  OID.subjectAltName,
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectKeyIdentifier,
])

/**
 * A CSR after the strict reading that every use shares (parseCsr, verifyCsr, signing): RFC 2986 section 4, the
 * encoding checks of `assertDer` (der/reader.ts), version 0, attributes with at least one value and each type once,
 * extensions each once with critical FALSE omitted. Byte fields are views into `der`.
 */
export interface CsrBody {
  der: Uint8Array
  /** CertificationRequestInfo: what the signature covers. */
  info: DerNode
  subject: DerNode
  spki: Uint8Array
  signatureAlgorithm: DerNode
  signature: Uint8Array
  extensions: RequestedExtension[]
  /** extnValue of each requested extension, by OID. */
  extensionValues: Map<string, Uint8Array>
  challengePassword?: string
}

/** The requested extensions, and each one's extnValue by OID. */
function readExtensionRequest(values: DerNode[]): {
  extensions: RequestedExtension[]
  values: Map<string, Uint8Array>
} {
  if (values.length !== 1) throw new PkiFormatError('extensionRequest must hold exactly one Extensions value')
  const list = readExtensionList(values[0] as DerNode)
  return {
    extensions: [...list].map(([oid, e]) => ({ oid, critical: e.critical, known: KNOWN_EXTENSIONS.has(oid) })),
    values: new Map([...list].map(([oid, e]) => [oid, e.value])),
  }
}

/**
 * The DER of a CSR given as PEM (one `CERTIFICATE REQUEST` block, `NEW CERTIFICATE REQUEST` accepted) or DER.
 *
 * @example
 * csrDer(pemText)
 */
export function csrDer(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) {
    checkSize(input, MAX_DER_BYTES, 'a DER CSR')
    return input
  }
  if (typeof input !== 'string') throw new TypeError('expected a PEM string or DER bytes')
  checkSize(input, MAX_PEM_CHARS, 'a CSR PEM text')
  const blocks = decodePem(input, { label: 'CERTIFICATE REQUEST' })
  if (blocks.length !== 1) throw new PkiFormatError(`expected one CERTIFICATE REQUEST, found ${blocks.length}`)
  const der = (blocks[0] as { der: Uint8Array }).der
  checkSize(der, MAX_DER_BYTES, 'a DER CSR')
  return der
}

/**
 * Reads a CSR strictly (see {@link CsrBody}) without checking its signature.
 *
 * @example
 * const body = readCsrBody(csrDer(pem))
 */
export function readCsrBody(der: Uint8Array): CsrBody {
  assertDer(der)
  const [info, signatureAlgorithm, signature] = sequenceOf(readSingle(der), 3) as [DerNode, DerNode, DerNode]
  const [version, subject, spki, attributesNode] = sequenceOf(info, 4) as [DerNode, DerNode, DerNode, DerNode]
  if (readSmallInteger(version) !== 0) throw new PkiFormatError('unsupported CSR version: RFC 2986 defines v1 (0) only')
  if (attributesNode.tag !== 0xa0) throw new PkiFormatError('the CSR attributes [0] are missing')
  sequenceOf(spki, 2)

  let requested: ReturnType<typeof readExtensionRequest> = { extensions: [], values: new Map() }
  let challengePassword: string | undefined
  const seen = new Set<string>()
  for (const attribute of children(attributesNode)) {
    const [type, set] = sequenceOf(attribute, 2) as [DerNode, DerNode]
    const id = readOid(type)
    // RFC 2986 4.1: values SET SIZE(1..MAX); X.501 allows one Attribute of each type.
    const values = sequenceOf(set, 1, Number.POSITIVE_INFINITY, 0x31)
    if (seen.has(id)) throw new PkiFormatError(`attribute ${id} appears twice`)
    seen.add(id)
    if (id === OID.extensionRequest) requested = readExtensionRequest(values)
    else if (id === OID.challengePassword) challengePassword = readString(values[0] as DerNode)
  }
  return {
    der,
    info,
    subject,
    spki: spki.bytes,
    signatureAlgorithm,
    signature: readBitStringBytes(signature),
    extensions: requested.extensions,
    extensionValues: requested.values,
    ...(challengePassword !== undefined ? { challengePassword } : {}),
  }
}

/**
 * Checks the self-signature of a CSR read by {@link readCsrBody} (its proof of possession, RFC 2986 section 3).
 *
 * @example
 * await checkCsrSignature(crypto, body)
 */
export async function checkCsrSignature(crypto: Crypto, body: CsrBody): Promise<void> {
  await (await startCsrCheck(crypto, body)).verified
}

/**
 * {@link checkCsrSignature} in two steps (see startVerification in keys/verify.ts): resolves once the check is handed
 * to WebCrypto, with `verified` settling on its answer. signCsr writes the certificate meanwhile and signs only
 * after `verified` resolves.
 *
 * @example
 * const { verified } = await startCsrCheck(crypto, body)
 */
export async function startCsrCheck(crypto: Crypto, body: CsrBody): Promise<{ verified: Promise<void> }> {
  const asSignatureError = (e: unknown): never => {
    if (e instanceof PkiError) throw e
    throw new PkiSignatureError('the CSR signature cannot be verified', { cause: e })
  }
  try {
    const { verified } = await startVerification(
      crypto,
      body.spki,
      body.signatureAlgorithm,
      body.info.bytes,
      body.signature,
    )
    const mapped = verified.catch(asSignatureError)
    mapped.catch(() => undefined)
    return { verified: mapped }
  } catch (e) {
    return asSignatureError(e)
  }
}

/** What the CSR asks for in basicConstraints, key usage and extended key usage (EKU as OIDs). */
function requestedOf(extensions: readonly CsrExtension[], values: Map<string, Uint8Array>): CsrInfo['requested'] {
  const requested: CsrInfo['requested'] = {}
  for (const e of extensions) {
    if (e.oid === OID.basicConstraints) requested.basicConstraints = e.value as { ca: boolean; pathLen?: number }
    else if (e.oid === OID.keyUsage) requested.keyUsage = e.value as string[]
    else if (e.oid === OID.extKeyUsage) {
      requested.extKeyUsage = readExtKeyUsage({ critical: e.critical, value: values.get(e.oid) as Uint8Array }) ?? []
    }
  }
  return requested
}

function readInfo(der: Uint8Array): CsrInfo {
  const b = readCsrBody(der)
  const extensions: CsrExtension[] = b.extensions.map((e) => ({
    ...decodeExtension(e.oid, e.critical, b.extensionValues.get(e.oid) as Uint8Array),
    known: e.known,
  }))
  const san = extensions.find((e) => e.oid === OID.subjectAltName)?.value as GeneralNameInfo[] | undefined
  const { publicKey, usable } = describeSpki(b.spki)
  return {
    ...nameInfo('subject', b.subject),
    dnsNames: namesOf(san, 'dns'),
    emails: namesOf(san, 'email'),
    ips: namesOf(san, 'ip'),
    uris: namesOf(san, 'uri'),
    publicKey,
    ...keyTypeAndSize(publicKey, usable),
    signatureAlgorithm: signatureAlgorithmLabel(b.signatureAlgorithm),
    ...(b.challengePassword !== undefined ? { challengePassword: b.challengePassword } : {}),
    extensions,
    requested: requestedOf(extensions, b.extensionValues),
    fingerprints: fingerprints(der),
    der,
    pem: encodePem('CERTIFICATE REQUEST', der),
  }
}

/**
 * Reads a PKCS#10 CSR (PEM, including the `NEW CERTIFICATE REQUEST` label, or DER; at most 1 MiB of DER and 2 MiB
 * of PEM text) into a plain object. Strict: the encoding checks of `assertDer` (der/reader.ts: minimal definite
 * lengths, minimal INTEGERs and OIDs, BOOLEAN 00/FF, no constructed strings, no trailing data; SET OF order is not
 * checked), version 1 (0), every attribute with at least one value, no extension twice, critical FALSE omitted,
 * every requested extension pocket-ca knows decoded by its RFC's syntax; anything else is a PkiFormatError, a wrong
 * argument type a TypeError. Keys and signature algorithms pocket-ca does not use are reported, not refused
 * (`keyType` null, the OIDs in `publicKey` and `signatureAlgorithm`). It does not check the signature:
 * {@link verifyCsr} does.
 *
 * @example
 * const info = parseCsr(csrPem)
 * info.subject.commonName // 'api.example.com'
 * info.dnsNames           // ['api.example.com']
 * info.subjectDn          // 'CN=api.example.com,O=Example,C=GB'
 */
export function parseCsr(input: string | Uint8Array): CsrInfo {
  const der = csrDer(input)
  try {
    return readInfo(der)
  } catch (e) {
    if (e instanceof PkiError) throw e
    throw new PkiFormatError('the CSR cannot be read', { cause: e })
  }
}
