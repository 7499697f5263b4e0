import { normalizeSerial } from '../cert/serial.ts'
import { PkiArgumentError, PkiStateError } from '../errors.ts'
import type { CaState } from '../store/types.ts'
import { checkCaRecord, runtime } from './options.ts'
import { applyChange, type StoreOption, storeOption } from './persist.ts'
import type { CertificateAuthority, RevocationReason, Runtime } from './types.ts'

/**
 * CRLReason codes (RFC 5280 5.3.1); 7 is not used.
 *
 * @example
 * REVOCATION_REASONS.keyCompromise // 1
 */
export const REVOCATION_REASONS: Readonly<Record<RevocationReason, number>> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
}

/**
 * A reason given as the RFC 5280 name (`keyCompromise`) or the cloud APIs' form (`KEY_COMPROMISE`,
 * `A_A_COMPROMISE`); default `unspecified`.
 *
 * @example
 * revocationReason('KEY_COMPROMISE') // 'keyCompromise'
 */
export function revocationReason(reason: unknown): RevocationReason {
  if (reason === undefined) return 'unspecified'
  if (typeof reason !== 'string') throw new TypeError('reason must be a string')
  const key = reason.replace(/_/g, '').toLowerCase()
  // removeFromCRL (8) belongs to delta CRLs only (RFC 5280 5.3.1); pocket-ca publishes full CRLs.
  const match = (Object.keys(REVOCATION_REASONS) as RevocationReason[]).find(
    (r) => r !== 'removeFromCRL' && r.toLowerCase() === key,
  )
  if (!match)
    throw new PkiArgumentError(
      'reason',
      `unknown revocation reason ${reason}: use one of ${Object.keys(REVOCATION_REASONS).join(', ')}`,
    )
  return match
}

/**
 * Records a certificate of this CA as revoked; the next {@link generateCrl} lists it. Returns the updated record
 * (the input is not changed). The serial is taken in any hex form (`4F:0A…`, `4f0a…`). With `store`, the serial
 * must be in the CA's registry (PkiNotFoundError otherwise) and the revocation is written to the stored CA.
 *
 * @example
 * const updated = await revokeCertificate(ca, issued.serialNo, 'keyCompromise')
 * const { crl } = await generateCrl(updated)
 * await revokeCertificate(ca, '4F:0A', 'superseded', { store }) // the store's CA is updated
 */
export async function revokeCertificate(
  ca: CertificateAuthority,
  serialNo: string,
  reason?: RevocationReason | string,
  o?: Runtime & StoreOption,
): Promise<CertificateAuthority> {
  checkCaRecord(ca)
  const store = storeOption(o)
  if (typeof serialNo !== 'string') throw new TypeError('serialNo must be a string')
  const serial = normalizeSerial(serialNo)
  if (!serial || serial.split(':').length > 20)
    throw new PkiArgumentError('serialNo', 'serialNo must be the hex of a serial number of at most 20 octets')
  const why = revocationReason(reason)
  const { at } = runtime(o)
  const revocable = (state: CaState): void => {
    if (state.status !== 'ACTIVE' && state.status !== 'DISABLED') {
      throw new PkiStateError(state.status, `the CA is ${state.status}: it has issued nothing to revoke`)
    }
  }
  if (store) {
    // The status first, as without a store; then the registry, whose entries are never changed or removed, so this
    // read needs no lock around the update below.
    revocable(await store.loadCa(ca.id))
    await store.getIssued(ca.id, serial)
  }
  return applyChange(ca, store, (state) => {
    revocable(state)
    if (state.revoked.some((r) => r.serialNo === serial)) {
      throw new PkiArgumentError('serialNo', `${serial} is already revoked`)
    }
    return { ...state, revoked: [...state.revoked, { serialNo: serial, reason: why, at: at.toISOString() }] }
  })
}
