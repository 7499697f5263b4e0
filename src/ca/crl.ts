import { checkSignature } from '../cert/create.ts'
import { authorityKeyIdentifier, extension } from '../cert/extensions.ts'
import { readKeyUsageBits } from '../cert/read.ts'
import { OID } from '../der/oid.ts'
import { encodeTime } from '../der/time.ts'
import { bitString, contextTag, enumerated, integer, sequence } from '../der/writer.ts'
import { PkiArgumentError, PkiStateError, PkiStorageError } from '../errors.ts'
import { signBytes } from '../keys/sign.ts'
import { concatBytes, fromHex } from '../lib/bytes.ts'
import { encodePem } from '../pem/index.ts'
import { assertValidAt, checkCaRecord, checkTime, DAY_MS, runtime } from './options.ts'
import { type StoreOption, storeOption } from './persist.ts'
import { REVOCATION_REASONS } from './revoke.ts'
import { caContext } from './signer.ts'
import type { CertificateAuthority, Runtime } from './types.ts'

const CRL_SIGN = 6

/** Options of {@link generateCrl}. */
export interface GenerateCrlOptions extends Runtime, StoreOption {
  /** When the next CRL will be published: a Date, or days after `at` (default 7). */
  nextUpdate?: Date | number
}

/** How often a CRL is signed again because another writer changed the stored CA meanwhile. */
const CRL_ATTEMPTS = 5

function readNextUpdate(asked: unknown, at: Date): Date {
  let nextUpdate: Date
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
  return checkTime(nextUpdate, 'nextUpdate')
}

/** Signs the CRL numbered `ca.crlNumber + 1` over `ca.revoked`, and checks the signature. */
async function signCrl(crypto: Crypto, ca: CertificateAuthority, at: Date, nextUpdate: Date): Promise<string> {
  if (ca.status !== 'ACTIVE' && ca.status !== 'DISABLED') {
    throw new PkiStateError(ca.status, `the CA is ${ca.status}: it cannot publish a CRL`)
  }
  const context = await caContext(crypto, ca)
  assertValidAt(ca, context.certificate.notBefore, context.certificate.notAfter, at)
  const usage = readKeyUsageBits(context.certificate.extensions.get(OID.keyUsage))
  if (usage && !usage.has(CRL_SIGN))
    throw new PkiStateError(ca.status, 'the CA certificate lacks the cRLSign key usage')

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
    // One content buffer, not `sequence(...entries)`: spreading 100,000 entries into a call overflows the stack.
    entries.length ? sequence(concatBytes(entries)) : new Uint8Array(0),
    contextTag(
      0,
      true,
      sequence(authorityKeyIdentifier(signer.keyId), extension(OID.cRLNumber, false, integer(ca.crlNumber + 1))),
    ),
  )
  const signature = await signBytes(crypto, signer.spec, signer.privateKey, tbs)
  await checkSignature(crypto, signer, tbs, signature)
  return encodePem('X509 CRL', sequence(tbs, signer.spec.signatureAlgorithm, bitString(signature)))
}

/**
 * Publishes a CRL (RFC 5280 section 5: v2, with the CRL number and authority key identifier, a reason code on each
 * entry other than unspecified), signed by the CA and checked before it is returned, as PEM under the label
 * `X509 CRL` (the one OpenSSL reads). Returns the CRL and the CA record with its CRL number advanced.
 *
 * With `store`, the CRL is made from the stored CA (its latest revocations), and its number is taken only if no
 * other writer changed the CA while it was signed (else it is signed again): CRL numbers stay monotonic and unique
 * (RFC 5280 5.2.3) across tabs and processes.
 *
 * @example
 * const { crl, ca: updated } = await generateCrl(ca, { nextUpdate: 1 })
 * const { crl: latest } = await generateCrl(ca, { store })
 */
export async function generateCrl(
  ca: CertificateAuthority,
  o?: GenerateCrlOptions,
): Promise<{ crl: string; ca: CertificateAuthority }> {
  checkCaRecord(ca)
  const { crypto, at } = runtime(o)
  const store = storeOption(o)
  const nextUpdate = readNextUpdate(o?.nextUpdate, at)
  if (!store) {
    const crl = await signCrl(crypto, ca, at, nextUpdate)
    return { crl, ca: { ...ca, crlNumber: ca.crlNumber + 1 } }
  }
  for (let attempt = 1; attempt <= CRL_ATTEMPTS; attempt++) {
    const current = await store.loadCa(ca.id)
    const crl = await signCrl(crypto, current, at, nextUpdate)
    const changed = new Error('changed meanwhile')
    try {
      const updated = await store.updateCa(ca.id, (state) => {
        // Revocations are only ever appended, so an equal count means the same list.
        if (state.crlNumber !== current.crlNumber || state.revoked.length !== current.revoked.length) throw changed
        return { ...state, crlNumber: current.crlNumber + 1 }
      })
      return { crl, ca: updated }
    } catch (e) {
      if (e !== changed) throw e
    }
  }
  throw new PkiStorageError(`the CA changed during each of ${CRL_ATTEMPTS} attempts to sign its CRL`)
}
