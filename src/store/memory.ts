import type { CertificateAuthority } from '../ca/types.ts'
import { PkiArgumentError, PkiNotFoundError, PkiStateError } from '../errors.ts'
import {
  assertIssuing,
  byIssuance,
  checkChanged,
  checkId,
  checkIssuedRecord,
  copySealedKey,
  registrySerial,
  stateOf,
  withKeys,
  withStatus,
} from './registry.ts'
import type { CaState, CaStore, IssuedEntry, IssuedRecord } from './types.ts'

interface Entry {
  state: CaState
  keys: CryptoKeyPair
  sealedKey: CertificateAuthority['sealedKey']
  issued: Map<string, IssuedRecord>
}

function record(entry: Entry): CertificateAuthority {
  return withKeys(entry.state, entry.keys, entry.sealedKey)
}

/**
 * A store in this process's memory: for tests and for CAs that need not outlive the process. Every write is one
 * synchronous step, so it is atomic by construction; records are copied in and out, so callers never share mutable
 * parts with it.
 *
 * @example
 * const store = createMemoryStore()
 * const root = await createRootCa({ subject: { commonName: 'Test Root' }, store })
 * const again = await store.loadCa(root.id)
 */
export function createMemoryStore(): CaStore {
  const entries = new Map<string, Entry>()
  const find = (id: unknown): Entry => {
    const entry = entries.get(checkId(id))
    if (!entry) throw new PkiNotFoundError(`no CA with id ${id} in this store`)
    return entry
  }
  return {
    keeps: 'CryptoKey',
    async addCa(ca, issued = []) {
      const id = checkId(ca?.id)
      const records = issued.map(checkIssuedRecord)
      if (entries.has(id)) throw new PkiStateError(ca.status, `a CA with id ${id} is already in this store`)
      entries.set(id, {
        state: stateOf(ca),
        keys: { ...ca.keys },
        sealedKey: ca.sealedKey && copySealedKey(ca.sealedKey),
        issued: new Map(records.map((r) => [r.serialNo, r])),
      })
    },
    async loadCa(id) {
      return record(find(id))
    },
    async listCas() {
      return [...entries.values()].map((e) => stateOf(e.state))
    },
    async deleteCa(id) {
      find(id)
      entries.delete(id)
    },
    async updateCa(id, change) {
      const entry = find(id)
      entry.state = checkChanged(entry.state, change(stateOf(entry.state)))
      return record(entry)
    },
    async addIssued(caId, input) {
      const entry = find(caId)
      const issued = checkIssuedRecord(input)
      assertIssuing(entry.state)
      if (entry.issued.has(issued.serialNo)) {
        throw new PkiArgumentError('serialNo', `serial ${issued.serialNo} is already in the registry`)
      }
      entry.issued.set(issued.serialNo, issued)
    },
    async getIssued(caId, serialNo): Promise<IssuedEntry> {
      const entry = find(caId)
      const found = entry.issued.get(registrySerial(serialNo))
      if (!found) throw new PkiNotFoundError(`no certificate with serial ${serialNo} in the registry of CA ${caId}`)
      return withStatus(found, entry.state.revoked)
    },
    async listIssued(caId) {
      const entry = find(caId)
      return [...entry.issued.values()].sort(byIssuance).map((r) => withStatus(r, entry.state.revoked))
    },
  }
}
