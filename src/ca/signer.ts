/**
 * The issuer side of signing, derived once per CA record: its parsed certificate, the Signer (name, key identifier,
 * keys), and the name constraints of its whole chain. CA records are never mutated (a change makes a new record),
 * so caching by record identity is safe; the cache holds records weakly.
 */
import { keyIdentifier, type Signer } from '../cert/create.ts'
import { type CertificateParts, readCertificate, readSubjectKeyId } from '../cert/read.ts'
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
}

const contexts = new WeakMap<CertificateAuthority, Promise<CaContext>>()

/**
 * The DER of the only certificate in a PEM text.
 *
 * @example
 * certificateDer(ca.certificate)
 */
export function certificateDer(pem: string): Uint8Array {
  return (decodePem(pem, { label: 'CERTIFICATE' })[0] as { der: Uint8Array }).der
}

async function buildContext(crypto: Crypto, ca: CertificateAuthority): Promise<CaContext> {
  if (!ca.certificate) throw new PkiStateError(ca.status, 'the CA has no certificate yet')
  const certificate = readCertificate(certificateDer(ca.certificate))
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', ca.keys.publicKey))
  if (!bytesEqual(spki, certificate.spki)) {
    throw new PkiKeyMismatchError('the CA certificate does not hold the CA public key')
  }
  const keyId =
    readSubjectKeyId(certificate.extensions.get(OID.subjectKeyIdentifier)) ?? (await keyIdentifier(crypto, spki))
  const constraints: DecodedNameConstraints[] = []
  for (const pem of [ca.certificate, ...ca.chain]) {
    const nc = readCertificate(certificateDer(pem)).extensions.get(OID.nameConstraints)
    if (nc) constraints.push(decodeNameConstraints(nc.value))
  }
  const signer: Signer = {
    name: certificate.subject,
    keyId,
    privateKey: ca.keys.privateKey,
    publicKey: ca.keys.publicKey,
    spec: specOf(ca.keys.privateKey),
  }
  return { signer, certificate, constraints }
}

/**
 * The signing context of a CA with a certificate, built on first use and cached for the record.
 *
 * @example
 * const { signer, certificate } = await caContext(crypto, ca)
 */
export function caContext(crypto: Crypto, ca: CertificateAuthority): Promise<CaContext> {
  let context = contexts.get(ca)
  if (!context) {
    context = buildContext(crypto, ca)
    contexts.set(ca, context)
    // A failed build is not cached: the next call tries again (and fails again, with the same error).
    context.catch(() => contexts.delete(ca))
  }
  return context
}
