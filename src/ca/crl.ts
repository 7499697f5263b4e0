import { checkSignature } from '../cert/create.ts'
import { authorityKeyIdentifier, extension } from '../cert/extensions.ts'
import { readKeyUsageBits } from '../cert/read.ts'
import { OID } from '../der/oid.ts'
import { encodeTime } from '../der/time.ts'
import { bitString, contextTag, enumerated, integer, sequence } from '../der/writer.ts'
import { PkiArgumentError, PkiStateError } from '../errors.ts'
import { signBytes } from '../keys/sign.ts'
import { fromHex } from '../lib/bytes.ts'
import { encodePem } from '../pem/index.ts'
import { assertValidAt, checkCaRecord, checkTime, DAY_MS, runtime } from './options.ts'
import { REVOCATION_REASONS } from './revoke.ts'
import { caContext } from './signer.ts'
import type { CertificateAuthority, Runtime } from './types.ts'

const CRL_SIGN = 6

/** Options of {@link generateCrl}. */
export interface GenerateCrlOptions extends Runtime {
  /** When the next CRL will be published: a Date, or days after `at` (default 7). */
  nextUpdate?: Date | number
}

/**
 * Publishes a CRL (RFC 5280 section 5: v2, with the CRL number and authority key identifier, a reason code on each
 * entry other than unspecified), signed by the CA and checked before it is returned, as PEM under the label
 * `X509 CRL` (the one OpenSSL reads). Returns the CRL and the CA record with its CRL number advanced.
 *
 * @example
 * const { crl, ca: updated } = await generateCrl(ca, { nextUpdate: 1 })
 */
export async function generateCrl(
  ca: CertificateAuthority,
  o?: GenerateCrlOptions,
): Promise<{ crl: string; ca: CertificateAuthority }> {
  checkCaRecord(ca)
  const { crypto, at } = runtime(o)
  if (ca.status !== 'ACTIVE' && ca.status !== 'DISABLED') {
    throw new PkiStateError(ca.status, `the CA is ${ca.status}: it cannot publish a CRL`)
  }
  let nextUpdate: Date
  const asked = o?.nextUpdate
  if (asked instanceof Date) {
    if (!Number.isFinite(asked.getTime())) throw new TypeError('nextUpdate must be a valid Date')
    nextUpdate = asked
  } else if (asked === undefined || typeof asked === 'number') {
    const days = asked ?? 7
    if (!Number.isInteger(days) || days < 1 || days > 3650) {
      throw new PkiArgumentError('nextUpdate', 'nextUpdate must be a Date or 1..3650 days')
    }
    nextUpdate = new Date(at.getTime() + days * DAY_MS)
  } else throw new TypeError('nextUpdate must be a Date or a number of days')
  if (!(nextUpdate > at)) throw new PkiArgumentError('nextUpdate', 'nextUpdate must be after the time of the CRL')
  checkTime(nextUpdate, 'nextUpdate')

  const context = await caContext(crypto, ca)
  assertValidAt(ca, context.certificate.notBefore, context.certificate.notAfter, at)
  const usage = readKeyUsageBits(context.certificate.extensions.get(OID.keyUsage))
  if (usage && !usage.has(CRL_SIGN))
    throw new PkiStateError(ca.status, 'the CA certificate lacks the cRLSign key usage')

  const crlNumber = ca.crlNumber + 1
  // A CRL at `at` lists what was revoked by then (RFC 5280 5.1.2.6).
  const entries = ca.revoked
    .filter((r) => Date.parse(r.at) <= at.getTime())
    .sort((a, b) => (a.serialNo < b.serialNo ? -1 : 1))
    .map((r) => {
      const code = REVOCATION_REASONS[r.reason]
      // RFC 5280 5.3.1: reasonCode unspecified SHOULD be absent rather than present.
      const extensions = code ? sequence(extension(OID.reasonCode, false, enumerated(code))) : new Uint8Array(0)
      return sequence(integer(fromHex(r.serialNo)), encodeTime(new Date(r.at)), extensions)
    })
  const signer = context.signer
  const tbs = sequence(
    integer(1),
    signer.spec.signatureAlgorithm,
    signer.name,
    encodeTime(at),
    encodeTime(nextUpdate),
    entries.length ? sequence(...entries) : new Uint8Array(0),
    contextTag(
      0,
      true,
      sequence(authorityKeyIdentifier(signer.keyId), extension(OID.cRLNumber, false, integer(crlNumber))),
    ),
  )
  const signature = await signBytes(crypto, signer.spec, signer.privateKey, tbs)
  await checkSignature(crypto, signer, tbs, signature)
  const der = sequence(tbs, signer.spec.signatureAlgorithm, bitString(signature))
  return { crl: encodePem('X509 CRL', der), ca: { ...ca, crlNumber } }
}
