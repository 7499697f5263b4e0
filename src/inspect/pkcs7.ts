/**
 * PKCS#7 / CMS SignedData (RFC 5652 section 5; RFC 2315 9.1) as certificate bundles use it: the `certs-only`
 * degenerate form `openssl crl2pkcs7 -nocrl` writes, and Windows' `.p7b`. Only the certificates and CRLs are read;
 * signatures over content are not checked (nothing here verifies anything).
 */
import { type CrlInfo, parseCrl } from '../ca/parse-crl.ts'
import { type CertificateInfo, parseCertificate } from '../cert/parse.ts'
import { assertDer, children, type DerNode, readOid, readSingle, sequenceOf } from '../der/reader.ts'
import { PkiFormatError } from '../errors.ts'
import { checkSize, MAX_LIST_DER_BYTES } from '../lib/limits.ts'
import { encodePem } from '../pem/index.ts'
import { type Fingerprints, fingerprints } from './fingerprint.ts'

/** id-signedData (RFC 5652 5.1). */
const SIGNED_DATA = '1.2.840.113549.1.7.2'

/**
 * A PKCS#7 bundle, described: its certificates and CRLs, each as parseCertificate / parseCrl read it, in order, and
 * how many SignerInfos it has (0 for a certs-only bundle).
 *
 * @example
 * describePkcs7(der).certificates.map((c) => c.subjectDn) // ['CN=Leaf', 'CN=Issuing CA', 'CN=Root']
 */
export interface Pkcs7Info {
  certificates: CertificateInfo[]
  crls: CrlInfo[]
  signerCount: number
  fingerprints: Fingerprints
  der: Uint8Array
  pem: string
}

/** RFC 5652 10.2.2: CertificateChoices; only the plain Certificate (a SEQUENCE) is read. */
function certificates(node: DerNode | undefined): CertificateInfo[] {
  if (!node) return []
  return children(node).map((choice) => {
    if (choice.tag !== 0x30) throw new PkiFormatError('only X.509 certificates are read from a PKCS#7 bundle')
    return parseCertificate(choice.bytes)
  })
}

function crls(node: DerNode | undefined): CrlInfo[] {
  if (!node) return []
  return children(node).map((choice) => {
    if (choice.tag !== 0x30) throw new PkiFormatError('only X.509 CRLs are read from a PKCS#7 bundle')
    return parseCrl(choice.bytes)
  })
}

/**
 * Reads a DER ContentInfo holding SignedData (at most 16 MiB), strictly: DER throughout, the SignedData fields in
 * order (version, digestAlgorithms SET, encapContentInfo, [0] certificates, [1] crls, signerInfos SET).
 *
 * @example
 * describePkcs7(der).certificates.length // 3
 */
export function describePkcs7(der: Uint8Array): Pkcs7Info {
  checkSize(der, MAX_LIST_DER_BYTES, 'a DER PKCS#7 bundle')
  assertDer(der)
  // RFC 5652 3: ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY }.
  const [type, wrapper] = sequenceOf(readSingle(der), 2) as [DerNode, DerNode]
  if (readOid(type) !== SIGNED_DATA) throw new PkiFormatError('only PKCS#7 SignedData (a certificate bundle) is read')
  const [signedData] = sequenceOf(wrapper, 1, 1, 0xa0) as [DerNode]
  const fields = sequenceOf(signedData, 4, 6)
  const [version, digestAlgorithms, encapContentInfo] = fields as [DerNode, DerNode, DerNode]
  if (version.tag !== 0x02 || digestAlgorithms.tag !== 0x31 || encapContentInfo.tag !== 0x30) {
    throw new PkiFormatError('malformed SignedData')
  }
  let i = 3
  const certificateSet = fields[i]?.tag === 0xa0 ? fields[i++] : undefined
  const crlSet = fields[i]?.tag === 0xa1 ? fields[i++] : undefined
  const signerInfos = fields[i++]
  if (signerInfos?.tag !== 0x31 || i !== fields.length) throw new PkiFormatError('malformed SignedData')
  return {
    certificates: certificates(certificateSet),
    crls: crls(crlSet),
    signerCount: children(signerInfos).length,
    fingerprints: fingerprints(der),
    der,
    pem: encodePem('PKCS7', der),
  }
}
