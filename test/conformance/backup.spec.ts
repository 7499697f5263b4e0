/**
 * Encrypted CA backups: a round trip keeps the CA usable (it issues certificates that chain to the original root),
 * its revocations, CRL number and registry; a wrong passphrase or an altered byte imports nothing.
 */
import {
  createMemoryStore,
  createRootCa,
  createSubordinateCa,
  exportCaBackup,
  exportPrivateKey,
  generateCrl,
  getCaCsr,
  importCaBackup,
  importCaCertificate,
  issueCertificate,
  parseCrl,
  revokeCertificate,
  signSubordinateCa,
  verifyChain,
} from '../../src/index.ts'
import { deepEqual, equal, ok, rejects } from '../assert.ts'
import { suite } from '../harness.ts'
import { dumpStore } from './store.spec.ts'

const passphrase = 'correct horse battery staple'
const iterations = 10_000 // the least allowed (default 600,000): these tests are about the format, not the work factor

export default suite('backup', (test) => {
  test('a backup restores a CA that issues certificates chaining to the original root', async () => {
    const store = createMemoryStore()
    const root = await createRootCa({ subject: { commonName: 'Backup Root' }, allowBackup: true, store })
    ok(root.sealedKey, 'a sealed key')
    equal(root.keys.privateKey.extractable, false)
    equal(root.sealedKey.wrappingKey.extractable, false)
    const first = await issueCertificate(root, { x509Parameters: { commonName: 'one.example' }, store })
    await revokeCertificate(root, first.serialNo, 'keyCompromise', { store })
    await generateCrl(root, { store })
    const text = await exportCaBackup(root, { passphrase, store, iterations })
    ok(!text.includes('PRIVATE KEY') && !text.includes('Backup Root'), 'the backup is encrypted')

    const target = createMemoryStore()
    const { ca, issued } = await importCaBackup(text, { passphrase, store: target })
    equal(ca.id, root.id)
    equal(ca.certificate, root.certificate)
    equal(ca.crlNumber, 1)
    deepEqual(
      ca.revoked.map((r) => r.serialNo),
      [first.serialNo],
    )
    deepEqual(
      issued.map((r) => r.serialNo),
      [first.serialNo],
    )
    equal(ca.keys.privateKey.extractable, false)
    await rejects(exportPrivateKey(ca.keys.privateKey), { code: 'ERR_PKI_ARGUMENT', field: 'key' })
    equal((await target.getIssued(ca.id, first.serialNo)).status, 'REVOKED')
    const leaf = await issueCertificate(ca, { x509Parameters: { commonName: 'two.example' }, store: target })
    await verifyChain(leaf.certificate, { roots: [root.certificate as string], dnsName: 'two.example' })
    equal(parseCrl((await generateCrl(ca, { store: target })).crl).crlNumber, '2')
    // The restored CA can be backed up in turn (its key is sealed again).
    const again = await importCaBackup(await exportCaBackup(ca, { passphrase: 'another', store: target, iterations }), {
      passphrase: 'another',
    })
    equal(again.issued.length, 2)
  })

  test('a pending subordinate travels and is activated after the restore', async () => {
    const root = await createRootCa({ subject: { commonName: 'Parent' } })
    const sub = await createSubordinateCa({ subject: { commonName: 'Travelling Sub' }, allowBackup: true })
    const { ca } = await importCaBackup(await exportCaBackup(sub, { passphrase, iterations }), { passphrase })
    equal(ca.status, 'PENDING_CERTIFICATE')
    const certificate = await signSubordinateCa(root, await getCaCsr(ca))
    const active = await importCaCertificate(ca, certificate, root.certificate as string)
    const leaf = await issueCertificate(active, { x509Parameters: { commonName: 'sub.example' } })
    await verifyChain(leaf.certificate, { roots: [root.certificate as string], intermediates: [certificate] })
  })

  test('a wrong passphrase or an altered byte imports nothing', async () => {
    const root = await createRootCa({ subject: { commonName: 'Tamper Root' }, allowBackup: true })
    const text = await exportCaBackup(root, { passphrase, iterations })
    const store = createMemoryStore()
    const empty = await dumpStore(store)
    await rejects(importCaBackup(text, { passphrase: 'wrong', store }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'passphrase',
    })
    const parsed = JSON.parse(text)
    const data: string = parsed.data
    const flipped = `${data.slice(0, 40)}${data[40] === 'A' ? 'B' : 'A'}${data.slice(41)}`
    await rejects(importCaBackup(JSON.stringify({ ...parsed, data: flipped }), { passphrase, store }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'passphrase',
    })
    // The header is authenticated too: another work factor, salt or IV written into the file breaks it.
    const altered = [
      { ...parsed, kdf: { ...parsed.kdf, iterations: iterations + 1 } },
      { ...parsed, kdf: { ...parsed.kdf, salt: btoa('0123456789abcdef') } },
      { ...parsed, cipher: { ...parsed.cipher, iv: btoa('0123456789ab') } },
    ]
    for (const file of altered) {
      await rejects(importCaBackup(JSON.stringify(file), { passphrase, store }), {
        code: 'ERR_PKI_ARGUMENT',
        field: 'passphrase',
      })
    }
    // Below the floor of 10,000 iterations a file is not even tried.
    await rejects(
      importCaBackup(JSON.stringify({ ...parsed, kdf: { ...parsed.kdf, iterations: 1000 } }), { passphrase, store }),
      { code: 'ERR_PKI_FORMAT' },
    )
    await rejects(importCaBackup('{"format":"something else"}', { passphrase, store }), { code: 'ERR_PKI_FORMAT' })
    await rejects(importCaBackup('not json', { passphrase, store }), { code: 'ERR_PKI_FORMAT' })
    await rejects(importCaBackup(JSON.stringify({ ...parsed, version: 2 }), { passphrase, store }), {
      code: 'ERR_PKI_FORMAT',
    })
    await rejects(importCaBackup(text, { passphrase: '', store }), { code: 'ERR_PKI_ARGUMENT', field: 'passphrase' })
    equal(await dumpStore(store), empty)
    // Restoring into a store that already has the CA adds nothing either.
    await importCaBackup(text, { passphrase, store })
    const once = await dumpStore(store)
    await rejects(importCaBackup(text, { passphrase, store }), { code: 'ERR_PKI_STATE' })
    equal(await dumpStore(store), once)
  })

  test('a restore with allowBackup false keeps the key inside WebCrypto for good', async () => {
    const root = await createRootCa({ subject: { commonName: 'Last Copy' }, allowBackup: true })
    const text = await exportCaBackup(root, { passphrase, iterations })
    const { ca } = await importCaBackup(text, { passphrase, allowBackup: false })
    equal(ca.sealedKey, undefined)
    await rejects(exportCaBackup(ca, { passphrase, iterations }), { code: 'ERR_PKI_STATE' })
    await issueCertificate(ca, { x509Parameters: { commonName: 'still.example' } })
    // The passphrase is taken in Unicode NFC: the same words typed as decomposed characters open the file.
    const accented = await exportCaBackup(root, { passphrase: 'caf\u00e9', iterations })
    equal((await importCaBackup(accented, { passphrase: 'cafe\u0301' })).ca.id, root.id)
    await rejects(exportCaBackup(root, { passphrase, iterations, issued: [], store: createMemoryStore() }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'issued',
    })
  })

  test('a CA made without allowBackup cannot be backed up', async () => {
    const root = await createRootCa({ subject: { commonName: 'Sealed Away' } })
    equal(root.sealedKey, undefined)
    await rejects(exportCaBackup(root, { passphrase, iterations }), { code: 'ERR_PKI_STATE' })
    await rejects(exportCaBackup(root, { passphrase, iterations: 10 }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'iterations',
    })
  })
})
