/**
 * Shared by the compat tests (test/node/compat-*.test.ts): a handler over a memory store served by the Node adapter
 * on 127.0.0.1 (port 0), a small hierarchy in that store, a store that fails, and OpenSSL checks of what the routes
 * return.
 */

import { importCaCertificate, signSubordinateCa } from '../../src/ca/subordinate.ts'
import type { CertificateAuthority } from '../../src/ca/types.ts'
import { createPrivateCaHandler } from '../../src/compat/handler.ts'
import { type PrivateCaServer, servePrivateCa } from '../../src/compat/node.ts'
import { type CaStore, createMemoryStore, createRootCa, createSubordinateCa, disableCa } from '../../src/index.ts'
import { type TempDir, tool } from '../interop/tools.ts'

/** A server on 127.0.0.1 over `store`. */
export async function serve(store: CaStore, o: { crypto?: Crypto } = {}): Promise<PrivateCaServer> {
  return servePrivateCa({ handler: createPrivateCaHandler({ store, ...o }), port: 0 })
}

/** root (ACTIVE), pending (PENDING_CERTIFICATE), issuing (ACTIVE, signed by root), disabled (DISABLED). */
export interface Hierarchy {
  store: CaStore
  root: CertificateAuthority
  pending: CertificateAuthority
  issuing: CertificateAuthority
  disabled: CertificateAuthority
}

async function signedBy(root: CertificateAuthority, commonName: string, store: CaStore) {
  const sub = await createSubordinateCa({ subject: { commonName, organization: 'pocket-ca tests' }, store })
  const certificate = await signSubordinateCa(root, sub.csr as string, { period: 1825 })
  return importCaCertificate(sub, certificate, root.certificate, { store })
}

/** A small hierarchy, all EC P-256, in a new memory store. */
export async function makeHierarchy(): Promise<Hierarchy> {
  const store = createMemoryStore()
  const root = await createRootCa({ subject: { commonName: 'Compat Test Root' }, validityDays: 3650, store })
  const pending = await createSubordinateCa({ subject: { commonName: 'Compat Pending CA', country: 'GB' }, store })
  const issuing = await signedBy(root, 'Compat Issuing CA', store)
  const disabled = await disableCa(await signedBy(root, 'Compat Disabled CA', store), { store })
  return { store, root, pending, issuing, disabled }
}

/** A store whose reads throw a plain Error: what a broken disk looks like to the APIs (a 500). */
export function failingStore(store: CaStore): CaStore {
  const fail = async (): Promise<never> => {
    throw new Error('the disk is on fire at /secret/path')
  }
  return { ...store, keeps: store.keeps, loadCa: fail, listCas: fail, updateCa: fail, getIssued: fail }
}

/** `openssl req -verify` on a CSR: its output (OpenSSL 3 prints "verify OK" on stderr). */
export function opensslVerifyCsr(tmp: TempDir, pem: string): string {
  const r = tool('openssl', ['req', '-in', tmp.file('req.pem', pem), '-noout', '-verify'])
  if (r.status !== 0) throw new Error(`openssl req -verify exited ${r.status}:\n${r.all}`)
  return r.all
}

/** `openssl verify` of a leaf against a root, with the rest of the chain untrusted: its output. */
export function opensslVerifyCertificate(tmp: TempDir, leaf: string, root: string, chain: string): string {
  const r = tool('openssl', [
    'verify',
    '-CAfile',
    tmp.file('root.pem', root),
    '-untrusted',
    tmp.file('chain.pem', chain),
    tmp.file('leaf.pem', leaf),
  ])
  return r.all
}

/** The subject of a CSR as `openssl req -subject` prints it (RFC 2253 order). */
export function opensslCsrSubject(tmp: TempDir, pem: string): string {
  const r = tool('openssl', ['req', '-in', tmp.file('req.pem', pem), '-noout', '-subject', '-nameopt', 'RFC2253'])
  return r.stdout.trim()
}
