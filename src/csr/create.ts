import { ecdsaRawToDer } from '../der/ecdsa.ts'
import { OID, oid } from '../der/oid.ts'
import {
  bitString,
  contextTag,
  derSetOrder,
  integer,
  octetString,
  printableString,
  sequence,
  setOf,
  utf8String,
} from '../der/writer.ts'
import { PkiArgumentError, PkiKeyMismatchError } from '../errors.ts'
import { specOf } from '../keys/detect.ts'
import { bufferSource } from '../lib/bytes.ts'
import { resolveCrypto } from '../lib/crypto.ts'
import { encodeGeneralNames, encodeName, hasGeneralNames } from '../names/encode.ts'
import { checkX509Parameters } from '../names/subject.ts'
import type { X509Parameters } from '../names/types.ts'
import { encodePem } from '../pem/index.ts'

/** Options of {@link createCsr}. */
export interface CreateCsrOptions {
  /** PKCS#9 challengePassword attribute (RFC 2985 5.4.1), 1..255 characters, as some enrolment services ask. */
  challengePassword?: string
  crypto?: Crypto
}

/**
 * A CryptoKey by shape, not instanceof: a key of another WebCrypto implementation (the `crypto` option) is no
 * global CryptoKey.
 */
function isKey(key: unknown): key is CryptoKey {
  return typeof key === 'object' && key !== null && 'type' in key && 'algorithm' in key
}

/** PrintableString's characters (X.680 41.4); RFC 2985 prefers PrintableString for challengePassword when it fits. */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/

function challengeAttribute(password: string): Uint8Array {
  if (typeof password !== 'string') throw new TypeError('challengePassword must be a string')
  if (password.length < 1 || password.length > 255) {
    throw new PkiArgumentError('challengePassword', 'challengePassword must be 1..255 characters')
  }
  const value = PRINTABLE.test(password) ? printableString(password) : utf8String(password)
  return sequence(oid(OID.challengePassword), setOf([value]))
}

/**
 * Makes a PKCS#10 certificate signing request (RFC 2986) for a key pair, signed with its private key (which may be
 * non-extractable). The SANs from `altName` and `ip` go into an extensionRequest attribute (RFC 2985 5.4.2).
 * Built with our own DER writer, then verified once, so a key pair whose halves do not match is refused
 * (PkiKeyMismatchError) instead of yielding a CSR no CA will accept. TypeError when `keys` is not a pair of
 * CryptoKeys; PkiArgumentError on `keys` when the halves are swapped or the public key cannot be exported.
 *
 * @example
 * const keys = await generateKeyPair('EC256')
 * const csrPem = await createCsr(keys, { commonName: 'api.example.com', altName: 'api.example.com, www.example.com',
 *   ip: '10.0.0.5', organization: 'Example Ltd', country: 'GB' })
 */
export async function createCsr(
  keys: CryptoKeyPair,
  subject: X509Parameters,
  o: CreateCsrOptions = {},
): Promise<string> {
  if (typeof keys !== 'object' || keys === null || !isKey(keys.privateKey) || !isKey(keys.publicKey)) {
    throw new TypeError('keys must be a CryptoKeyPair')
  }
  if (keys.privateKey.type !== 'private' || keys.publicKey.type !== 'public') {
    throw new PkiArgumentError(
      'keys',
      `keys.privateKey must be a private key and keys.publicKey a public one, not ${keys.privateKey.type} and ` +
        `${keys.publicKey.type}`,
    )
  }
  const checked = checkX509Parameters(subject)
  const crypto = resolveCrypto(o.crypto)
  const spec = specOf(keys.privateKey)
  let spki: Uint8Array
  try {
    spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))
  } catch (e) {
    // The CSR carries the public key (RFC 2986 4.1), so it must be readable: a public key imported as
    // non-extractable is not.
    throw new PkiArgumentError('keys', 'keys.publicKey cannot be exported (is it non-extractable?)', { cause: e })
  }

  const attributes: Uint8Array[] = []
  if (hasGeneralNames(checked)) {
    const san = sequence(oid(OID.subjectAltName), octetString(encodeGeneralNames(checked)))
    attributes.push(sequence(oid(OID.extensionRequest), setOf([sequence(san)])))
  }
  if (o.challengePassword !== undefined) attributes.push(challengeAttribute(o.challengePassword))

  // attributes [0] IMPLICIT SET OF Attribute: the SET's elements under a constructed [0] tag, sorted as DER sets are.
  const info = sequence(
    integer(0),
    encodeName(checked.attributes),
    spki,
    contextTag(0, true, ...derSetOrder(attributes)),
  )
  const data = bufferSource(info)
  const raw = new Uint8Array(await crypto.subtle.sign(spec.sign, keys.privateKey, data))
  // The public key must verify the signature, so a CSR never carries a key that did not sign it. It is checked in
  // WebCrypto's form, before the DER conversion, so the reader and the rest of the verifier stay out of an app that
  // only makes keys and CSRs (bundle budget (a), test/node/bundle.test.ts). keys.publicKey is asked first; if it
  // cannot say yes (imported without 'verify', or bound to another hash), the SPKI it exported decides.
  const verifies = async (key: () => CryptoKey | Promise<CryptoKey>) => {
    try {
      return await crypto.subtle.verify(spec.sign, await key(), raw, data)
    } catch {
      return false
    }
  }
  const matches =
    (await verifies(() => keys.publicKey)) ||
    (await verifies(() => crypto.subtle.importKey('spki', bufferSource(spki), spec.import, false, ['verify'])))
  if (!matches) throw new PkiKeyMismatchError('the public key does not belong to the private key')
  const signature = spec.ecdsaSize ? ecdsaRawToDer(raw, spec.ecdsaSize) : raw
  return encodePem('CERTIFICATE REQUEST', sequence(info, spec.signatureAlgorithm, bitString(signature)))
}
