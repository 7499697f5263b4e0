import { readExtensionList, readExtensions, readTime } from '../cert/read.ts'
import { formatSerial } from '../cert/serial.ts'
import { OID } from '../der/oid.ts'
import {
  assertDer,
  type DerNode,
  readBitStringBytes,
  readIntegerBytes,
  readSingle,
  readSmallInteger,
  sequenceOf,
} from '../der/reader.ts'
import { PkiError, PkiFormatError } from '../errors.ts'
import { signatureAlgorithmLabel } from '../inspect/algorithms.ts'
import { decodeExtensions, type ExtensionInfo } from '../inspect/extensions.ts'
import { type Fingerprints, fingerprints } from '../inspect/fingerprint.ts'
import { nameInfo } from '../inspect/name.ts'
import { bytesEqual } from '../lib/bytes.ts'
import { checkSize, MAX_LIST_DER_BYTES, MAX_LIST_PEM_CHARS } from '../lib/limits.ts'
import type { SubjectFields } from '../names/decode.ts'
import { decodePem, encodePem } from '../pem/index.ts'
import type { RevocationReason } from './types.ts'

/**
 * One revoked certificate of a CRL.
 *
 * @example
 * const e: CrlEntryInfo = { serialNo: '4F:0A', revokedAt: '2026-11-25T10:00:00.000Z', reason: 'keyCompromise' }
 */
export interface CrlEntryInfo {
  /** Colon-separated upper-case hex, as in `IssuedCertificate.serialNo`. */
  serialNo: string
  /** ISO 8601. */
  revokedAt: string
  /** From the reasonCode entry extension; absent means unspecified. */
  reason?: RevocationReason
  /** Every entry extension, decoded; absent when the entry has none. */
  extensions?: ExtensionInfo[]
}

/** What {@link parseCrl} returns: a plain, structured-cloneable object (JSON apart from `der`). */
export interface CrlInfo {
  version: number
  issuer: SubjectFields
  /** The issuer as one line, RDNs in encoding order. */
  issuerName: string
  /** The issuer as an RFC 4514 string: last RDN first. */
  issuerDn: string
  /** ISO 8601 times. */
  thisUpdate: string
  nextUpdate?: string
  /** The CRL number as decimal text (it may exceed a JS number). */
  crlNumber?: string
  /** Lower-case hex. */
  authorityKeyId?: string
  signatureAlgorithm: string
  revoked: CrlEntryInfo[]
  /** Every CRL extension in order, decoded (hex for unknown ones). */
  extensions: ExtensionInfo[]
  /** SHA-256 and SHA-1 of the DER, as `openssl crl -fingerprint` prints them. */
  fingerprints: Fingerprints
  der: Uint8Array
  pem: string
}

function crlBytes(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) {
    checkSize(input, MAX_LIST_DER_BYTES, 'a DER CRL')
    return input
  }
  if (typeof input !== 'string') throw new TypeError('expected a PEM string or DER bytes')
  checkSize(input, MAX_LIST_PEM_CHARS, 'a CRL PEM text')
  const blocks = decodePem(input).filter((b) => b.label === 'X509 CRL' || b.label === 'CRL')
  if (blocks.length !== 1) throw new PkiFormatError(`expected one X509 CRL, found ${blocks.length}`)
  const der = (blocks[0] as { der: Uint8Array }).der
  checkSize(der, MAX_LIST_DER_BYTES, 'a DER CRL')
  return der
}

/** RFC 5280 5.1.2.6 / 5.3: one revoked certificate. Entry extensions need a v2 CRL (RFC 5280 5.1.2.1). */
function readEntry(entry: DerNode, v2: boolean): CrlEntryInfo {
  const [serial, date, entryExtensions] = sequenceOf(entry, 2, 3) as [DerNode, DerNode, DerNode | undefined]
  const item: CrlEntryInfo = {
    serialNo: formatSerial(readIntegerBytes(serial)),
    revokedAt: readTime(date).toISOString(),
  }
  if (entryExtensions) {
    if (!v2) throw new PkiFormatError('CRL entry extensions need a v2 CRL')
    item.extensions = decodeExtensions(readExtensionList(entryExtensions))
    const reason = item.extensions.find((e) => e.oid === OID.reasonCode)
    if (reason) item.reason = reason.value as RevocationReason
  }
  return item
}

function readInfo(der: Uint8Array): CrlInfo {
  assertDer(der)
  // RFC 5280 5.1: CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING }.
  const [tbs, outerSig, signature] = sequenceOf(readSingle(der), 3) as [DerNode, DerNode, DerNode]
  readBitStringBytes(signature)
  const fields = sequenceOf(tbs, 3, 7)
  let i = 0
  let version = 0
  if (fields[0]?.tag === 0x02) {
    version = readSmallInteger(fields[i++] as DerNode)
    if (version !== 1) throw new PkiFormatError('a CRL version field, when present, must be v2 (1)')
  }
  const [innerSig, issuer, thisUpdate] = fields.slice(i, i + 3) as [DerNode, DerNode, DerNode | undefined]
  if (!thisUpdate) throw new PkiFormatError('truncated CRL')
  i += 3
  if (!bytesEqual(innerSig.bytes, outerSig.bytes)) {
    throw new PkiFormatError('signatureAlgorithm differs from tbsCertList.signature (RFC 5280 5.1.1.2)')
  }
  // The optional fields, in their order: nextUpdate, revokedCertificates (SIZE 1..MAX when present), [0] extensions.
  const nextUpdate = fields[i]?.tag === 0x17 || fields[i]?.tag === 0x18 ? readTime(fields[i++] as DerNode) : undefined
  const entries = fields[i]?.tag === 0x30 ? sequenceOf(fields[i++] as DerNode, 1, Number.POSITIVE_INFINITY) : []
  let extensions: ExtensionInfo[] = []
  if (fields[i]?.tag === 0xa0) {
    if (version !== 1) throw new PkiFormatError('CRL extensions need v2')
    extensions = decodeExtensions(readExtensions(fields[i++] as DerNode))
  }
  if (i !== fields.length) throw new PkiFormatError('unexpected data inside TBSCertList')
  const number = extensions.find((e) => e.oid === OID.cRLNumber)?.value as string | undefined
  const aki = extensions.find((e) => e.oid === OID.authorityKeyIdentifier)?.value as { keyId?: string } | undefined
  return {
    version: version + 1,
    ...nameInfo('issuer', issuer),
    thisUpdate: readTime(thisUpdate).toISOString(),
    ...(nextUpdate ? { nextUpdate: nextUpdate.toISOString() } : {}),
    ...(number !== undefined ? { crlNumber: number } : {}),
    ...(aki?.keyId !== undefined ? { authorityKeyId: aki.keyId } : {}),
    signatureAlgorithm: signatureAlgorithmLabel(outerSig),
    revoked: entries.map((entry) => readEntry(entry, version === 1)),
    extensions,
    fingerprints: fingerprints(der),
    der,
    pem: encodePem('X509 CRL', der),
  }
}

/**
 * Reads a CRL (PEM `X509 CRL`, or DER; at most 16 MiB of DER and 32 MiB of PEM text) into a plain object, strictly
 * (RFC 5280 section 5.1: DER, the fields in order, v2 when extensions or entry extensions are present, the outer and
 * inner signature algorithms equal, valid times, no extension twice, known extensions decoded by their RFC's
 * syntax); any problem is a PkiFormatError, a wrong argument type a TypeError. It does not check the signature.
 *
 * @example
 * const info = parseCrl(crl)
 * info.revoked // [{ serialNo: '4F:0A:…', revokedAt: '2026-11-25T…', reason: 'keyCompromise', extensions: [...] }]
 */
export function parseCrl(input: string | Uint8Array): CrlInfo {
  const der = crlBytes(input)
  try {
    return readInfo(der)
  } catch (e) {
    if (e instanceof PkiError) throw e
    throw new PkiFormatError('the CRL cannot be read', { cause: e })
  }
}
