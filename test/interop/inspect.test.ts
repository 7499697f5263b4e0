/**
 * Inspection interop (Node only): what parseCertificate, parseCsr, parseCrl and describe report against what
 * OpenSSL prints for the same objects: fingerprints (`-fingerprint -sha256` / `-sha1`, computed here by our own
 * synchronous SHA code), serials, RFC 4514 names (`-nameopt RFC2253`, the same rules for the ASCII names and short
 * types used here), key sizes, and a PKCS#7 bundle `openssl crl2pkcs7` makes of our chain.
 */
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import {
  createCsr,
  createRootCa,
  createSubordinateCa,
  describe as describeInput,
  generateCrl,
  generateKeyPair,
  getCaCsr,
  importCaCertificate,
  issueCertificate,
  parseCertificate,
  parseCrl,
  parseCsr,
  revokeCertificate,
  signSubordinateCa,
} from '../../src/index.ts'
import { makeTempDir, mustRun, TOOL_TIMEOUT } from './tools.ts'

const tmp = makeTempDir('inspect')
afterAll(() => tmp.remove())

/** The value after `=` of the line of `openssl ... -noout <flags>` output that starts with `prefix`. */
function field(output: string, prefix: string): string {
  const line = output.split('\n').find((l) => l.toLowerCase().startsWith(prefix.toLowerCase()))
  if (!line) throw new Error(`no ${prefix} line in:\n${output}`)
  // No trim: an escaped trailing space (`\ `) is part of an RFC 2253 name.
  return line.slice(line.indexOf('=') + 1).replace(/\r$/, '')
}

/** The colon hex of OpenSSL's `<digest> Fingerprint=` line (`sha256`, `SHA2-256`, ... depending on the command). */
function fingerprint(output: string): string {
  const m = /Fingerprint=([0-9A-F:]+)/.exec(output)
  if (!m) throw new Error(`no fingerprint in:\n${output}`)
  return m[1] as string
}

/**
 * RFC 4514 2.2 lets the attributes of a multi-valued RDN come in any order: OpenSSL's `dn_rev` reverses them with
 * the RDNs, we keep their encoding order. This sorts them inside each RDN, so the two compare.
 */
function canonicalDn(dn: string): string {
  const rdns: string[][] = [[]]
  let current = ''
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i] as string
    if (c === '\\') {
      current += c + (dn[++i] ?? '')
    } else if (c === ',' || c === '+') {
      ;(rdns.at(-1) as string[]).push(current)
      current = ''
      if (c === ',') rdns.push([])
    } else current += c
  }
  ;(rdns.at(-1) as string[]).push(current)
  return rdns.map((r) => r.sort().join('+')).join(',')
}

/** What OpenSSL says about a certificate file. */
function opensslCertificate(path: string) {
  const x509 = (...flags: string[]) => mustRun('openssl', ['x509', '-in', path, '-noout', ...flags]).stdout
  const text = x509('-text')
  const bits = /Public-Key: \((\d+) bit\)/.exec(text)
  return {
    sha256: fingerprint(x509('-fingerprint', '-sha256')),
    sha1: fingerprint(x509('-fingerprint', '-sha1')),
    serial: field(x509('-serial'), 'serial'),
    subjectDn: canonicalDn(field(x509('-subject', '-nameopt', 'RFC2253'), 'subject')),
    issuerDn: canonicalDn(field(x509('-issuer', '-nameopt', 'RFC2253'), 'issuer')),
    keySize: bits ? Number(bits[1]) : null,
  }
}

function ours(pem: string) {
  const info = parseCertificate(pem)
  return {
    sha256: info.fingerprints.sha256,
    sha1: info.fingerprints.sha1,
    serial: info.serialNo.replace(/:/g, ''),
    subjectDn: canonicalDn(info.subjectDn),
    issuerDn: canonicalDn(info.issuerDn),
    keySize: info.keySize,
  }
}

describe('inspection agrees with OpenSSL', () => {
  it(
    'certificates OpenSSL makes: fingerprints, serial, RFC 2253 names with escapes and multi-valued RDNs, key size',
    () => {
      const subjects = [
        '/C=US/ST=New York/O=Acme\\, Inc./OU=R&D/CN=#hash  lead "quoted" <x>;y',
        '/DC=org/DC=example/UID=jdoe+CN=Jane Doe/L=Zurich',
        '/CN= padded /O=a=b\\\\c',
      ]
      const keys: [string, number | null][] = [
        ['rsa:2048', 2048],
        ['ec:P-384', 384],
        ['ed25519', null],
      ]
      for (const [i, [key, bits]] of keys.entries()) {
        const out = tmp.out('cert.pem')
        const newkey = key.startsWith('ec:')
          ? ['-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${key.slice(3)}`]
          : ['-newkey', key]
        mustRun('openssl', [
          'req',
          '-x509',
          ...newkey,
          '-nodes',
          '-keyout',
          tmp.out('key.pem'),
          '-subj',
          subjects[i] as string,
          '-multivalue-rdn',
          '-days',
          '30',
          '-out',
          out,
        ])
        const theirs = opensslCertificate(out)
        expect(theirs.keySize).toBe(bits)
        // OpenSSL prints no size for Ed25519; we report the 256 bits of its public key.
        expect(ours(readFileSync(out, 'utf8'))).toEqual({ ...theirs, keySize: bits ?? 256 })
      }
    },
    TOOL_TIMEOUT,
  )

  it(
    'certificates, a CSR and a CRL pocket-ca makes: the fingerprints and names OpenSSL prints',
    async () => {
      const root = await createRootCa({
        subject: { commonName: 'Interop Root', organization: 'Acme, Inc.', country: 'NZ' },
        keyType: 'EC384',
      })
      const pending = await createSubordinateCa({ subject: { commonName: 'Interop CA' }, keyType: 'RSA3072' })
      const sub = await importCaCertificate(
        pending,
        await signSubordinateCa(root, await getCaCsr(pending)),
        root.certificate,
      )
      const leaf = await issueCertificate(sub, {
        keyType: 'EC256',
        x509Parameters: { commonName: 'leaf.interop.example', organizationUnit: '+plus ' },
      })
      for (const pem of [root.certificate as string, sub.certificate as string, leaf.certificate]) {
        const theirs = opensslCertificate(tmp.file('ours.pem', pem))
        expect(ours(pem)).toEqual(theirs)
      }

      const csr = await createCsr(await generateKeyPair('Ed25519'), {
        commonName: 'csr.interop.example',
        organization: 'Quote "Co"; <Ltd>',
        country: 'GB',
      })
      const req = mustRun('openssl', [
        'req',
        '-in',
        tmp.file('csr.pem', csr),
        '-noout',
        '-subject',
        '-nameopt',
        'RFC2253',
      ])
      expect(parseCsr(csr).subjectDn).toBe(field(req.stdout, 'subject'))

      const { crl } = await generateCrl(await revokeCertificate(sub, leaf.serialNo, 'keyCompromise'))
      const crlPath = tmp.file('ours.crl', crl)
      const crlOut = (...flags: string[]) => mustRun('openssl', ['crl', '-in', crlPath, '-noout', ...flags]).stdout
      const info = parseCrl(crl)
      expect(info.fingerprints.sha256).toBe(fingerprint(crlOut('-fingerprint', '-sha256')))
      expect(info.fingerprints.sha1).toBe(fingerprint(crlOut('-fingerprint', '-sha1')))
      expect(info.issuerDn).toBe(field(crlOut('-issuer', '-nameopt', 'RFC2253'), 'issuer'))
    },
    TOOL_TIMEOUT,
  )

  it(
    'a PKCS#7 bundle openssl crl2pkcs7 -nocrl makes of our chain: describe reads every certificate in order',
    async () => {
      const root = await createRootCa({ subject: { commonName: 'P7 Interop Root' } })
      const leaf = await issueCertificate(root, { x509Parameters: { commonName: 'p7.interop.example' } })
      const out = tmp.out('bundle.p7b')
      mustRun('openssl', [
        'crl2pkcs7',
        '-nocrl',
        '-certfile',
        tmp.file('leaf.pem', leaf.certificate),
        '-certfile',
        tmp.file('root.pem', root.certificate as string),
        '-out',
        out,
      ])
      const derPath = tmp.out('bundle.der')
      mustRun('openssl', ['pkcs7', '-in', out, '-outform', 'DER', '-out', derPath])
      for (const input of [readFileSync(out, 'utf8'), new Uint8Array(readFileSync(derPath))]) {
        const d = describeInput(input)
        if (Array.isArray(d) || d.kind !== 'pkcs7') throw new Error('expected one pkcs7 description')
        expect(d.certificates.map((c) => c.fingerprints)).toEqual(
          [leaf.certificate, root.certificate as string].map((pem) => parseCertificate(pem).fingerprints),
        )
      }
    },
    TOOL_TIMEOUT,
  )
})
