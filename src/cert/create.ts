/**
 * Certificate creation (RFC 5280 section 4.1): a template becomes a TBSCertificate written with our DER writer, is
 * signed with WebCrypto, and the signature is checked against the issuer's public key before the bytes are returned.
 */
import { ecdsaDerToRaw } from '../der/ecdsa.ts'
import { encodeTime } from '../der/time.ts'
import { bitString, contextTag, integer, sequence } from '../der/writer.ts'
import { PkiSignatureError } from '../errors.ts'
import { signBytes } from '../keys/sign.ts'
import type { KeyTypeSpec } from '../keys/types.ts'
import { bufferSource } from '../lib/bytes.ts'
import { sha1 } from '../lib/sha.ts'
import {
  authorityInfoAccess,
  authorityKeyIdentifier,
  basicConstraints,
  certificatePolicies,
  crlDistributionPoints,
  extKeyUsage,
  keyUsage,
  nameConstraintsExtension,
  subjectAltName,
  subjectKeyIdentifier,
} from './extensions.ts'
import { subjectPublicKeyBits } from './read.ts'
import type { CertificateTemplate } from './types.ts'

/** What signing a certificate needs from its issuer; built once per CA and reused for every issuance. */
export interface Signer {
  /** The issuer's subject Name, DER (becomes the new certificate's issuer). */
  name: Uint8Array
  /** The issuer's subject key identifier (becomes the authority key identifier). */
  keyId: Uint8Array
  privateKey: CryptoKey
  /** Checks each signature before a certificate leaves this module (fail closed, DESIGN.md principle 3). */
  publicKey: CryptoKey
  spec: KeyTypeSpec
}

const VERSION_3 = contextTag(0, true, integer(2))
const EMPTY_NAME = Uint8Array.of(0x30, 0x00)

/**
 * The key identifier of a public key: SHA-1 of the subjectPublicKey bits, RFC 5280 4.2.1.2 method (1), the one
 * OpenSSL, NSS and the cloud CAs use.
 *
 * @example
 * const ski = keyIdentifier(spkiDer) // 20 octets
 */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  // Hashed here, not with crypto.subtle.digest: ~2 us for a key's few blocks against a round trip to WebCrypto's
  // worker threads on every issuance (npm run bench).
  return sha1(subjectPublicKeyBits(spki))
}

function extensionsOf(t: CertificateTemplate, subjectKeyId: Uint8Array, issuerKeyId: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = []
  if (t.isCa !== undefined) out.push(basicConstraints(t.isCa, t.pathLen))
  if (t.keyUsage?.length) out.push(keyUsage(t.keyUsage))
  if (t.extKeyUsage?.length) out.push(extKeyUsage(t.extKeyUsage))
  out.push(subjectKeyIdentifier(subjectKeyId))
  out.push(authorityKeyIdentifier(issuerKeyId))
  const names = { dnsNames: t.dnsNames, emails: t.emails, ips: t.ips, uris: t.uris }
  if (t.dnsNames?.length || t.emails?.length || t.ips?.length || t.uris?.length) {
    // RFC 5280 4.2.1.6: with an empty subject the SAN carries the identity and MUST be critical.
    out.push(subjectAltName(names, t.subject.length === EMPTY_NAME.length && t.subject[1] === 0))
  }
  if (t.nameConstraints && t.isCa) out.push(nameConstraintsExtension(t.nameConstraints))
  if (t.crlUrls?.length) out.push(crlDistributionPoints(t.crlUrls))
  if (t.ocspUrl || t.caIssuersUrl) out.push(authorityInfoAccess(t.ocspUrl, t.caIssuersUrl))
  if (t.policies?.length) out.push(certificatePolicies(t.policies))
  return out
}

/**
 * Builds, signs and checks a certificate; returns its DER. Like Go's x509.CreateCertificate, it writes what the
 * template says and nothing else; the template is trusted (the CA functions validate at the public boundary).
 * Fields read, in the order they are written:
 * - `serialNumber`, `notBefore`, `notAfter`, `subject` (DER Name), `publicKey` (SPKI DER); version is always v3,
 *   the issuer and signature algorithm come from `signer`;
 * - `isCa` (basicConstraints, critical, written when defined) with `pathLen` (CAs only);
 * - `keyUsage` (critical), `extKeyUsage`;
 * - `subjectKeyId` (computed from `publicKey` when absent) and the authority key identifier from `signer.keyId`;
 * - `dnsNames`, `emails`, `ips`, `uris` (subjectAltName, critical when the subject is empty);
 * - `nameConstraints` (critical, CAs only), `crlUrls`, `ocspUrl` / `caIssuersUrl`, `policies`.
 * With `ready`, nothing is signed before it resolves (and nothing at all if it rejects).
 *
 * @example
 * const der = await createCertificate(crypto, template, caSigner)
 */
export async function createCertificate(
  crypto: Crypto,
  t: CertificateTemplate,
  signer: Signer,
  ready?: Promise<void>,
): Promise<Uint8Array> {
  const subjectKeyId = t.subjectKeyId ?? keyIdentifier(t.publicKey)
  const tbs = sequence(
    VERSION_3,
    integer(t.serialNumber),
    signer.spec.signatureAlgorithm,
    signer.name,
    sequence(encodeTime(t.notBefore), encodeTime(t.notAfter)),
    t.subject,
    t.publicKey,
    contextTag(3, true, sequence(...extensionsOf(t, subjectKeyId, signer.keyId))),
  )
  // Written first, signed only once `ready` resolves: signCsr's check of the CSR signature runs meanwhile.
  await ready
  const signature = await signBytes(crypto, signer.spec, signer.privateKey, tbs)
  await checkSignature(crypto, signer, tbs, signature)
  return sequence(tbs, signer.spec.signatureAlgorithm, bitString(signature))
}

/**
 * Verifies a signature we just made, from its X.509 form, with the issuer's public key: a key mismatch or a faulty
 * signer never yields a certificate.
 *
 * @example
 * await checkSignature(crypto, signer, tbs, signature)
 */
export async function checkSignature(
  crypto: Crypto,
  signer: Signer,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<void> {
  const raw = signer.spec.ecdsaSize ? ecdsaDerToRaw(signature, signer.spec.ecdsaSize) : signature
  const ok = await crypto.subtle.verify(signer.spec.sign, signer.publicKey, bufferSource(raw), bufferSource(data))
  if (!ok) throw new PkiSignatureError('the new signature does not verify with the issuer public key: refusing it')
}
