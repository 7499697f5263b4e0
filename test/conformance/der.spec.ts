import { decodeOid, oid } from '../../src/der/oid.ts'
import { assertDer, readOid, readSingle, readSmallInteger, readString } from '../../src/der/reader.ts'
import { encodeTime } from '../../src/der/time.ts'
import {
  bitString,
  encodeLength,
  integer,
  namedBits,
  octetString,
  sequence,
  setOf,
  TAG,
  tlv,
  utf8String,
} from '../../src/der/writer.ts'
import { fromHex, toHex } from '../../src/lib/bytes.ts'
import { equal, throws } from '../assert.ts'
import { suite } from '../harness.ts'

export default suite('der', (test) => {
  test('INTEGER is minimal: no redundant 00, a 00 before a high bit', () => {
    const cases: [number | bigint | Uint8Array, string][] = [
      [0, '020100'],
      [1, '020101'],
      [127, '02017f'],
      [128, '02020080'],
      [256, '02020100'],
      [65535, '020300ffff'],
      [2n ** 64n, '0209010000000000000000'],
      [fromHex('0000007f'), '02017f'],
      [fromHex('00ff'), '020200ff'],
      [fromHex('ff'), '020200ff'],
    ]
    for (const [value, hex] of cases) equal(toHex(integer(value)), hex, `integer(${String(value)})`)
    throws(() => integer(-1), { name: 'RangeError' } as never)
  })

  test('lengths use the short form below 128 and the minimal long form above', () => {
    const cases: [number, string][] = [
      [0, '00'],
      [127, '7f'],
      [128, '8180'],
      [255, '81ff'],
      [256, '820100'],
      [65536, '83010000'],
    ]
    for (const [n, hex] of cases) equal(toHex(encodeLength(n)), hex, `length ${n}`)
    const long = octetString(new Uint8Array(300))
    equal(toHex(long.subarray(0, 4)), '04820 12c'.replace(' ', ''))
    equal(readSingle(long).content.length, 300)
  })

  test('OIDs encode and decode, with cached encodings', () => {
    const cases: [string, string][] = [
      ['2.5.4.3', '0603550403'],
      ['1.2.840.10045.2.1', '06072a8648ce3d0201'],
      ['1.2.840.113549.1.1.11', '06092a864886f70d01010b'],
      ['1.3.101.112', '06032b6570'],
      ['2.999.3', '0603883703'],
    ]
    for (const [dotted, hex] of cases) {
      equal(toHex(oid(dotted)), hex, dotted)
      equal(decodeOid(oid(dotted).subarray(2)), dotted)
    }
    equal(oid('2.5.4.3'), oid('2.5.4.3'), 'the same cached bytes')
    equal(decodeOid(fromHex('5580')), null, 'a truncated arc')
    equal(decodeOid(fromHex('80 01'.replace(' ', ''))), null, 'a leading 0x80 pad')
    throws(() => oid('1.40.1'), { name: 'TypeError' } as never)
    throws(() => oid('3.1'), { name: 'TypeError' } as never)
  })

  test('OID size limits: arcs up to 20 septets (2.25 UUIDs), content up to 255 octets', () => {
    const uuid = '2.25.340282366920938463463374607431768211455' // the largest 128-bit UUID: 19 septets
    equal(decodeOid(oid(uuid).subarray(2)), uuid)
    equal(
      decodeOid(oid('2.25.1393796574908163946345982392040522594123775').subarray(2)),
      '2.25.1393796574908163946345982392040522594123775',
      '2^140 - 1: 20 septets',
    )
    throws(() => oid('2.25.1393796574908163946345982392040522594123776'), { name: 'TypeError' } as never)
    const arc21 = new Uint8Array(22).fill(0x81)
    arc21[0] = 0x2a
    arc21[21] = 0x01
    equal(decodeOid(arc21), null, 'an arc of 21 septets')
    equal(decodeOid(arc21.subarray(1)), null, 'a first arc of 21 septets')
    const smallArcs = (n: number) => {
      const content = new Uint8Array(n).fill(0x01)
      content[0] = 0x2a
      return content
    }
    equal(decodeOid(smallArcs(255))?.split('.').length, 256, '255 octets')
    equal(decodeOid(smallArcs(256)), null, '256 octets')
    throws(() => readOid(readSingle(tlv(TAG.OID, smallArcs(256)))), { code: 'ERR_PKI_FORMAT' })
    equal(oid(`1.2${'.1'.repeat(254)}`).length, 2 + 1 + 255, '255 octets')
    throws(() => oid(`1.2${'.1'.repeat(255)}`), { name: 'TypeError' } as never)
  })

  test('strings of any length decode: a 200,000-octet TeletexString', () => {
    const text = readString(readSingle(tlv(0x14, new Uint8Array(200_000).fill(0xe9))))
    equal(text.length, 200_000)
    equal(text[0], 'é', 'TeletexString is read as Latin-1')
  })

  test('times: UTCTime through 2049, GeneralizedTime from 2050, seconds and Z, no fractions', () => {
    const text = (d: string) => {
      const der = encodeTime(new Date(d))
      return `${der[0]?.toString(16)}:${new TextDecoder().decode(der.subarray(2))}`
    }
    equal(text('2049-12-31T23:59:59.999Z'), '17:491231235959Z')
    equal(text('2050-01-01T00:00:00Z'), '18:20500101000000Z')
    equal(text('1999-01-02T03:04:05Z'), '17:990102030405Z')
    equal(text('9999-12-31T23:59:59Z'), '18:99991231235959Z')
    throws(() => encodeTime(new Date('1949-12-31T00:00:00Z')), { name: 'RangeError' } as never)
    throws(() => encodeTime(new Date(Number.NaN)), { name: 'RangeError' } as never)
  })

  test('named bit strings drop trailing zero bits', () => {
    equal(toHex(namedBits([0, 5, 6])), '03020186', 'digitalSignature, keyCertSign, cRLSign')
    equal(toHex(namedBits([0])), '03020780', 'digitalSignature')
    equal(toHex(namedBits([8])), '0303070080', 'decipherOnly')
    equal(toHex(namedBits([5, 6])), '03020106')
    equal(toHex(bitString(fromHex('ab'))), '030200ab')
  })

  test('SET OF sorts by encoding', () => {
    const set = setOf([utf8String('b'), utf8String('a'), integer(5)])
    equal(toHex(set), '3109020105 0c0161 0c0162'.replace(/ /g, ''))
  })

  test('the strict reader refuses BER and malformed DER', () => {
    const bad: [string, string][] = [
      ['3080020101 0000'.replace(' ', ''), 'indefinite length'],
      ['30810302 0101'.replace(' ', ''), 'long form where short fits'],
      ['3003020101 00'.replace(' ', ''), 'trailing data'],
      ['300402010100', 'child runs short: trailing inside'],
      ['30050201', 'truncated'],
      ['3003 020200'.replace(' ', ''), 'length past the end'],
      ['300402020001', 'non-minimal INTEGER'],
      ['300402 02ff80'.replace(' ', ''), 'non-minimal negative INTEGER'],
      ['3003010101', 'BOOLEAN not 00/FF'],
      ['3004030207ff', 'BIT STRING padding bits set'],
      ['3003030108', 'BIT STRING unused bits > 7'],
      ['3005 2303030100'.replace(' ', ''), 'constructed BIT STRING'],
      ['3003 1f0100'.replace(' ', ''), 'multi-octet tag'],
      ['30 03 06 01 80'.replace(/ /g, ''), 'malformed OID'],
    ]
    for (const [hex, why] of bad) throws(() => assertDer(fromHex(hex)), { code: 'ERR_PKI_FORMAT' }, why)
    assertDer(sequence(integer(5), octetString(fromHex('00')), bitString(fromHex('80'), 7)))
    equal(readSmallInteger(readSingle(integer(600000))), 600000)
  })
})
