import { PkiStateError } from '../errors.ts'
import { checkCaRecord } from './options.ts'
import { applyChange, type StoreOption, storeOption } from './persist.ts'
import type { CaStatus, CertificateAuthority } from './types.ts'

function changeStatus(
  ca: CertificateAuthority,
  o: StoreOption | undefined,
  from: CaStatus,
  to: CaStatus,
  verb: string,
): Promise<CertificateAuthority> {
  checkCaRecord(ca)
  const store = storeOption(o)
  return applyChange(ca, store, (state) => {
    if (state.status !== from) {
      throw new PkiStateError(state.status, `only a CA in status ${from} can be ${verb}; this one is ${state.status}`)
    }
    return { ...state, status: to }
  })
}

/**
 * Disables an ACTIVE CA: it refuses to issue (PkiStateError) but can still revoke and publish CRLs. With `store`,
 * the stored CA is disabled.
 *
 * @example
 * const paused = await disableCa(ca) // status 'DISABLED'
 * await disableCa(ca, { store })
 */
export function disableCa(ca: CertificateAuthority, o?: StoreOption): Promise<CertificateAuthority> {
  return changeStatus(ca, o, 'ACTIVE', 'DISABLED', 'disabled')
}

/**
 * Enables a DISABLED CA again.
 *
 * @example
 * const resumed = await enableCa(paused) // status 'ACTIVE'
 */
export function enableCa(ca: CertificateAuthority, o?: StoreOption): Promise<CertificateAuthority> {
  return changeStatus(ca, o, 'DISABLED', 'ACTIVE', 'enabled')
}
