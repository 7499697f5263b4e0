/**
 * How the CA functions write through a store (DESIGN.md: "when a store is given, persists it in one transaction").
 * A change is a pure function of the stored state that checks its own preconditions, so it can run on the caller's
 * record (no store) or inside the store's atomic update, against what the store holds at that moment.
 */
import { stateOf, withKeys } from '../store/registry.ts'
import type { CaState, CaStore } from '../store/types.ts'
import type { CertificateAuthority } from './types.ts'

/** The `store` option of the CA functions. */
export interface StoreOption {
  /** Where the CA lives: the function reads and writes it there, in one atomic step. */
  store?: CaStore
}

/**
 * Reads the `store` option once: undefined, or an object with the CaStore methods (a TypeError otherwise).
 *
 * @example
 * const store = storeOption(o)
 */
export function storeOption(o: StoreOption | undefined): CaStore | undefined {
  const store = o?.store
  if (store === undefined) return undefined
  const methods = ['addCa', 'loadCa', 'listCas', 'deleteCa', 'updateCa', 'addIssued', 'getIssued', 'listIssued']
  if (typeof store !== 'object' || store === null || methods.some((m) => typeof (store as never)[m] !== 'function')) {
    throw new TypeError(`store must be a CaStore (with ${methods.join(', ')})`)
  }
  return store
}

/**
 * Applies `change` to a CA: to the caller's record without a store (a new record; the input is not touched), or
 * through `store.updateCa`, to the stored state, with a store.
 *
 * @example
 * const disabled = await applyChange(ca, store, (s) => ({ ...s, status: 'DISABLED' }))
 */
export async function applyChange(
  ca: CertificateAuthority,
  store: CaStore | undefined,
  change: (state: CaState) => CaState,
): Promise<CertificateAuthority> {
  if (store) return store.updateCa(ca.id, change)
  return withKeys(change(stateOf(ca)), ca.keys, ca.sealedKey)
}
