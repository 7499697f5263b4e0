/**
 * The limits a CA keeps whatever it is asked: name constraints over every name in the subject, path length over
 * the whole chain, validity of the whole chain, well-formed subjects, strict inputs, and typed errors only.
 */

import { createCertificate } from '../../src/cert/create.ts'
import { randomSerial } from '../../src/cert/serial.ts'
import { ecdsaRawToDer } from '../../src/der/ecdsa.ts'
import { OID, oid } from '../../src/der/oid.ts'
import {
  bitString,
  contextTag,
  integer,
  octetString,
  printableString,
  sequence,
  setOf,
  utf8String,
} from '../../src/der/writer.ts'
import {
  type CertificateAuthority,
  createRootCa,
  createSubordinateCa,
  disableCa,
  encodePem,
  generateCrl,
  generateKeyPair,
  getCaCsr,
  importCaCertificate,
  issueCertificate,
  parseCertificate,
  revokeCertificate,
  signCsr,
  signSubordinateCa,
} from '../../src/index.ts'
import { KEY_TYPE_SPECS } from '../../src/keys/types.ts'
import { bufferSource } from '../../src/lib/bytes.ts'
import { deepEqual, equal, ok, rejects } from '../assert.ts'
import { suite } from '../harness.ts'
import { signingContextForTests } from './ca-helpers.ts'

const DAY = 86_400_000

/** A CSR with exactly the subject attributes and SAN DNS names given, signed for real with an EC256 key. */
async function rawCsr(subject: [oid: string, value: string][], dnsNames: string[] = []): Promise<string> {
  const keys = await generateKeyPair('EC256')
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))
  const name = sequence(
    ...subject.map(([o, v]) => setOf([sequence(oid(o), o === OID.country ? printableString(v) : utf8String(v))])),
  )
  const san = dnsNames.length
    ? [
        sequence(
          oid(OID.extensionRequest),
          setOf([
            sequence(
              sequence(
                oid(OID.subjectAltName),
                octetString(sequence(...dnsNames.map((d) => contextTag(2, false, new TextEncoder().encode(d))))),
              ),
            ),
          ]),
        ),
      ]
    : []
  const info = sequence(integer(0), name, spki, contextTag(0, true, ...san))
  const raw = new Uint8Array(await crypto.subtle.sign(KEY_TYPE_SPECS.EC256.sign, keys.privateKey, bufferSource(info)))
  return encodePem(
    'CERTIFICATE REQUEST',
    sequence(info, KEY_TYPE_SPECS.EC256.signatureAlgorithm, bitString(ecdsaRawToDer(raw, 32))),
  )
}

/** A CA certificate for `subject` signed by `issuer` with no checks at all: what a careless external CA would do. */
async function carelessCaCertificate(
  issuer: CertificateAuthority,
  pending: CertificateAuthority,
  o: { pathLen?: number; notAfter?: Date } = {},
): Promise<string> {
  const context = await signingContextForTests(issuer)
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pending.keys.publicKey))
  const subject = sequence(setOf([sequence(oid(OID.commonName), utf8String(`Careless ${pending.id.slice(0, 8)}`))]))
  const der = await createCertificate(
    crypto,
    {
      serialNumber: randomSerial(crypto),
      subject,
      notBefore: new Date(Date.now() - DAY),
      notAfter: o.notAfter ?? new Date(Date.now() + 30 * DAY),
      publicKey: spki,
      isCa: true,
      ...(o.pathLen !== undefined ? { pathLen: o.pathLen } : {}),
      keyUsage: ['keyCertSign', 'cRLSign'],
    },
    context.signer,
  )
  return encodePem('CERTIFICATE', der)
}

export default suite('ca limits', (test) => {
  test('name constraints hold for the subject CN and emailAddress too, whatever the profile', async () => {
    const root = await createRootCa({
      subject: { commonName: 'Constrained Root' },
      nameConstraints: { permittedDns: ['a.example.com'], permittedEmails: ['a.example.com'] },
    })
    for (const profile of ['tls-client', 'code-signing'] as const) {
      await rejects(issueCertificate(root, { profile, x509Parameters: { commonName: 'host.evil.com' } }), {
        code: 'ERR_PKI_ARGUMENT',
      })
    }
    await issueCertificate(root, { profile: 'tls-client', x509Parameters: { commonName: 'host.a.example.com' } })
    const withEmail = await rawCsr([
      [OID.commonName, 'www.a.example.com'],
      [OID.emailAddress, 'evil@evil.com'],
    ])
    await rejects(signCsr(root, withEmail), { code: 'ERR_PKI_ARGUMENT', field: 'csr' })
    const twoCns = await rawCsr([
      [OID.commonName, 'good.a.example.com'],
      [OID.commonName, 'evil.com'],
    ])
    await rejects(signCsr(root, twoCns), { code: 'ERR_PKI_ARGUMENT', field: 'csr' })
  })

  test('pathLen is counted over the whole chain, at signing and at import', async () => {
    const root = await createRootCa({ subject: { commonName: 'Depth Root' }, pathLen: 1 })
    const a = await createSubordinateCa({ subject: { commonName: 'Depth A' } })
    await rejects(signSubordinateCa(root, await getCaCsr(a), { pathLen: 1 }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'pathLen',
    })
    // A careless parent writes pathLen 5 under a root that allows one level: A may still not sign a CA.
    const activeA = await importCaCertificate(a, await carelessCaCertificate(root, a, { pathLen: 5 }), root.certificate)
    const b = await createSubordinateCa({ subject: { commonName: 'Depth B' } })
    await rejects(signSubordinateCa(activeA, await getCaCsr(b)), { code: 'ERR_PKI_ARGUMENT', field: 'pathLen' })
    // ...and a CA certificate for B signed carelessly by A does not import.
    const chain = [activeA.certificate, ...activeA.chain].join('')
    await rejects(importCaCertificate(b, await carelessCaCertificate(activeA, b), chain), {
      code: 'ERR_PKI_CHAIN',
      reason: 'path_len_exceeded',
    })
  })

  test('nothing outlives the chain: MAX stops at the earliest notAfter above', async () => {
    const root = await createRootCa({ subject: { commonName: 'Short Chain Root' }, validityDays: 20 })
    const sub = await createSubordinateCa({ subject: { commonName: 'Long Sub' } })
    const longLived = await carelessCaCertificate(root, sub, { notAfter: new Date(Date.now() + 400 * DAY) })
    const active = await importCaCertificate(sub, longLived, root.certificate)
    const leaf = await issueCertificate(active, { period: 'MAX', x509Parameters: { commonName: 'max.example' } })
    equal(parseCertificate(leaf.certificate).notAfter, parseCertificate(root.certificate as string).notAfter)
    await rejects(issueCertificate(active, { period: 30, x509Parameters: { commonName: 'max.example' } }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'period',
    })
  })

  test('no nameless certificates; a CA is never named like its parent; CNs written as in the SAN', async () => {
    const root = await createRootCa({ subject: { commonName: 'Naming Root' } })
    await rejects(signCsr(root, await rawCsr([]), { profile: 'tls-client' }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'csr',
    })
    await rejects(signSubordinateCa(root, await rawCsr([])), { code: 'ERR_PKI_ARGUMENT', field: 'csr' })
    await rejects(signSubordinateCa(root, await rawCsr([[OID.commonName, 'Naming Root']])), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'csr',
    })
    const nameless = await signCsr(root, await rawCsr([], ['only-san.example']), { profile: 'tls-client' })
    const info = parseCertificate(nameless.certificate)
    deepEqual(info.subject, {})
    equal(info.extensions.find((e) => e.oid === OID.subjectAltName)?.critical, true, 'empty subject: SAN critical')
    const shouting = parseCertificate(
      (await signCsr(root, await rawCsr([[OID.commonName, 'WWW.Example.COM']]))).certificate,
    )
    equal(shouting.subject.commonName, 'www.example.com')
    deepEqual(shouting.dnsNames, ['www.example.com'])
  })

  test('settings, serials and reasons are strict', async () => {
    const root = await createRootCa({ subject: { commonName: 'Strict Root' }, policies: ['1.2.3.4', '1.2.3.4'] })
    deepEqual(root.settings.policies, ['1.2.3.4'])
    await rejects(createRootCa({ subject: { commonName: 'x' }, policies: ['0.45'] }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'policies[0]',
    })
    await rejects(createRootCa({ subject: { commonName: 'x' }, crlUrls: ['ftp://x.example/a.crl'] }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'crlUrls[0]',
    })
    for (const serial of ['1:2:3', '00', '0:0', 'xyz', '']) {
      await rejects(revokeCertificate(root, serial), { code: 'ERR_PKI_ARGUMENT', field: 'serialNo' }, serial)
    }
    await rejects(revokeCertificate(root, '01:02', 'removeFromCRL'), { code: 'ERR_PKI_ARGUMENT', field: 'reason' })
    deepEqual(
      (await revokeCertificate(root, '0102')).revoked.map((r) => r.serialNo),
      ['01:02'],
    )
  })

  test('serials are 16 content octets, positive without a sign octet, a first octet of zero drawn again', () => {
    // Draws: first octet 0x80 (cleared to 00: drawn again), then 0x00, then 0xff (cleared to 7f: kept).
    const draws = [0x80, 0x00, 0xff]
    const scripted = {
      getRandomValues<T extends ArrayBufferView | null>(array: T): T {
        const bytes = array as unknown as Uint8Array
        bytes.fill(0x80)
        bytes[0] = draws.shift() as number
        return array
      },
    } as Crypto
    const serial = randomSerial(scripted)
    equal(serial.length, 16)
    equal(serial[0], 0x7f)
    equal(draws.length, 0)
    for (let i = 0; i < 200; i++) {
      const fresh = randomSerial(crypto)
      ok(fresh.length === 16 && (fresh[0] as number) > 0 && (fresh[0] as number) < 0x80, 'a 16-octet positive serial')
    }
  })

  test('times a certificate cannot carry are argument errors, not RangeErrors', async () => {
    const subject = { commonName: 'Time Root' }
    await rejects(createRootCa({ subject, at: new Date('1900-01-01T00:00:00Z') }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'at',
    })
    await rejects(createRootCa({ subject, at: new Date('9990-01-01T00:00:00Z'), validityDays: 36500 }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'validityDays',
    })
    const root = await createRootCa({ subject })
    await rejects(generateCrl(root, { nextUpdate: new Date(Date.UTC(10001, 0, 1)) }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'nextUpdate',
    })
  })

  test('wrong and tampered arguments are TypeErrors; status is checked first', async () => {
    const root = await createRootCa({ subject: { commonName: 'Tamper Root' } })
    const typeError = { name: 'TypeError' } as never
    await rejects(
      issueCertificate({ ...root, crlNumber: Number.NaN }, { x509Parameters: { commonName: 't.example' } }),
      typeError,
    )
    await rejects(generateCrl({ ...root, settings: null as never }), typeError)
    await rejects(
      generateCrl({ ...root, revoked: [{ serialNo: '01', reason: 'unspecified', at: 'garbage' }] }),
      typeError,
    )
    await rejects(
      issueCertificate(
        { ...root, keys: { privateKey: root.keys.publicKey, publicKey: root.keys.publicKey } },
        { x509Parameters: { commonName: 't.example' } },
      ),
      typeError,
    )
    const pending = await createSubordinateCa({ subject: { commonName: 'Typed' } })
    await rejects(importCaCertificate(pending, root.certificate as string, 5 as never), typeError)
    await rejects(signCsr(root, await rawCsr([[OID.commonName, 't.example']]), null as never), typeError)
    await rejects(generateCrl(root, null as never), typeError)
    const other = await createRootCa({ subject: { commonName: 'Other' } })
    await rejects(
      issueCertificate(await disableCa({ ...root, keys: other.keys }), { x509Parameters: { commonName: 't.example' } }),
      {
        code: 'ERR_PKI_STATE',
      },
    )
  })

  test('fail closed: a record changed in place is not signed for with its old context', async () => {
    const a = await createRootCa({ subject: { commonName: 'Cache A' } })
    const b = await createRootCa({ subject: { commonName: 'Cache B' } })
    await issueCertificate(a, { x509Parameters: { commonName: 'c.example' } })
    a.certificate = b.certificate
    await rejects(issueCertificate(a, { x509Parameters: { commonName: 'c.example' } }), {
      code: 'ERR_PKI_KEY_MISMATCH',
    })
  })

  test('fail closed: a signature that does not verify with the CA public key is never returned', async () => {
    const a = await createRootCa({ subject: { commonName: 'Signer A' } })
    const b = await createRootCa({ subject: { commonName: 'Signer B' } })
    const halfSwapped = { ...a, keys: { privateKey: b.keys.privateKey, publicKey: a.keys.publicKey } }
    await rejects(issueCertificate(halfSwapped, { x509Parameters: { commonName: 'f.example' } }), {
      code: 'ERR_PKI_SIGNATURE',
    })
    await rejects(generateCrl(halfSwapped), { code: 'ERR_PKI_SIGNATURE' })
  })
})
