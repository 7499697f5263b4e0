/**
 * `subjectName` / `issuerName` (inspect/name.ts nameText) against the reader pocket-ca used for them before it read
 * every name itself: @peculiar/x509's `Name.toString()`, now only a devDependency. Every certificate of the shared
 * test data our parser accepts, every CSR, and generated names of every string type, escapes included, must print
 * the same. One departure: @peculiar/x509 escapes only the first CR, LF or TAB of a value; we escape all of them.
 */
// biome-ignore-start assist/source/organizeImports: @peculiar/x509 (tsyringe) needs Reflect metadata at import
import 'reflect-metadata'
import { Name, Pkcs10CertificateRequest } from '@peculiar/x509'
// biome-ignore-end assist/source/organizeImports: the order above matters
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readCertificateParts } from '../../src/cert/read.ts'
import { oid } from '../../src/der/oid.ts'
import { readSingle } from '../../src/der/reader.ts'
import { sequence, setOf, tlv } from '../../src/der/writer.ts'
import { PkiError, parseCertificate, parseCsr } from '../../src/index.ts'
import { nameText } from '../../src/inspect/name.ts'
import { readRdns } from '../../src/names/decode.ts'
import { listTestdata, readTestdata } from './testdata.ts'

/** Our text of a DER Name. */
function ours(der: Uint8Array): string {
  return nameText(readRdns(readSingle(der), { opaque: true }))
}

const CONTROL: Record<string, string> = { '\r': '\\0D', '\n': '\\0A', '\t': '\\09' }

/** @peculiar/x509's text, with the CR, LF and TAB it left raw escaped as it escaped the first one. */
function theirs(der: Uint8Array): string {
  return new Name(new Uint8Array(der)).toString().replace(/[\r\n\t]/g, (c) => CONTROL[c] as string)
}

/** Parses with our parser; null when it refuses the input (then there is no name to compare). */
function parsed<T>(parse: () => T): T | null {
  try {
    return parse()
  } catch (e) {
    if (e instanceof PkiError) return null
    throw e
  }
}

describe('subjectName and issuerName print as @peculiar/x509 printed them', () => {
  it('every certificate of the shared test data that parses (PKITS, BoringSSL parse cases)', async () => {
    const pems: string[] = []
    const pkits = JSON.parse(await readTestdata('pkits/pkits-subset.json')) as {
      testcases: { trust_anchor: string; untrusted_intermediates: string[]; peer_certificate: string }[]
    }
    for (const t of pkits.testcases) pems.push(t.trust_anchor, ...t.untrusted_intermediates, t.peer_certificate)
    for (const file of await listTestdata('boringssl-parse')) {
      const text = await readTestdata(`boringssl-parse/${file}`)
      const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)
      if (block) pems.push(block[0])
    }
    let compared = 0
    for (const pem of new Set(pems)) {
      const info = parsed(() => parseCertificate(pem))
      if (!info) continue
      // Each Name on its own: @peculiar/x509 refuses some certificates our parser takes (an unknown tag elsewhere).
      const parts = readCertificateParts(info.der)
      expect(info.subjectName).toBe(theirs(parts.subject))
      expect(info.issuerName).toBe(theirs(parts.issuer))
      compared++
    }
    expect(compared).toBeGreaterThan(150)
  })

  it('every CSR of the shared test data that parses (pyca)', async () => {
    let compared = 0
    for (const file of await listTestdata('pyca-csr')) {
      const pem = await readTestdata(`pyca-csr/${file}`)
      const info = parsed(() => parseCsr(pem))
      if (!info) continue
      expect(info.subjectName).toBe(new Pkcs10CertificateRequest(pem).subject)
      compared++
    }
    expect(compared).toBeGreaterThan(3)
  })

  const TYPES = [
    '2.5.4.3',
    '2.5.4.10',
    '2.5.4.11',
    '2.5.4.6',
    '2.5.4.7',
    '2.5.4.8',
    '0.9.2342.19200300.100.1.25',
    '1.2.840.113549.1.9.1',
    '2.5.4.42',
    '2.5.4.43',
    '2.5.4.4',
    '2.5.4.12',
    '2.5.4.5',
    '1.3.6.1.4.1.311.60.2.1.3',
  ]
  // Characters the escapes care about, plus Latin-1, other planes and control characters (below).
  const special = fc.constantFrom(
    ',',
    '+',
    '"',
    '\\',
    '<',
    '>',
    ';',
    '#',
    ' ',
    '=',
    'é',
    'ß',
    '中',
    '😀',
    'a',
    'Z',
    '0',
  )
  const text = fc.array(special, { maxLength: 8 }).map((cs) => cs.join(''))
  const control = fc.array(fc.constantFrom('\r', '\n', '\t'), { maxLength: 2 }).map((cs) => cs.join(''))
  const utf8Value = fc.tuple(text, control, text).map(([a, c, b]) => tlv(0x0c, new TextEncoder().encode(a + c + b)))
  const printable = fc
    .array(fc.constantFrom('A', 'z', '9', ' ', "'", '(', ')', '+', ',', '-', '.', '/', ':', '=', '?'), { maxLength: 8 })
    .map((cs) => tlv(0x13, new TextEncoder().encode(cs.join(''))))
  const latin1 = fc
    .array(fc.integer({ min: 0x20, max: 0xff }), { maxLength: 8 })
    .map((bytes) => bytes.filter((b) => b < 0x7f || b > 0x9f))
  const ia5 = latin1.map((bytes) => tlv(0x16, Uint8Array.from(bytes.filter((b) => b < 0x7f))))
  const teletex = latin1.map((bytes) => tlv(0x14, Uint8Array.from(bytes)))
  const bmpText = text.map((t) => [...t].filter((c) => c.length === 1).join(''))
  const bmp = bmpText.map((t) => {
    const units = [...t].map((c) => c.charCodeAt(0))
    return tlv(0x1e, Uint8Array.from(units.flatMap((u) => [u >> 8, u & 0xff])))
  })
  // Characters of the BMP only: asn1js decodes a UniversalString character beyond U+FFFF as nothing (we decode it).
  const universal = bmpText.map((t) =>
    tlv(
      0x1c,
      Uint8Array.from(
        [...t].flatMap((c) => {
          const cp = c.codePointAt(0) as number
          return [cp >>> 24, (cp >> 16) & 0xff, (cp >> 8) & 0xff, cp & 0xff]
        }),
      ),
    ),
  )
  const numeric = fc.stringMatching(/^[0-9 ]{0,6}$/).map((t) => tlv(0x12, new TextEncoder().encode(t)))
  const visible = fc.stringMatching(/^[!-~ ]{0,6}$/).map((t) => tlv(0x1a, new TextEncoder().encode(t)))
  const other = fc.uint8Array({ maxLength: 6 }).map((b) => tlv(0x04, b))
  const value = fc.oneof(utf8Value, printable, ia5, teletex, bmp, universal, numeric, visible, other)
  const attribute = fc.tuple(fc.constantFrom(...TYPES), value).map(([type, v]) => sequence(oid(type), v))
  const rdn = fc.uniqueArray(attribute, { minLength: 1, maxLength: 3, selector: (a) => a.join() }).map(setOf)
  const name = fc.array(rdn, { maxLength: 5 }).map((rdns) => sequence(...rdns))

  it('generated names: every string type, multi-valued RDNs, escapes, unknown types and values', () => {
    fc.assert(
      fc.property(name, (der) => {
        expect(ours(der)).toBe(theirs(der))
      }),
      { numRuns: 3000 },
    )
  })

  it('escapes every CR, LF and TAB where @peculiar/x509 escapes only the first', () => {
    const der = sequence(setOf([sequence(oid('2.5.4.3'), tlv(0x0c, new TextEncoder().encode('a\nb\tc')))]))
    expect(ours(der)).toBe('CN=a\\0Ab\\09c')
    expect(new Name(new Uint8Array(der)).toString()).toBe('CN=a\\0Ab\tc')
  })
})
