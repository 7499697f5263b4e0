/**
 * The lean reading of a CSR on the issuing path: strict DER, proof of possession, and the parts a certificate
 * takes from it (subject as given, SANs, key). No rich reader is involved, so issuance stays sign-bound.
 */
import { type CsrBody, csrDer, readCsrBody, startCsrCheck } from '../csr/parse.ts'
import { OID } from '../der/oid.ts'
import { readSingle } from '../der/reader.ts'
import { PkiArgumentError } from '../errors.ts'
import { keyTypeOfSpki } from '../keys/detect.ts'
import type { KeyType } from '../keys/types.ts'
import { spkiAlgorithm } from '../keys/verify.ts'
import { type NameEntry, readGeneralNames, readName } from '../names/decode.ts'

/** What issuance takes from a CSR. */
export interface CertificateRequest {
  subject: Uint8Array
  subjectEntries: NameEntry[]
  spki: Uint8Array
  keyType: KeyType
  dnsNames: string[]
  emails: string[]
  ips: Uint8Array[]
}

/**
 * Reads and verifies a CSR for signing. A bad signature is a PkiSignatureError; a malformed CSR a PkiFormatError;
 * a key we do not issue for, or a critical requested extension we do not understand, a PkiArgumentError on `csr`.
 *
 * @example
 * const request = await readRequest(crypto, csrPem)
 */
export async function readRequest(crypto: Crypto, input: string | Uint8Array): Promise<CertificateRequest> {
  const { request, verified } = await startRequest(crypto, input)
  await verified
  return request
}

/**
 * {@link readRequest} in two steps: resolves with the request once its signature check is handed to WebCrypto, and
 * `verified`, which settles when the check does. signCsr writes the certificate while WebCrypto verifies, and signs
 * only once `verified` resolves. When the CSR is also wrong in another way, the signature's error wins, as it would
 * had the check come first.
 *
 * @example
 * const { request, verified } = await startRequest(crypto, csrPem)
 */
export async function startRequest(
  crypto: Crypto,
  input: string | Uint8Array,
): Promise<{ request: CertificateRequest; verified: Promise<void> }> {
  const body = readCsrBody(csrDer(input as string))
  const { verified } = await startCsrCheck(crypto, body)
  try {
    return { request: requestOf(body), verified }
  } catch (e) {
    await verified
    throw e
  }
}

function requestOf(body: CsrBody): CertificateRequest {
  const keyType = keyTypeOfSpki(spkiAlgorithm(body.spki))
  if (!keyType) {
    throw new PkiArgumentError(
      'csr',
      'the CSR key is not one pocket-ca issues for (RSA 2048/3072/4096, P-256/384/521, Ed25519)',
    )
  }
  // A CA may leave out what it does not understand, except what the requester marked critical.
  const unknown = body.extensions.find((e) => e.critical && !e.known)
  if (unknown)
    throw new PkiArgumentError(
      'csr',
      `the CSR asks for a critical extension ${unknown.oid} this CA does not understand`,
    )
  const san = body.extensionValues.get(OID.subjectAltName)
  const names = san ? readGeneralNames(readSingle(san)) : { dnsNames: [], emails: [], ips: [] }
  return {
    subject: body.subject.bytes,
    subjectEntries: readName(body.subject),
    spki: body.spki,
    keyType,
    dnsNames: names.dnsNames,
    emails: names.emails,
    ips: names.ips,
  }
}
