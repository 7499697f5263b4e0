/**
 * PEM (RFC 7468): the exact shape encodePem writes, and every shape decodePem must read (CRLF, JSON escapes, several
 * blocks, explanatory text) or refuse with ERR_PKI_FORMAT.
 */
import { decodePem, encodePem } from '../../src/pem/index.ts'
import { deepEqual, equal, ok, throws } from '../assert.ts'
import { suite } from '../harness.ts'

const FORMAT = { code: 'ERR_PKI_FORMAT' }

/** Asserts that `fn` throws a TypeError (wrong argument types, as in the platform). */
function throwsTypeError(fn: () => unknown, where = 'TypeError'): void {
  try {
    fn()
  } catch (error) {
    ok(error instanceof TypeError, `${where}: expected a TypeError, got ${String(error)}`)
    return
  }
  ok(false, `${where}: expected a TypeError, nothing was thrown`)
}

function random(length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)))
  return out
}

/** A small DER-looking payload whose base64 holds `+` and `/` (so the JSON `\/` and `\u002B` cases mean something). */
const DER = new Uint8Array([0x30, 0x0a, 0xfb, 0xef, 0xff, 0xfe, 0x3e, 0x10, 0x04, 0x00, 0x01, 0x02, 0x03, 0xfc])
const PEM = encodePem('CERTIFICATE REQUEST', DER)
const B64 = PEM.split('\n')[1] as string

export default suite('pem', (test) => {
  test('encodePem writes RFC 7468 strict text: 64-column lines and a final newline', () => {
    const der = random(100)
    const pem = encodePem('CERTIFICATE', der)
    const lines = pem.split('\n')
    equal(lines[0], '-----BEGIN CERTIFICATE-----')
    // 100 bytes are 136 base64 characters: 64 + 64 + 8.
    equal((lines[1] as string).length, 64)
    equal((lines[2] as string).length, 64)
    equal((lines[3] as string).length, 8)
    equal(lines[4], '-----END CERTIFICATE-----')
    equal(lines[5], '')
    equal(lines.length, 6)
    equal(encodePem('X509 CRL', new Uint8Array([1, 2, 3])), '-----BEGIN X509 CRL-----\nAQID\n-----END X509 CRL-----\n')
    ok(B64.includes('+') && B64.includes('/'), 'the fixture must exercise + and /')
  })

  test('random DER round-trips at every length around the line and padding boundaries', () => {
    for (const length of [1, 2, 3, 4, 46, 47, 48, 49, 50, 95, 96, 97, 1000, 4099]) {
      const der = random(length)
      const pem = encodePem('PRIVATE KEY', der)
      for (const line of pem.split('\n')) ok(line.length <= 64 || line.startsWith('-----'), `line too long: ${line}`)
      deepEqual(decodePem(pem), [{ label: 'PRIVATE KEY', der }], `length ${length}`)
      deepEqual(decodePem(pem, { label: 'PRIVATE KEY' }), [{ label: 'PRIVATE KEY', der }])
    }
  })

  test('encodePem rejects bad labels, empty DER and wrong argument types', () => {
    for (const label of ['', ' CERTIFICATE', 'CERTIFICATE ', 'A--B', 'A  B', '-A', 'A-', 'A\nB', 'CERTIFICAT\u00c9']) {
      throws(() => encodePem(label, DER), { code: 'ERR_PKI_ARGUMENT', field: 'label' }, JSON.stringify(label))
    }
    throws(() => encodePem('CERTIFICATE', new Uint8Array(0)), { code: 'ERR_PKI_ARGUMENT', field: 'der' })
    throwsTypeError(() => encodePem(1 as unknown as string, DER))
    throwsTypeError(() => encodePem('CERTIFICATE', [1, 2] as unknown as Uint8Array))
    throwsTypeError(() => encodePem('CERTIFICATE', 'MIIB' as unknown as Uint8Array))
    // Labels the grammar allows: single inner spaces and hyphens, any printable character but '-'.
    equal(decodePem(encodePem('A-B C.D_E', DER))[0]?.label, 'A-B C.D_E')
  })

  test('accepts CRLF line ends (Huawei CCM returns CSRs that way)', () => {
    deepEqual(decodePem(PEM.replace(/\n/g, '\r\n')), [{ label: 'CERTIFICATE REQUEST', der: DER }])
  })

  test('accepts literal \\n and \\r\\n escape sequences left in a string', () => {
    deepEqual(decodePem(PEM.replace(/\n/g, '\\n')), [{ label: 'CERTIFICATE REQUEST', der: DER }])
    deepEqual(decodePem(PEM.replace(/\n/g, '\\r\\n')), [{ label: 'CERTIFICATE REQUEST', der: DER }])
  })

  test('accepts a PEM inside a JSON document or a JSON string, with \\/ and \\u002B escapes', () => {
    const expected = [{ label: 'CERTIFICATE REQUEST', der: DER }]
    deepEqual(decodePem(JSON.stringify({ csr: PEM })), expected)
    deepEqual(decodePem(JSON.stringify({ csr: PEM.replace(/\n/g, '\r\n') }, null, 2)), expected)
    deepEqual(decodePem(JSON.stringify(PEM)), expected)
    // PHP's json_encode escapes '/', .NET's default encoder escapes '+'.
    deepEqual(decodePem(JSON.stringify(PEM).replace(/\//g, '\\/')), expected)
    deepEqual(decodePem(JSON.stringify(PEM).replace(/\+/g, '\\u002B')), expected)
    // A JSON string inside a JSON string (a gateway wrapping an API response).
    deepEqual(decodePem(JSON.stringify(JSON.stringify({ csr: PEM }))), expected)
  })

  test('a JSON response with several PEM fields gives every block in order', () => {
    const cert = random(300)
    const issuer = random(301)
    const json = JSON.stringify({
      certificate: encodePem('CERTIFICATE', cert),
      serialNo: '4F:0A',
      caChain: encodePem('CERTIFICATE', issuer),
      ocspResponder: '',
    })
    deepEqual(decodePem(json, { label: 'CERTIFICATE' }), [
      { label: 'CERTIFICATE', der: cert },
      { label: 'CERTIFICATE', der: issuer },
    ])
  })

  test('several blocks with explanatory text before, between and after (RFC 7468 section 5.2)', () => {
    const a = random(70)
    const b = random(5)
    const c = random(129)
    const text = [
      'Subject: CN=leaf\nIssuer: CN=root\n',
      encodePem('CERTIFICATE', a),
      'some text in between -----END nothing\n\n',
      encodePem('X509 CRL', b),
      encodePem('PRIVATE KEY', c),
      'trailing -----\n',
    ].join('')
    deepEqual(decodePem(text), [
      { label: 'CERTIFICATE', der: a },
      { label: 'X509 CRL', der: b },
      { label: 'PRIVATE KEY', der: c },
    ])
  })

  test('whitespace and indentation inside the base64, and a PEM collapsed onto one line', () => {
    const der = random(200)
    const pem = encodePem('CERTIFICATE', der)
    const indented = pem
      .split('\n')
      .map((l) => `    ${l}\t `)
      .join('\n')
    deepEqual(decodePem(`certificate: |\n${indented}`), [{ label: 'CERTIFICATE', der }])
    deepEqual(decodePem(pem.replace(/\n/g, ' ')), [{ label: 'CERTIFICATE', der }])
    const b64 = pem.split('\n').slice(1, -2).join('')
    const oddLines = b64.replace(/(.{13})/g, '$1\n\f\v')
    deepEqual(decodePem(`-----BEGIN CERTIFICATE-----\n${oddLines}\n-----END CERTIFICATE-----`), [
      { label: 'CERTIFICATE', der },
    ])
  })

  test('NEW CERTIFICATE REQUEST is read as CERTIFICATE REQUEST (RFC 7468 section 7), nothing else is aliased', () => {
    const text = PEM.replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST')
    deepEqual(decodePem(text), [{ label: 'CERTIFICATE REQUEST', der: DER }])
    deepEqual(decodePem(text, { label: 'CERTIFICATE REQUEST' }), [{ label: 'CERTIFICATE REQUEST', der: DER }])
    deepEqual(decodePem(PEM, { label: 'NEW CERTIFICATE REQUEST' }), [{ label: 'CERTIFICATE REQUEST', der: DER }])
    // RFC 7468 sections 5.1 and 6 do not recommend treating these as equivalent: we fail closed.
    throws(() => decodePem(encodePem('CRL', DER), { label: 'X509 CRL' }), FORMAT, 'CRL')
    throws(() => decodePem(encodePem('X509 CERTIFICATE', DER), { label: 'CERTIFICATE' }), FORMAT, 'X509 CERTIFICATE')
  })

  test('rejects text with no PEM block', () => {
    for (const text of [
      '',
      'hello',
      '-----END CERTIFICATE-----\n',
      '-----BEGIN-----',
      'MIIBIjANBgkqhkiG9w0BAQEFAAOC',
    ]) {
      throws(() => decodePem(text), FORMAT, JSON.stringify(text))
    }
  })

  test('rejects base64 that is not strict: foreign characters, bad padding, non-zero pad bits', () => {
    const wrap = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`
    equal(decodePem(wrap('AQID'))[0]?.der.length, 3)
    equal(decodePem(wrap('AQ=='))[0]?.der.length, 1)
    equal(decodePem(wrap('AQI='))[0]?.der.length, 2)
    const bad = {
      'url-safe alphabet': 'A_-B',
      'foreign character': 'AQ!D',
      'non-ASCII': 'AQI\u00e9',
      'a dot': 'AQ.D',
      'missing padding': 'AQ',
      'half padding': 'AQ=',
      'too much padding': 'A===',
      'padding in the middle': 'AQ==AQID',
      'non-zero pad bits (one =)': 'AQJ=',
      'non-zero pad bits (two =)': 'AR==',
      'only padding': '====',
      'a quote left from JSON': 'AQID"',
    }
    for (const [name, body] of Object.entries(bad)) throws(() => decodePem(wrap(body)), FORMAT, name)
  })

  test('rejects an END label that differs from the BEGIN label', () => {
    throws(() => decodePem(PEM.replace('END CERTIFICATE REQUEST', 'END CERTIFICATE')), FORMAT)
    throws(() => decodePem(PEM.replace('BEGIN CERTIFICATE REQUEST', 'BEGIN NEW CERTIFICATE REQUEST')), FORMAT)
    throws(() => decodePem(PEM.replace('END CERTIFICATE REQUEST', 'END certificate request')), FORMAT)
  })

  test('rejects a missing END line, also when the next block starts first', () => {
    const noEnd = PEM.replace('-----END CERTIFICATE REQUEST-----\n', '')
    throws(() => decodePem(noEnd), FORMAT, 'at the end')
    throws(() => decodePem(noEnd + encodePem('CERTIFICATE', DER)), FORMAT, 'before another block')
    throws(() => decodePem(`${PEM}\n${noEnd}`), FORMAT, 'in the second block')
    throws(() => decodePem(PEM.replace('-----END CERTIFICATE REQUEST-----', '-----END CERTIFICATE REQUEST')), FORMAT)
    throws(() => decodePem('-----BEGIN CERTIFICATE\nAQID\n'), FORMAT, 'unclosed BEGIN line')
    throws(() => decodePem('-----BEGIN CERT--IFICATE-----\nAQID\n-----END CERT--IFICATE-----'), FORMAT, 'bad label')
  })

  test('rejects an empty body', () => {
    throws(() => decodePem('-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n'), FORMAT)
    throws(() => decodePem('-----BEGIN CERTIFICATE-----\r\n \t\r\n\r\n-----END CERTIFICATE-----'), FORMAT)
    throws(() => decodePem(`${PEM}-----BEGIN CERTIFICATE----------END CERTIFICATE-----`), FORMAT, 'after a good block')
  })

  test('rejects legacy encrypted PEM (Proc-Type) and any other RFC 1421 header', () => {
    const encrypted = [
      '-----BEGIN RSA PRIVATE KEY-----',
      'Proc-Type: 4,ENCRYPTED',
      'DEK-Info: AES-128-CBC,3F17F5316E2BAC89F6E5C0A5D2E3F4A1',
      '',
      B64,
      '-----END RSA PRIVATE KEY-----',
    ].join('\n')
    const error = throws(() => decodePem(encrypted), FORMAT)
    ok(error.message.includes('Proc-Type'), 'the message names Proc-Type')
    throws(() => decodePem(`-----BEGIN CERTIFICATE-----\nComment: hi\n\n${B64}\n-----END CERTIFICATE-----`), FORMAT)
  })

  test('rejects a block whose label is not the one asked for', () => {
    throws(() => decodePem(PEM, { label: 'CERTIFICATE' }), FORMAT)
    throws(() => decodePem(encodePem('PRIVATE KEY', DER), { label: 'ENCRYPTED PRIVATE KEY' }), FORMAT)
    // Every block must match, not just one.
    throws(
      () => decodePem(encodePem('CERTIFICATE', DER) + encodePem('PRIVATE KEY', DER), { label: 'CERTIFICATE' }),
      FORMAT,
    )
    throws(() => decodePem('nothing here', { label: 'CERTIFICATE' }), FORMAT)
  })

  test('wrong argument types are TypeError; a malformed o.label is ERR_PKI_ARGUMENT', () => {
    throwsTypeError(() => decodePem(undefined as unknown as string))
    throwsTypeError(() => decodePem(DER as unknown as string))
    throwsTypeError(() => decodePem(PEM, 'CERTIFICATE' as unknown as { label: string }))
    throwsTypeError(() => decodePem(PEM, { label: 7 as unknown as string }))
    throws(() => decodePem(PEM, { label: 'BAD--LABEL' }), { code: 'ERR_PKI_ARGUMENT', field: 'label' })
    deepEqual(decodePem(PEM, {}), [{ label: 'CERTIFICATE REQUEST', der: DER }])
  })

  test('1 MB of hostile junk is handled in linear time', () => {
    const MB = 1 << 20
    const pieces = ['-----BEGIN', '-----', 'END ', '\\', '\\u00', 'BEGIN ', '\n', 'A', '=', ':', ' ']
    const bytes = random(MB)
    let junk = ''
    for (let i = 0; i < MB / 4; i++) junk += pieces[(bytes[i] as number) % pieces.length]
    junk = junk.replace(/-----BEGIN /g, '-----BEGIN-')
    ok(junk.length >= MB / 2)
    const der = random(64)
    deepEqual(decodePem(junk + encodePem('CERTIFICATE', der)), [{ label: 'CERTIFICATE', der }])
    throws(() => decodePem(junk), FORMAT, 'junk alone')
    throws(() => decodePem('\\'.repeat(MB)), FORMAT, 'backslashes')
    throws(() => decodePem('-'.repeat(MB)), FORMAT, 'dashes')
    throws(() => decodePem('-----BEGIN '.repeat(MB / 11)), FORMAT, 'BEGIN markers')
    throws(() => decodePem(`-----BEGIN A-----${'A'.repeat(MB)}`), FORMAT, 'no END')
    throws(() => decodePem(`-----BEGIN A-----\n${'-----END B'.repeat(MB / 10)}`), FORMAT, 'END markers')
    throws(() => decodePem(`-----BEGIN ${'A'.repeat(MB)}`), FORMAT, 'endless label')
    // Many blocks in one text: still one pass.
    const many = encodePem('CERTIFICATE', der).repeat(10_000)
    equal(decodePem(many).length, 10_000)
  })
})
