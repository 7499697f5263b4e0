/**
 * `describe`: what is this PEM or DER? One call for anything a PKI hands around (a certificate, CSR, CRL, private or
 * public key, PKCS#7 bundle), answering with the same plain data the parse functions return, tagged by `kind`.
 */
import { type CrlInfo, parseCrl } from '../ca/parse-crl.ts'
import { type CertificateInfo, parseCertificate } from '../cert/parse.ts'
import { type CsrInfo, parseCsr } from '../csr/parse.ts'
import { assertDer, children, type DerNode, readSingle } from '../der/reader.ts'
import { PkiError, PkiFormatError } from '../errors.ts'
import { checkSize, MAX_LIST_DER_BYTES, MAX_LIST_PEM_CHARS } from '../lib/limits.ts'
import { decodePem } from '../pem/index.ts'
import {
  describeEcParameters,
  describeEncryptedPrivateKey,
  describePrivateKey,
  describePublicKey,
  type EncryptedPrivateKeyDescription,
  type PrivateKeyDescription,
  type PublicKeyInfo,
} from './keys.ts'
import { describePkcs7, type Pkcs7Info } from './pkcs7.ts'

/**
 * What {@link describe} says about one object: `kind`, and the plain data for that kind.
 *
 * - `certificate`, `csr`, `crl`: what parseCertificate, parseCsr, parseCrl return;
 * - `privateKey`: the algorithm and size, never the key (`format` pkcs8, pkcs1 or sec1);
 * - `encryptedPrivateKey`: how it is protected (PBES2, PBKDF2 and its iteration count, the cipher);
 * - `publicKey`: algorithm, size, fingerprints (`format` spki or pkcs1);
 * - `pkcs7`: the certificates and CRLs of a bundle;
 * - `ecParameters`: the named curve of an `EC PARAMETERS` block (OpenSSL writes one before an EC key).
 *
 * @example
 * const d = describe(pem) as Description
 * if (d.kind === 'certificate') console.log(d.subjectDn, d.notAfter)
 */
export type Description =
  | ({ kind: 'certificate' } & CertificateInfo)
  | ({ kind: 'csr' } & CsrInfo)
  | ({ kind: 'crl' } & CrlInfo)
  | ({ kind: 'privateKey' } & PrivateKeyDescription)
  | ({ kind: 'encryptedPrivateKey' } & EncryptedPrivateKeyDescription)
  | ({ kind: 'publicKey' } & PublicKeyInfo)
  | ({ kind: 'pkcs7' } & Pkcs7Info)
  | { kind: 'ecParameters'; namedCurve: string; keySize: number | null }

type Describer = (der: Uint8Array) => Description

const BY_LABEL: Readonly<Record<string, Describer>> = {
  CERTIFICATE: (der) => ({ kind: 'certificate', ...parseCertificate(der) }),
  'CERTIFICATE REQUEST': (der) => ({ kind: 'csr', ...parseCsr(der) }),
  'X509 CRL': (der) => ({ kind: 'crl', ...parseCrl(der) }),
  // RFC 7468 section 6 names `X509 CRL`; `CRL` is what some tools write.
  CRL: (der) => ({ kind: 'crl', ...parseCrl(der) }),
  'PRIVATE KEY': (der) => ({ kind: 'privateKey', ...describePrivateKey(der, 'pkcs8') }),
  'RSA PRIVATE KEY': (der) => ({ kind: 'privateKey', ...describePrivateKey(der, 'pkcs1') }),
  'EC PRIVATE KEY': (der) => ({ kind: 'privateKey', ...describePrivateKey(der, 'sec1') }),
  'ENCRYPTED PRIVATE KEY': (der) => ({ kind: 'encryptedPrivateKey', ...describeEncryptedPrivateKey(der) }),
  'PUBLIC KEY': (der) => ({ kind: 'publicKey', ...describePublicKey(der, 'spki') }),
  'RSA PUBLIC KEY': (der) => ({ kind: 'publicKey', ...describePublicKey(der, 'pkcs1') }),
  // RFC 7468 sections 8 and 9: `PKCS7` (OpenSSL's label) and `CMS` hold the same ContentInfo.
  PKCS7: (der) => ({ kind: 'pkcs7', ...describePkcs7(der) }),
  CMS: (der) => ({ kind: 'pkcs7', ...describePkcs7(der) }),
  'EC PARAMETERS': (der) => ({ kind: 'ecParameters', ...describeEcParameters(der) }),
}

const TIME_TAGS = new Set([0x17, 0x18])

/** Which of the signed objects (certificate, CRL, CSR) a to-be-signed SEQUENCE is, by its first fields. */
function signedKind(tbs: DerNode): string {
  const f = children(tbs)
  // RFC 2986 4.1: CertificationRequestInfo is version, subject, subjectPKInfo, [0] attributes.
  if (f.length === 4 && f[0]?.tag === 0x02 && f[3]?.tag === 0xa0) return 'CERTIFICATE REQUEST'
  // RFC 5280 5.1: TBSCertList has a time right after [version,] signature, issuer; a TBSCertificate a Validity.
  const start = f[0]?.tag === 0x02 && f[1]?.tag === 0x30 && f[2]?.tag === 0x30 && TIME_TAGS.has(f[3]?.tag ?? -1)
  if (TIME_TAGS.has(f[2]?.tag ?? -1) || start) return 'X509 CRL'
  if (f[0]?.tag === 0xa0 || (f[0]?.tag === 0x02 && f.length >= 6)) return 'CERTIFICATE'
  throw new PkiFormatError('a signed object that is not a certificate, CRL or CSR')
}

/** Which PEM label a DER object would carry, told from its structure. */
function labelOf(der: Uint8Array): string {
  const root = readSingle(der)
  if (root.tag === 0x06) return 'EC PARAMETERS'
  if (root.tag !== 0x30) throw new PkiFormatError('not a PKI object: the DER is not a SEQUENCE')
  const f = children(root)
  const tags = f.map((n) => n.tag)
  if (tags[0] === 0x06) return 'PKCS7'
  if (f.length === 3 && tags[0] === 0x30 && tags[1] === 0x30 && tags[2] === 0x03) return signedKind(f[0] as DerNode)
  if (f.length === 2 && tags[0] === 0x30 && tags[1] === 0x03) return 'PUBLIC KEY'
  if (f.length === 2 && tags[0] === 0x30 && tags[1] === 0x04) return 'ENCRYPTED PRIVATE KEY'
  if (tags[0] === 0x02 && tags[1] === 0x30 && tags[2] === 0x04) return 'PRIVATE KEY'
  if (tags[0] === 0x02 && tags[1] === 0x04) return 'EC PRIVATE KEY'
  if (f.length >= 9 && tags.slice(0, 9).every((t) => t === 0x02)) return 'RSA PRIVATE KEY'
  if (f.length === 2 && tags[0] === 0x02 && tags[1] === 0x02) return 'RSA PUBLIC KEY'
  throw new PkiFormatError('not a certificate, CSR, CRL, key or PKCS#7 bundle')
}

function describeBlock(label: string, der: Uint8Array): Description {
  const describer = Object.hasOwn(BY_LABEL, label) ? BY_LABEL[label] : undefined
  if (!describer) throw new PkiFormatError(`unsupported PEM block ${label}`)
  return describer(der)
}

/**
 * Says what a PEM text or DER object is, and what it holds: `{ kind, ... }` (see {@link Description}). A text with
 * several PEM blocks gives an array, one description per block, in order; a single block or DER gives one object.
 * DER is recognised by its structure. Everything is read as strictly as the parse functions read it, within the same
 * size limits (32 MiB of text, 16 MiB of DER; 1 MiB of DER for one certificate, CSR or key). Anything unknown or
 * malformed is a PkiFormatError (an unsupported PEM label too); a wrong argument type a TypeError.
 *
 * @example
 * describe(certificatePem)            // { kind: 'certificate', subjectDn: 'CN=api.example.com', ... }
 * describe(keyPem + certificatePem)   // [{ kind: 'privateKey', ... }, { kind: 'certificate', ... }]
 * describe(p7bBytes)                  // { kind: 'pkcs7', certificates: [...], crls: [], signerCount: 0, ... }
 */
export function describe(input: string | Uint8Array): Description | Description[] {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new TypeError('describe: expected PEM text or DER bytes')
  }
  try {
    if (typeof input === 'string') {
      checkSize(input, MAX_LIST_PEM_CHARS, 'a PEM text')
      const blocks = decodePem(input).map((b) => describeBlock(b.label, b.der))
      return blocks.length === 1 ? (blocks[0] as Description) : blocks
    }
    checkSize(input, MAX_LIST_DER_BYTES, 'a DER object')
    assertDer(input)
    return describeBlock(labelOf(input), input)
  } catch (e) {
    if (e instanceof PkiError) throw e
    throw new PkiFormatError('the input cannot be read', { cause: e })
  }
}
