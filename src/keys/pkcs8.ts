/**
 * Reading the algorithm of a PKCS#8 PrivateKeyInfo (RFC 5958 section 2), and wrapping the legacy PKCS#1
 * (`RSA PRIVATE KEY`) and SEC1 (`EC PRIVATE KEY`, RFC 5915) forms into PKCS#8, which is what WebCrypto imports.
 */
import { OID, oid } from '../der/oid.ts'
import { children, type DerNode, readOid, readSingle, readSmallInteger, sequenceOf } from '../der/reader.ts'
import { integer, nullValue, octetString, sequence } from '../der/writer.ts'
import { PkiFormatError, PkiNotSupportedError } from '../errors.ts'
import { findAlgorithmSpec } from './types.ts'

/**
 * The WebCrypto import parameters for a PKCS#8 PrivateKeyInfo (RSA as RSASSA-PKCS1-v1_5 with SHA-256, the only
 * RSA signature we make).
 *
 * @example
 * pkcs8ImportParams(der) // { name: 'ECDSA', namedCurve: 'P-384' }
 */
export function pkcs8ImportParams(der: Uint8Array): Algorithm {
  const [version, algorithm] = sequenceOf(readSingle(der), 3, 5) as [DerNode, DerNode]
  if (readSmallInteger(version) > 1) throw new PkiFormatError('unknown PKCS#8 version')
  const [algOid, params] = sequenceOf(algorithm, 1, 2)
  const id = readOid(algOid as DerNode)
  if (id === OID.ecPublicKey) {
    // RFC 5915 / RFC 5480 2.1.1: the curve is named by its OID in the parameters.
    const spec = params?.tag === 0x06 ? findAlgorithmSpec(id, readOid(params)) : undefined
    if (!spec) throw new PkiNotSupportedError('unsupported elliptic curve (P-256, P-384 and P-521 are supported)')
    return spec.import
  }
  const spec = findAlgorithmSpec(id)
  if (!spec) throw new PkiNotSupportedError(`unsupported private key algorithm ${id}`)
  return spec.import
}

/**
 * Wraps a PKCS#1 RSAPrivateKey in a PrivateKeyInfo.
 *
 * @example
 * pkcs1ToPkcs8(decodePem(text, { label: 'RSA PRIVATE KEY' })[0].der)
 */
export function pkcs1ToPkcs8(pkcs1: Uint8Array): Uint8Array {
  sequenceOf(readSingle(pkcs1), 9, 10)
  return sequence(integer(0), sequence(oid(OID.rsaEncryption), nullValue()), octetString(pkcs1))
}

/**
 * Wraps a SEC1 ECPrivateKey (RFC 5915) in a PrivateKeyInfo, moving its curve into the AlgorithmIdentifier.
 *
 * @example
 * sec1ToPkcs8(decodePem(text, { label: 'EC PRIVATE KEY' })[0].der)
 */
export function sec1ToPkcs8(sec1: Uint8Array): Uint8Array {
  const fields = sequenceOf(readSingle(sec1), 2, 4)
  const params = fields.find((f) => f.tag === 0xa0)
  const curve = params && children(params)[0]
  if (!curve) throw new PkiFormatError('the EC private key does not name its curve')
  const curveOid = readOid(curve)
  return sequence(integer(0), sequence(oid(OID.ecPublicKey), oid(curveOid)), octetString(sec1))
}
