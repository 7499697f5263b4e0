import { PkiStateError } from '../errors.ts'
import { checkCaRecord } from './options.ts'
import type { CertificateAuthority } from './types.ts'

/**
 * Disables an ACTIVE CA: it refuses to issue (PkiStateError) but can still revoke and publish CRLs.
 *
 * @example
 * const paused = disableCa(ca) // status 'DISABLED'
 */
export function disableCa(ca: CertificateAuthority): CertificateAuthority {
  checkCaRecord(ca)
  if (ca.status !== 'ACTIVE')
    throw new PkiStateError(ca.status, `only an ACTIVE CA can be disabled, this one is ${ca.status}`)
  return { ...ca, status: 'DISABLED' }
}

/**
 * Enables a DISABLED CA again.
 *
 * @example
 * const resumed = enableCa(paused) // status 'ACTIVE'
 */
export function enableCa(ca: CertificateAuthority): CertificateAuthority {
  checkCaRecord(ca)
  if (ca.status !== 'DISABLED')
    throw new PkiStateError(ca.status, `only a DISABLED CA can be enabled, this one is ${ca.status}`)
  return { ...ca, status: 'ACTIVE' }
}
