/**
 * Distinguished names as RFC 4514 strings (src/names/dn.ts): the order of section 2.1, multi-valued RDNs (2.2),
 * short names and dotted OIDs (2.3, section 3), the escapes of 2.4, and the examples of section 4.
 */
import { OID, oid } from '../../src/der/oid.ts'
import { readSingle } from '../../src/der/reader.ts'
import { integer, octetString, printableString, sequence, setOf, tlv, utf8String } from '../../src/der/writer.ts'
import { readRdns } from '../../src/names/decode.ts'
import { escapeDnValue, formatDn } from '../../src/names/dn.ts'
import { equal, throws } from '../assert.ts'
import { suite } from '../harness.ts'

const DC = '0.9.2342.19200300.100.1.25'
const UID = '0.9.2342.19200300.100.1.1'

const atv = (type: string, value: Uint8Array) => sequence(oid(type), value)
const ia5 = (text: string) => tlv(0x16, new TextEncoder().encode(text))
/** A Name from RDNs, first RDN first; each RDN a list of attributes. */
const name = (...rdns: Uint8Array[][]) => sequence(...rdns.map((r) => setOf(r)))
const dn = (der: Uint8Array) => formatDn(readRdns(readSingle(der), { opaque: true }))

export default suite('dn', (test) => {
  test('RFC 4514 section 4 examples', () => {
    equal(
      dn(name([atv(DC, ia5('net'))], [atv(DC, ia5('example'))], [atv(UID, utf8String('jsmith'))])),
      'UID=jsmith,DC=example,DC=net',
    )
    equal(
      dn(
        name(
          [atv(DC, ia5('net'))],
          [atv(DC, ia5('example'))],
          [atv(OID.organizationUnit, utf8String('Sales')), atv(OID.commonName, utf8String('J.  Smith'))],
        ),
      ),
      'OU=Sales+CN=J.  Smith,DC=example,DC=net',
    )
    equal(dn(name([atv(OID.commonName, utf8String('James "Jim" Smith, III'))])), 'CN=James \\"Jim\\" Smith\\, III')
    equal(dn(name([atv(OID.commonName, utf8String('Before\rAfter'))])), 'CN=Before\\0DAfter')
    equal(
      dn(name([atv('1.3.6.1.4.1.1466.0', octetString(new TextEncoder().encode('Hi')))])),
      '1.3.6.1.4.1.1466.0=#04024869',
    )
    // Section 4 shows the escaped form `CN=Lu\C4\8Di\C4\87`; section 2.4 leaves UTF-8 as it is unless escaping is needed.
    equal(dn(name([atv(OID.commonName, utf8String('Lučić'))])), 'CN=Lučić')
  })

  test('last RDN first, short names for section 3 types, dotted OIDs with hex values for the rest', () => {
    const der = name(
      [atv(OID.country, printableString('NZ'))],
      [atv(OID.stateProvince, utf8String('Otago'))],
      [atv(OID.locality, utf8String('Dunedin'))],
      [atv(OID.streetAddress, utf8String('1 Main St'))],
      [atv(OID.organization, utf8String('Acme'))],
      [atv(OID.commonName, utf8String('host'))],
      [atv(OID.emailAddress, ia5('ops@acme.example'))],
    )
    equal(
      dn(der),
      '1.2.840.113549.1.9.1=#16106f70734061636d652e6578616d706c65,CN=host,O=Acme,STREET=1 Main St,L=Dunedin,ST=Otago,C=NZ',
    )
    equal(dn(sequence()), '', 'the empty name')
  })

  test('section 2.4 escapes, and control characters as hex pairs', () => {
    const cases: [string, string][] = [
      ['a,b+c"d\\e<f>g;h', 'a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h'],
      ['#hash', '\\#hash'],
      ['a#b', 'a#b'],
      [' lead', '\\ lead'],
      ['trail ', 'trail\\ '],
      [' ', '\\ '],
      ['in side', 'in side'],
      ['nul\u0000', 'nul\\00'],
      ['line\nbreak', 'line\\0Abreak'],
      ['del\u007f c1\u0085', 'del\\7F c1\\C2\\85'],
      ['=equals', '=equals'],
      ['Zürich 東京 😀', 'Zürich 東京 😀'],
      ['', ''],
    ]
    for (const [value, escaped] of cases) equal(escapeDnValue(value), escaped, JSON.stringify(value))
  })

  test('a value of no string type prints as #hex; in strict reading it is refused', () => {
    const der = name([atv(OID.commonName, integer(5))])
    equal(dn(der), 'CN=#020105')
    throws(() => readRdns(readSingle(der)), { code: 'ERR_PKI_FORMAT' })
  })

  test('malformed names are format errors: an empty RDN, a bad PrintableString, bad UTF-8', () => {
    throws(() => dn(sequence(tlv(0x31))), { code: 'ERR_PKI_FORMAT' }, 'empty RDN')
    throws(
      () => dn(name([atv(OID.commonName, tlv(0x13, new TextEncoder().encode('a&b')))])),
      { code: 'ERR_PKI_FORMAT' },
      '&',
    )
    throws(() => dn(name([atv(OID.commonName, tlv(0x0c, Uint8Array.of(0xc3)))])), { code: 'ERR_PKI_FORMAT' }, 'UTF-8')
    // `*` is outside X.680's PrintableString set, but BoringSSL accepts it (wildcard names), and so do we.
    equal(dn(name([atv(OID.commonName, printableString('*.example.com'))])), 'CN=*.example.com')
  })
})
