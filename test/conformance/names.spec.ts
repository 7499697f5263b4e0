import {
  checkX509Parameters,
  formatIp,
  isEmailAddress,
  normalizeDnsName,
  parseIp,
  type X509Parameters,
} from '../../src/names/index.ts'
import { decodePunycode, encodePunycode } from '../../src/names/punycode.ts'
import { deepEqual, equal, ok, throws } from '../assert.ts'
import { suite } from '../harness.ts'

/** `fn` must throw a TypeError (wrong argument types are TypeErrors, as in the platform; they carry no `code`). */
function throwsTypeError(fn: () => unknown, where: string): void {
  let thrown: unknown
  try {
    fn()
  } catch (error) {
    thrown = error
  }
  ok(thrown instanceof TypeError, `${where}: expected a TypeError, got ${String(thrown)}`)
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
const fromCodePoints = (text: string) => String.fromCodePoint(...text.split(' ').map((h) => Number.parseInt(h, 16)))
const cn = { commonName: 'subject' }

// Boundary strings: 63/64-octet labels, 253/254-octet names, 64/65 and 128/129 characters (code points, so an
// astral character counts once).
const label63 = 'a'.repeat(63)
const name253 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`
const name254 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`
const domain189 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(61)}`
const domain190 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(62)}`

/** Good subject attributes: parameters -> the expected [type, value] list, in RDN order. */
const goodAttributes: { name: string; p: X509Parameters; expected: [string, string][] }[] = [
  { name: 'commonName only', p: { commonName: 'a' }, expected: [['commonName', 'a']] },
  {
    name: 'every attribute, in the order C, ST, L, street, O, OU, CN',
    p: {
      commonName: 'web.example.com',
      organizationUnit: 'Ops',
      organization: 'Example Ltd',
      streetAddress: '1 Main Street',
      locality: 'London',
      stateProvince: 'Greater London',
      country: 'GB',
    },
    expected: [
      ['country', 'GB'],
      ['stateProvince', 'Greater London'],
      ['locality', 'London'],
      ['streetAddress', '1 Main Street'],
      ['organization', 'Example Ltd'],
      ['organizationUnit', 'Ops'],
      ['commonName', 'web.example.com'],
    ],
  },
  {
    name: 'country upper-cased',
    p: { ...cn, country: 'de' },
    expected: [
      ['country', 'DE'],
      ['commonName', 'subject'],
    ],
  },
  {
    name: 'country trimmed',
    p: { ...cn, country: ' fr ' },
    expected: [
      ['country', 'FR'],
      ['commonName', 'subject'],
    ],
  },
  {
    name: 'empty optional attributes omitted',
    p: {
      ...cn,
      organization: '',
      organizationUnit: '',
      locality: '',
      stateProvince: '',
      streetAddress: '',
      country: '',
    },
    expected: [['commonName', 'subject']],
  },
  { name: 'values trimmed', p: { commonName: '  padded  ' }, expected: [['commonName', 'padded']] },
  { name: 'values NFC-normalised', p: { commonName: 'Cafe\u0301' }, expected: [['commonName', 'Caf\u00e9']] },
  { name: 'commonName 64 characters', p: { commonName: 'x'.repeat(64) }, expected: [['commonName', 'x'.repeat(64)]] },
  {
    name: 'commonName 64 astral characters (code points, not UTF-16 units)',
    p: { commonName: '\u{1f510}'.repeat(64) },
    expected: [['commonName', '\u{1f510}'.repeat(64)]],
  },
  {
    name: 'organization 64 characters',
    p: { ...cn, organization: 'o'.repeat(64) },
    expected: [
      ['organization', 'o'.repeat(64)],
      ['commonName', 'subject'],
    ],
  },
  ...(['organizationUnit', 'locality', 'stateProvince', 'streetAddress'] as const).map((field) => ({
    name: `${field} 128 characters`,
    p: { ...cn, [field]: 'v'.repeat(128) },
    expected: [
      [field, 'v'.repeat(128)],
      ['commonName', 'subject'],
    ] as [string, string][],
  })),
  { name: 'unicode values', p: { commonName: 'Zürich 東京' }, expected: [['commonName', 'Zürich 東京']] },
  { name: 'unknown keys ignored', p: { ...cn, title: 'x' } as X509Parameters, expected: [['commonName', 'subject']] },
]

/** Bad subject attributes: parameters -> the field the PkiArgumentError names. */
const badAttributes: { p: X509Parameters; field: string }[] = [
  { p: { commonName: '' }, field: 'commonName' },
  { p: { commonName: '   ' }, field: 'commonName' },
  { p: { commonName: 'x'.repeat(65) }, field: 'commonName' },
  { p: { commonName: '\u{1f510}'.repeat(65) }, field: 'commonName' },
  { p: { commonName: 'a\nb' }, field: 'commonName' },
  { p: { commonName: 'trailing newline\n' }, field: 'commonName' },
  { p: { commonName: 'nul\u0000' }, field: 'commonName' },
  { p: { commonName: 'del\u007f' }, field: 'commonName' },
  { p: { commonName: 'c1\u0085' }, field: 'commonName' },
  { p: { commonName: 'lone \ud800 surrogate' }, field: 'commonName' },
  { p: { ...cn, organization: 'o'.repeat(65) }, field: 'organization' },
  { p: { ...cn, organization: ' ' }, field: 'organization' },
  { p: { ...cn, organization: 'tab\there' }, field: 'organization' },
  ...(['organizationUnit', 'locality', 'stateProvince', 'streetAddress'] as const).flatMap((field) => [
    { p: { ...cn, [field]: 'v'.repeat(129) }, field },
    { p: { ...cn, [field]: '\t' }, field },
    { p: { ...cn, [field]: '  ' }, field },
    { p: { ...cn, [field]: 'bell\u0007' }, field },
  ]),
  ...['XX', 'UK', 'EU', 'XK', 'G', 'GBR', '12', 'G B', '  ', 'Ü1', 'g\u0000'].map((country) => ({
    p: { ...cn, country },
    field: 'country',
  })),
]

/** Good altName values -> the DNS names and e-mail addresses they give. */
const goodAltNames: { altName: string | string[]; dnsNames: string[]; emails: string[] }[] = [
  { altName: 'a.example.com, b.example.com', dnsNames: ['a.example.com', 'b.example.com'], emails: [] },
  { altName: ['a.example.com', 'b.example.com'], dnsNames: ['a.example.com', 'b.example.com'], emails: [] },
  { altName: 'A.Example.COM', dnsNames: ['a.example.com'], emails: [] },
  { altName: ['A.example.com', 'a.EXAMPLE.com', 'a.example.com'], dnsNames: ['a.example.com'], emails: [] },
  { altName: 'a.example,', dnsNames: ['a.example'], emails: [] },
  { altName: ',, a.example , ,', dnsNames: ['a.example'], emails: [] },
  { altName: '', dnsNames: [], emails: [] },
  { altName: [], dnsNames: [], emails: [] },
  { altName: '  a.example  ', dnsNames: ['a.example'], emails: [] },
  { altName: 'localhost, db1', dnsNames: ['localhost', 'db1'], emails: [] },
  { altName: '*.example.com', dnsNames: ['*.example.com'], emails: [] },
  { altName: '*.Sub.Example.com', dnsNames: ['*.sub.example.com'], emails: [] },
  { altName: 'bücher.example', dnsNames: ['xn--bcher-kva.example'], emails: [] },
  { altName: 'bücher.example, xn--bcher-kva.example', dnsNames: ['xn--bcher-kva.example'], emails: [] },
  { altName: '*.bücher.example', dnsNames: ['*.xn--bcher-kva.example'], emails: [] },
  { altName: 'ops@example.com', dnsNames: [], emails: ['ops@example.com'] },
  { altName: 'Ops@Example.COM', dnsNames: [], emails: ['Ops@example.com'] },
  { altName: 'ops@bücher.example', dnsNames: [], emails: ['ops@xn--bcher-kva.example'] },
  { altName: 'ops@example.com, ops@EXAMPLE.com', dnsNames: [], emails: ['ops@example.com'] },
  {
    altName: 'web.example.com, ops@example.com, *.web.example.com, 1.example',
    dnsNames: ['web.example.com', '*.web.example.com', '1.example'],
    emails: ['ops@example.com'],
  },
  { altName: label63, dnsNames: [label63], emails: [] },
  { altName: name253, dnsNames: [name253], emails: [] },
]

/** Bad altName values -> the field (with the index in the list as given). */
const badAltNames: { altName: string | string[]; field: string }[] = [
  { altName: 'a.example, -bad.example', field: 'altName[1]' },
  { altName: 'a.example,,b_c.example', field: 'altName[2]' },
  { altName: ['a.example', ''], field: 'altName[1]' },
  { altName: ['   '], field: 'altName[0]' },
  { altName: ['a.example', '1.2.3.4'], field: 'altName[1]' },
  { altName: '::1', field: 'altName[0]' },
  { altName: '[::1]', field: 'altName[0]' },
  { altName: '2001:db8::1', field: 'altName[0]' },
  { altName: 'fe80::1%eth0', field: 'altName[0]' },
  { altName: '*.com', field: 'altName[0]' },
  { altName: '*', field: 'altName[0]' },
  { altName: '*.', field: 'altName[0]' },
  { altName: 'a.*.example.com', field: 'altName[0]' },
  { altName: 'f*.example.com', field: 'altName[0]' },
  { altName: '**.example.com', field: 'altName[0]' },
  { altName: '*.*.example.com', field: 'altName[0]' },
  { altName: 'example.com.', field: 'altName[0]' },
  { altName: '.example.com', field: 'altName[0]' },
  { altName: 'a..example', field: 'altName[0]' },
  { altName: `${'a'.repeat(64)}.example`, field: 'altName[0]' },
  { altName: name254, field: 'altName[0]' },
  { altName: 'example.123', field: 'altName[0]' },
  { altName: '123', field: 'altName[0]' },
  { altName: 'exa mple.com', field: 'altName[0]' },
  { altName: 'bad-.example', field: 'altName[0]' },
  { altName: 'ab--cd.example', field: 'altName[0]' },
  { altName: 'xn--.example', field: 'altName[0]' },
  { altName: 'xn--ls8h.example', field: 'altName[0]' },
  { altName: 'xn--99999999.example', field: 'altName[0]' },
  { altName: 'http://example.com', field: 'altName[0]' },
  { altName: 'a.example\n', field: 'altName[0]' },
  { altName: 'a.example, b.example\u0000', field: 'altName[1]' },
  { altName: '\u{1f510}.example', field: 'altName[0]' },
  { altName: 'a@', field: 'altName[0]' },
  { altName: '@example.com', field: 'altName[0]' },
  { altName: 'a b@example.com', field: 'altName[0]' },
  { altName: '"quoted"@example.com', field: 'altName[0]' },
  { altName: 'a..b@example.com', field: 'altName[0]' },
  { altName: '.a@example.com', field: 'altName[0]' },
  { altName: 'a@b@example.com', field: 'altName[0]' },
  { altName: 'a@[192.0.2.1]', field: 'altName[0]' },
  { altName: 'a@example..com', field: 'altName[0]' },
  { altName: 'a@*.example.com', field: 'altName[0]' },
  { altName: 'ü@example.com', field: 'altName[0]' },
  { altName: `${'x'.repeat(65)}@example.com`, field: 'altName[0]' },
  { altName: ['ok@example.com', `${'x'.repeat(64)}@${domain190}`], field: 'altName[1]' },
]

/** IP text -> its RFC 5952 canonical form (RFC 4291 2.2 input forms, RFC 5952 4 and 5 output). */
const goodIps: [string, string][] = [
  ['10.0.0.1', '10.0.0.1'],
  ['0.0.0.0', '0.0.0.0'],
  ['255.255.255.255', '255.255.255.255'],
  ['192.168.100.200', '192.168.100.200'],
  ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
  ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
  ['2001:DB8::ABCD', '2001:db8::abcd'],
  ['2001:db8::1', '2001:db8::1'],
  ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
  ['2001:db8:0:0:1:0:0:0', '2001:db8:0:0:1::'],
  ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
  ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
  ['1:2:3:4:5:6::8', '1:2:3:4:5:6:0:8'],
  ['::', '::'],
  ['::1', '::1'],
  ['1::', '1::'],
  ['0:0:0:0:0:0:0:1', '::1'],
  ['FE80::0202:B3FF:FE1E:8329', 'fe80::202:b3ff:fe1e:8329'],
  ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
  ['::FFFF:0102:0304', '::ffff:1.2.3.4'],
  ['0:0:0:0:0:ffff:192.0.2.128', '::ffff:192.0.2.128'],
  ['::13.1.68.3', '::d01:4403'],
  ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
  ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
]

/** Not IP addresses: parseIp gives null, and `ip` refuses them. */
const badIps: string[] = [
  '',
  '01.2.3.4',
  '1.2.3.04',
  '256.1.1.1',
  '1.2.3.256',
  '1.2.3',
  '1.2.3.4.5',
  '1.2.3.',
  '1..2.3',
  '0x1.2.3.4',
  '+1.2.3.4',
  '1.2.3.4/24',
  '1.2.3.4 ',
  '١.٢.٣.٤',
  'fe80::1%eth0',
  'fe80::1%25eth0',
  '[::1]',
  ':::',
  '1:::2',
  '1::2::3',
  ':1::2',
  '1::2:',
  ':1:2:3:4:5:6:7',
  '12345::',
  'g::',
  '1:2:3:4:5:6:7',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7:8::',
  '1:2:3:4:5:6:7::8',
  '::1.2.3',
  '::1.2.3.04',
  '1.2.3.4::',
  '::ffff:1.2.3.4:1',
  '1:2:3:4:5:6:7:1.2.3.4',
  '::ffff:256.1.1.1',
  'example.com',
  '::/0',
]

/** RFC 3492 section 7.1 sample strings (code points) and their Punycode. */
const punycodeVectors: [string, string, string][] = [
  [
    '(A) Arabic (Egyptian)',
    '0644 064A 0647 0645 0627 0628 062A 0643 0644 0645 0648 0634 0639 0631 0628 064A 061F',
    'egbpdaj6bu4bxfgehfvwxn',
  ],
  ['(B) Chinese (simplified)', '4ED6 4EEC 4E3A 4EC0 4E48 4E0D 8BF4 4E2D 6587', 'ihqwcrb4cv8a8dqg056pqjye'],
  ['(C) Chinese (traditional)', '4ED6 5011 7232 4EC0 9EBD 4E0D 8AAA 4E2D 6587', 'ihqwctvzc91f659drss3x8bo0yb'],
  [
    '(D) Czech',
    '0050 0072 006F 010D 0070 0072 006F 0073 0074 011B 006E 0065 006D 006C 0075 0076 00ED 010D 0065 0073 006B 0079',
    'Proprostnemluvesky-uyb24dma41a',
  ],
  [
    '(G) Japanese',
    '306A 305C 307F 3093 306A 65E5 672C 8A9E 3092 8A71 3057 3066 304F 308C 306A 3044 306E 304B',
    'n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa',
  ],
  [
    '(I) Russian',
    '043F 043E 0447 0435 043C 0443 0436 0435 043E 043D 0438 043D 0435 0433 043E 0432 043E 0440 044F 0442 043F 043E ' +
      '0440 0443 0441 0441 043A 0438',
    'b1abfaaepdrnnbgefbadotcwatmq2g4l',
  ],
  ['(L) 3<nen>B<gumi><kinpachi><sensei>', '0033 5E74 0042 7D44 91D1 516B 5148 751F', '3B-ww4c5e180e575a65lsy2b'],
  ['(R) <sono><supiido><de>', '305D 306E 30B9 30D4 30FC 30C9 3067', 'd9juau41awczczp'],
  ['(S) -> $1.00 <-', '002D 003E 0020 0024 0031 002E 0030 0030 0020 003C 002D', '-> $1.00 <--'],
]

/** normalizeDnsName: input, options, expected (null = invalid). */
const dnsNames: [string, { wildcard?: boolean } | undefined, string | null][] = [
  ['Example.COM', undefined, 'example.com'],
  ['www.example.com', undefined, 'www.example.com'],
  ['bücher.example', undefined, 'xn--bcher-kva.example'],
  ['BÜCHER.example', undefined, 'xn--bcher-kva.example'],
  ['bu\u0308cher.example', undefined, 'xn--bcher-kva.example'],
  ['XN--BCHER-KVA.example', undefined, 'xn--bcher-kva.example'],
  ['münchen\u3002de', undefined, 'xn--mnchen-3ya.de'],
  ['faß.de', undefined, 'xn--fa-hia.de'],
  ['他们为什么不说中文.example', undefined, 'xn--ihqwcrb4cv8a8dqg056pqjye.example'],
  [`${fromCodePoints(punycodeVectors[5]?.[1] as string)}.ru`, undefined, 'xn--b1abfaaepdrnnbgefbadotcwatmq2g4l.ru'],
  ['Pročprostěnemluvíčesky.cz', undefined, 'xn--proprostnemluvesky-uyb24dma41a.cz'],
  ['\u212aelvin.example', undefined, 'kelvin.example'],
  ['*.example.com', undefined, null],
  ['*.example.com', { wildcard: false }, null],
  ['*.example.com', { wildcard: true }, '*.example.com'],
  ['*.com', { wildcard: true }, null],
  ['*', { wildcard: true }, null],
  ['a.*.example.com', { wildcard: true }, null],
  ['10.0.0.1', undefined, null],
  ['', undefined, null],
  ['.', undefined, null],
  ['example.com.', undefined, null],
  ['under_score.example', undefined, null],
  ['-lead.example', undefined, null],
  ['xn--bcher-kvb.example', undefined, null], // decodes to a title-case letter: not a mapped U-label
  ['xn--abc-.example', undefined, null],
  ['xn--ls8h.example', undefined, null], // an emoji: not a letter, mark or digit (RFC 5892)
  // RFC 5893, the Bidi Rule: right-to-left labels, and what may sit next to them.
  ['שלום.example', undefined, 'xn--9dbne9b.example'],
  ['مثال.إختبار', undefined, 'xn--mgbh0fb.xn--kgbechtv'],
  ['XN--MGBH0FB.xn--kgbechtv', undefined, 'xn--mgbh0fb.xn--kgbechtv'],
  ['1שלום.example', undefined, null],
  ['שלוםa.example', undefined, null],
  ['1.שלום', undefined, null],
  ['١٢۳ا.example', undefined, null],
  // Devanagari with spacing and non-spacing marks.
  ['क्षत्रिय.भारत', undefined, 'xn--11b4a7ad7a0c8ec.xn--h2brj9c'],
  // Compatibility characters are refused rather than silently mapped (RFC 5892 2.2, Unstable); so is a tatweel.
  ['ｅｘａｍｐｌｅ.com', undefined, null],
  ['\u{1d400}bc.example', undefined, null],
  ['\u01c5.example', undefined, null],
  ['\u0628\u0640\u0628.example', undefined, null],
  ['a\u200db.example', undefined, null],
  [label63, undefined, label63],
  [`${label63}a`, undefined, null],
  [name253, undefined, name253],
  [name254, undefined, null],
  // A U-label's A-label must fit 63 octets too: 57 x 'ü' encodes to 63 octets with the prefix, 58 to 64.
  [`${'ü'.repeat(57)}.example`, undefined, `xn--tda${'a'.repeat(56)}.example`],
  [`${'ü'.repeat(58)}.example`, undefined, null],
]

const emails: [string, boolean][] = [
  ['ops@example.com', true],
  ["o'brien+tag@example.com", true],
  ['first.last@sub.example.co.uk', true],
  ['root@localhost', true],
  ['ops@bücher.example', true],
  [`${'x'.repeat(64)}@example.com`, true],
  [`${'x'.repeat(65)}@example.com`, false],
  [`${'x'.repeat(64)}@${domain189}`, true],
  [`${'x'.repeat(64)}@${domain190}`, false],
  ['', false],
  ['ops', false],
  ['ops@', false],
  ['@example.com', false],
  ['ops@@example.com', false],
  ['ops@example.com.', false],
  ['ops@-example.com', false],
  ['ops.@example.com', false],
  ['"ops"@example.com', false],
  ['ops@[192.0.2.1]', false],
  ['ops@192.0.2.1', false],
  ['öps@example.com', false],
  [' ops@example.com', false],
]

export default suite('names', (test) => {
  test('subject attributes: valid values are normalised and ordered C, ST, L, street, O, OU, CN', () => {
    for (const { name, p, expected } of goodAttributes) {
      const got = checkX509Parameters(p).attributes.map((a) => [a.type, a.value])
      deepEqual(got, expected, `${name}: got ${JSON.stringify(got)}`)
    }
  })

  test('subject attributes: OIDs and string types', () => {
    const { attributes } = checkX509Parameters({
      commonName: 'cn',
      organizationUnit: 'ou',
      organization: 'o',
      streetAddress: 'street',
      locality: 'l',
      stateProvince: 'st',
      country: 'us',
    })
    deepEqual(attributes, [
      { type: 'country', oid: '2.5.4.6', value: 'US', stringType: 'printable' },
      { type: 'stateProvince', oid: '2.5.4.8', value: 'st', stringType: 'utf8' },
      { type: 'locality', oid: '2.5.4.7', value: 'l', stringType: 'utf8' },
      { type: 'streetAddress', oid: '2.5.4.9', value: 'street', stringType: 'utf8' },
      { type: 'organization', oid: '2.5.4.10', value: 'o', stringType: 'utf8' },
      { type: 'organizationUnit', oid: '2.5.4.11', value: 'ou', stringType: 'utf8' },
      { type: 'commonName', oid: '2.5.4.3', value: 'cn', stringType: 'utf8' },
    ])
  })

  test('subject attributes: invalid values name their field', () => {
    for (const { p, field } of badAttributes) {
      throws(() => checkX509Parameters(p), { code: 'ERR_PKI_ARGUMENT', field }, `${field}: ${JSON.stringify(p)}`)
    }
  })

  test('every assigned country code is accepted, in either case', () => {
    for (const code of ['AD', 'AX', 'BQ', 'CW', 'GB', 'SS', 'SX', 'US', 'ZW']) {
      equal(checkX509Parameters({ ...cn, country: code.toLowerCase() }).attributes[0]?.value, code)
    }
  })

  test('altName: DNS names and e-mail addresses, normalised and deduplicated', () => {
    for (const { altName, dnsNames: dns, emails: mail } of goodAltNames) {
      const got = checkX509Parameters({ ...cn, altName })
      deepEqual(got.dnsNames, dns, `${JSON.stringify(altName)}: dnsNames ${JSON.stringify(got.dnsNames)}`)
      deepEqual(got.emails, mail, `${JSON.stringify(altName)}: emails ${JSON.stringify(got.emails)}`)
      equal(got.ips.length, 0)
    }
  })

  test('altName: invalid items name their index in the list as given', () => {
    for (const { altName, field } of badAltNames) {
      throws(
        () => checkX509Parameters({ ...cn, altName }),
        { code: 'ERR_PKI_ARGUMENT', field },
        `${field}: ${JSON.stringify(altName)}`,
      )
    }
  })

  test('ip: parseIp -> formatIp round-trips to the RFC 5952 canonical form', () => {
    for (const [text, canonical] of goodIps) {
      const bytes = parseIp(text)
      ok(bytes !== null, `${text}: not parsed`)
      equal(bytes.length, text.includes(':') ? 16 : 4, `${text}: length`)
      equal(formatIp(bytes), canonical, `${text}: formatted as ${formatIp(bytes)}`)
      deepEqual(parseIp(canonical), bytes, `${canonical}: does not parse back`)
    }
    equal(hex(parseIp('::ffff:1.2.3.4') as Uint8Array), '00000000000000000000ffff01020304')
    equal(hex(parseIp('2001:db8::1') as Uint8Array), '20010db8000000000000000000000001')
  })

  test('ip: invalid literals are refused', () => {
    for (const text of badIps) {
      equal(parseIp(text), null, `parseIp(${JSON.stringify(text)})`)
      if (text.trim() === '' || text.trim() !== text) continue // list items are trimmed, and empty ones skipped
      throws(
        () => checkX509Parameters({ ...cn, ip: ['10.0.0.1', text] }),
        { code: 'ERR_PKI_ARGUMENT', field: 'ip[1]' },
        `ip ${JSON.stringify(text)}`,
      )
    }
  })

  test('ip: arrays and comma-separated strings, deduplicated by value', () => {
    const fromString = checkX509Parameters({ ...cn, ip: '10.0.0.1, 2001:DB8::1,, ::1 , 0:0::1, 2001:db8:0::1,' })
    deepEqual(fromString.ips.map(formatIp), ['10.0.0.1', '2001:db8::1', '::1'])
    const fromArray = checkX509Parameters({ ...cn, ip: ['::ffff:10.0.0.1', '10.0.0.1', ' 10.0.0.1 '] })
    // An IPv4-mapped IPv6 address is a different iPAddress (16 octets) from the IPv4 one (4 octets).
    deepEqual(fromArray.ips.map(hex), ['00000000000000000000ffff0a000001', '0a000001'])
    deepEqual(checkX509Parameters({ ...cn, ip: '' }).ips, [])
    deepEqual(checkX509Parameters({ ...cn, ip: [] }).ips, [])
    throws(() => checkX509Parameters({ ...cn, ip: '10.0.0.1,,fe80::1%eth0' }), {
      code: 'ERR_PKI_ARGUMENT',
      field: 'ip[2]',
    })
    throws(() => checkX509Parameters({ ...cn, ip: ['10.0.0.1', ''] }), { code: 'ERR_PKI_ARGUMENT', field: 'ip[1]' })
  })

  test('formatIp: only 4 or 16 octets', () => {
    for (const length of [0, 3, 5, 15, 17]) {
      throws(() => formatIp(new Uint8Array(length)), { code: 'ERR_PKI_ARGUMENT', field: 'ip' }, `length ${length}`)
    }
  })

  test('punycode: RFC 3492 section 7.1 sample strings', () => {
    for (const [name, points, encoded] of punycodeVectors) {
      const text = fromCodePoints(points)
      equal(encodePunycode(text), encoded, `${name}: encode`)
      equal(decodePunycode(encoded), text, `${name}: decode`)
      equal(decodePunycode(encoded.toUpperCase())?.toLowerCase(), text.toLowerCase(), `${name}: decode upper-case`)
    }
    equal(decodePunycode('99999999'), null, 'overflow')
    equal(decodePunycode('a-!'), null, 'bad digit')
  })

  test('normalizeDnsName: LDH, IDN, wildcards and lengths', () => {
    for (const [input, options, expected] of dnsNames) {
      equal(normalizeDnsName(input, options), expected, `${JSON.stringify(input)} ${JSON.stringify(options)}`)
    }
  })

  test('isEmailAddress: RFC 5321 mailboxes that fit an rfc822Name', () => {
    for (const [input, expected] of emails) equal(isEmailAddress(input), expected, JSON.stringify(input))
  })

  test('wrong argument types are TypeErrors', () => {
    const bad: [string, () => unknown][] = [
      ['no parameters', () => checkX509Parameters(undefined as unknown as X509Parameters)],
      ['null parameters', () => checkX509Parameters(null as unknown as X509Parameters)],
      ['string parameters', () => checkX509Parameters('cn' as unknown as X509Parameters)],
      ['array parameters', () => checkX509Parameters([] as unknown as X509Parameters)],
      ['missing commonName', () => checkX509Parameters({} as X509Parameters)],
      ['numeric commonName', () => checkX509Parameters({ commonName: 1 } as unknown as X509Parameters)],
      ['numeric organization', () => checkX509Parameters({ ...cn, organization: 5 } as unknown as X509Parameters)],
      ['null country', () => checkX509Parameters({ ...cn, country: null } as unknown as X509Parameters)],
      ['numeric altName', () => checkX509Parameters({ ...cn, altName: 5 } as unknown as X509Parameters)],
      [
        'numeric altName item',
        () => checkX509Parameters({ ...cn, altName: ['a.example', 1] } as unknown as X509Parameters),
      ],
      ['object ip', () => checkX509Parameters({ ...cn, ip: {} } as unknown as X509Parameters)],
      ['null ip item', () => checkX509Parameters({ ...cn, ip: [null] } as unknown as X509Parameters)],
      ['numeric parseIp', () => parseIp(1 as unknown as string)],
      ['array formatIp', () => formatIp([1, 2, 3, 4] as unknown as Uint8Array)],
      ['null normalizeDnsName', () => normalizeDnsName(null as unknown as string)],
      ['numeric isEmailAddress', () => isEmailAddress(1 as unknown as string)],
    ]
    for (const [where, fn] of bad) throwsTypeError(fn, where)
  })

  test('the input is not mutated and the result is plain data', () => {
    const p: X509Parameters = { commonName: ' cn ', altName: ['A.example'], ip: '::1', country: 'gb' }
    const copy = JSON.stringify(p)
    const checked = checkX509Parameters(p)
    equal(JSON.stringify(p), copy)
    deepEqual(structuredClone(checked), checked)
  })
})
