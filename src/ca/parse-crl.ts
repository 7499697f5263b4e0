import { readAuthorityKeyId, readExtensionList, readExtensions, readTime } from '../cert/read.ts'
import { formatSerial } from '../cert/serial.ts'
import { OID } from '../der/oid.ts'
import { assertDer, type DerNode, readIntegerBytes, readSingle, readSmallInteger, sequenceOf } from '../der/reader.ts'
import { PkiFormatError } from '../errors.ts'
import { signatureAlgorithmName } from '../keys/verify.ts'
import { bytesEqual, toHex } from '../lib/bytes.ts'
import { readX509CrlIssuer } from '../lib/x509.ts'
import { readName, type SubjectFields, subjectFields } from '../names/decode.ts'
import { decodePem, encodePem } from '../pem/index.ts'
import { REVOCATION_REASONS } from './revoke.ts'
import type { RevocationReason } from './types.ts'

const REASON_BY_CODE = new Map(
  Object.entries(REVOCATION_REASONS).map(([name, code]) => [code, name as RevocationReason]),
)

/** What {@link parseCrl} returns: a plain, structured-cloneable object. */
export interface CrlInfo {
  version: number
  issuer: SubjectFields
  issuerName: string
  /** ISO 8601 times. */
  thisUpdate: string
  nextUpdate?: string
  /** The CRL number as decimal text (it may exceed a JS number). */
  crlNumber?: string
  authorityKeyId?: string
  signatureAlgorithm: string
  revoked: { serialNo: string; revokedAt: string; reason?: RevocationReason }[]
  extensions: { oid: string; critical: boolean }[]
  der: Uint8Array
  pem: string
}

function crlBytes(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) return input
  if (typeof input !== 'string') throw new TypeError('expected a PEM string or DER bytes')
  const blocks = decodePem(input).filter((b) => b.label === 'X509 CRL' || b.label === 'CRL')
  if (blocks.length !== 1) throw new PkiFormatError(`expected one X509 CRL, found ${blocks.length}`)
  return (blocks[0] as { der: Uint8Array }).der
}

function bigDecimal(bytes: Uint8Array): string {
  return BigInt(`0x${toHex(bytes) || '0'}`).toString()
}

/**
 * Reads a CRL (PEM `X509 CRL`, or DER) into a plain object, strictly (RFC 5280 section 5.1: DER, v2 when extensions
 * are present, the outer and inner signature algorithms equal, no duplicate extensions); any problem is a
 * PkiFormatError. It does not check the signature.
 *
 * @example
 * const info = parseCrl(crl)
 * info.revoked // [{ serialNo: '4F:0A:…', revokedAt: '2026-11-25T…', reason: 'keyCompromise' }]
 */
export function parseCrl(input: string | Uint8Array): CrlInfo {
  const der = crlBytes(input)
  assertDer(der)
  const [tbs, outerSig] = sequenceOf(readSingle(der), 3) as [DerNode, DerNode]
  const fields = sequenceOf(tbs, 3, 7)
  let i = 0
  let version = 0
  if (fields[0]?.tag === 0x02) {
    version = readSmallInteger(fields[0])
    if (version !== 1) throw new PkiFormatError('a CRL version field, when present, must be v2 (1)')
    i = 1
  }
  const [innerSig, issuer, thisUpdate, ...rest] = fields.slice(i) as DerNode[]
  if (!innerSig || !issuer || !thisUpdate) throw new PkiFormatError('truncated CRL')
  if (!bytesEqual(innerSig.bytes, outerSig.bytes)) {
    throw new PkiFormatError('signatureAlgorithm differs from tbsCertList.signature (RFC 5280 5.1.1.2)')
  }
  let nextUpdate: Date | undefined
  let entries: DerNode[] = []
  let extensions = new Map<string, { critical: boolean; value: Uint8Array }>()
  for (const field of rest) {
    if ((field.tag === 0x17 || field.tag === 0x18) && nextUpdate === undefined && entries.length === 0)
      nextUpdate = readTime(field)
    else if (field.tag === 0x30 && entries.length === 0) entries = sequenceOf(field, 1, Number.POSITIVE_INFINITY)
    else if (field.tag === 0xa0 && extensions.size === 0) {
      if (version !== 1) throw new PkiFormatError('CRL extensions need v2')
      extensions = readExtensions(field)
    } else throw new PkiFormatError(`unexpected field tag 0x${field.tag.toString(16)} in TBSCertList`)
  }
  const revoked = entries.map((entry) => {
    const [serial, date, entryExtensions] = sequenceOf(entry, 2, 3) as [DerNode, DerNode, DerNode | undefined]
    const item: CrlInfo['revoked'][number] = {
      serialNo: formatSerial(readIntegerBytes(serial)),
      revokedAt: readTime(date).toISOString(),
    }
    if (entryExtensions) {
      const reason = readExtensionList(entryExtensions).get(OID.reasonCode)
      if (reason) {
        const code = readSingle(reason.value, 0x0a)
        const name = REASON_BY_CODE.get(readSmallInteger({ ...code, tag: 0x02 }))
        if (!name) throw new PkiFormatError('unknown CRL reason code')
        item.reason = name
      }
    }
    return item
  })
  const number = extensions.get(OID.cRLNumber)
  const aki = extensions.get(OID.authorityKeyIdentifier)
  const akiId = readAuthorityKeyId(aki)
  return {
    version: version + 1,
    issuer: subjectFields(readName(issuer)),
    issuerName: readX509CrlIssuer(der),
    thisUpdate: readTime(thisUpdate).toISOString(),
    ...(nextUpdate ? { nextUpdate: nextUpdate.toISOString() } : {}),
    ...(number ? { crlNumber: bigDecimal(readIntegerBytes(readSingle(number.value))) } : {}),
    ...(akiId ? { authorityKeyId: toHex(akiId) } : {}),
    signatureAlgorithm: signatureAlgorithmName(outerSig),
    revoked,
    extensions: [...extensions].map(([oid, e]) => ({ oid, critical: e.critical })),
    der,
    pem: encodePem('X509 CRL', der),
  }
}
