/**
 * BoringSSL's certificate-parsing corpus (../shared/testdata/boringssl-parse/, from google/boringssl
 * pki/testdata/parse_certificate_unittest), run through our readers at the layer each file tests:
 *
 * - a CERTIFICATE block: parseCertificate, the whole strict reading (BoringSSL's ParsedCertificate::Create);
 * - a TBS CERTIFICATE block: readTbsCertificate (ParseTbsCertificate), compared field by field with the blocks the
 *   file lists, and parseCertificate over the TBSCertificate wrapped in a Certificate;
 * - authority_key_identifier/: the authorityKeyIdentifier decoder (ParseAuthorityKeyIdentifier).
 *
 * A file with an `ERRORS` block must be refused with a PkiFormatError, every other one read. The files also hold
 * other PEM-like blocks that are not base64 (`#-----BEGIN SERIAL-----` around pseudo-ASN.1), so each block is cut
 * out by its label before decodePem sees it. The table lists every file; where our expectation departs from the
 * ERRORS rule, DEPARTURES says why (each file's own text explains its case).
 */
import { readCertificateEnvelope, readTbsCertificate } from '../../src/cert/read.ts'
import { OID, oid } from '../../src/der/oid.ts'
import { assertDer, readSingle } from '../../src/der/reader.ts'
import { bitString, nullValue, sequence } from '../../src/der/writer.ts'
import { decodePem, parseCertificate } from '../../src/index.ts'
import { type DistributionPointValue, decodeExtension } from '../../src/inspect/extensions.ts'
import { toHex } from '../../src/lib/bytes.ts'
import { deepEqual, equal, ok, throws } from '../assert.ts'
import { suite } from '../harness.ts'

const DIR = 'boringssl-parse'

/**
 * What each file must do. `parse`: read (a TBS file: by both layers). `reject`: PkiFormatError. `envelope`: valid
 * only as BoringSSL's ParseCertificate sees it (the outer SEQUENCE), so readCertificateEnvelope reads it and
 * parseCertificate refuses it. `tbs`: valid only as ParseTbsCertificate sees it ("its sub-fields are mainly bogus":
 * an issuer that is `SEQUENCE { OCTET STRING }`), so readTbsCertificate reads it and parseCertificate refuses it.
 */
type Expect = 'parse' | 'reject' | 'envelope' | 'tbs'

const CASES: Record<string, Expect> = {
  'authority_key_identifier_not_sequence.pem': 'reject',
  'bad_key_usage.pem': 'reject',
  'bad_policy_qualifiers.pem': 'reject',
  'bad_signature_algorithm_oid.pem': 'parse',
  'bad_validity.pem': 'reject',
  'basic_constraints_ca_false.pem': 'parse',
  'basic_constraints_ca_no_path.pem': 'parse',
  'basic_constraints_ca_path_9.pem': 'parse',
  'basic_constraints_negative_path.pem': 'reject',
  'basic_constraints_not_ca.pem': 'parse',
  'basic_constraints_path_too_large.pem': 'reject',
  'basic_constraints_pathlen_255.pem': 'parse',
  'basic_constraints_pathlen_256.pem': 'reject',
  'basic_constraints_pathlen_not_ca.pem': 'parse',
  'basic_constraints_unconsumed_data.pem': 'reject',
  'cert_algorithm_not_sequence.pem': 'reject',
  'cert_data_after_signature.pem': 'reject',
  'cert_empty_sequence.pem': 'reject',
  'cert_missing_signature.pem': 'reject',
  'cert_not_sequence.pem': 'reject',
  'cert_signature_not_bit_string.pem': 'reject',
  'cert_skeleton.pem': 'envelope',
  'cert_version3.pem': 'parse',
  'crldp_1uri_noissuer.pem': 'parse',
  'crldp_3uri_noissuer.pem': 'parse',
  'crldp_full_name_as_dirname.pem': 'parse',
  'crldp_issuer_as_dirname.pem': 'parse',
  'extended_key_usage.pem': 'parse',
  'extension_critical.pem': 'parse',
  'extension_critical_0.pem': 'reject',
  'extension_critical_3.pem': 'reject',
  'extension_not_critical.pem': 'parse',
  'extensions_data_after_sequence.pem': 'reject',
  'extensions_duplicate_key_usage.pem': 'reject',
  'extensions_empty_sequence.pem': 'reject',
  'extensions_not_sequence.pem': 'reject',
  'extensions_real.pem': 'parse',
  'failed_signature_algorithm.pem': 'parse',
  'inhibit_any_policy.pem': 'parse',
  'issuer_bad_printable_string.pem': 'reject',
  'key_usage.pem': 'parse',
  'name_constraints_bad_ip.pem': 'reject',
  'policies.pem': 'parse',
  'policy_constraints_empty.pem': 'reject',
  'policy_constraints_inhibit.pem': 'parse',
  'policy_constraints_inhibit_require.pem': 'parse',
  'policy_constraints_require.pem': 'parse',
  'policy_qualifiers_empty_sequence.pem': 'reject',
  'serial_37_bytes.pem': 'reject',
  'serial_negative.pem': 'reject',
  'serial_not_minimal.pem': 'reject',
  'serial_not_number.pem': 'reject',
  'serial_zero.pem': 'reject',
  'serial_zero_padded.pem': 'parse',
  'serial_zero_padded_21_bytes.pem': 'reject',
  'signature_algorithm_null.pem': 'parse',
  'subject_alt_name.pem': 'parse',
  'subject_blank_subjectaltname_not_critical.pem': 'reject',
  'subject_key_identifier_not_octet_string.pem': 'reject',
  'subject_not_ascii.pem': 'reject',
  'subject_not_printable_string.pem': 'reject',
  'subject_printable_string_containing_utf8_client_cert.pem': 'reject',
  'subject_t61string.pem': 'parse',
  'subject_t61string_1-32.pem': 'parse',
  'subject_t61string_126-160.pem': 'parse',
  'subject_t61string_actual.pem': 'parse',
  'subjectaltname_bad_ip.pem': 'reject',
  'subjectaltname_dns_not_ascii.pem': 'reject',
  'subjectaltname_general_names_empty_sequence.pem': 'reject',
  'subjectaltname_trailing_data.pem': 'reject',
  'tbs_explicit_v1.pem': 'reject',
  'tbs_v1.pem': 'tbs',
  'tbs_v1_extensions.pem': 'reject',
  'tbs_v2_extensions.pem': 'reject',
  'tbs_v2_issuer_and_subject_unique_id.pem': 'tbs',
  'tbs_v2_issuer_unique_id.pem': 'tbs',
  'tbs_v2_no_optionals.pem': 'tbs',
  'tbs_v3_all_optionals.pem': 'tbs',
  'tbs_v3_data_after_extensions.pem': 'reject',
  'tbs_v3_extensions.pem': 'tbs',
  'tbs_v3_extensions_not_sequence.pem': 'reject',
  'tbs_v3_no_optionals.pem': 'tbs',
  'tbs_v3_real.pem': 'parse',
  'tbs_v4.pem': 'reject',
  'tbs_validity_both_generalized_time.pem': 'tbs',
  'tbs_validity_both_utc_time.pem': 'tbs',
  'tbs_validity_generalized_time_and_utc_time.pem': 'tbs',
  'tbs_validity_relaxed.pem': 'reject',
  'tbs_validity_utc_time_and_generalized_time.pem': 'tbs',
  'v1_explicit_version.pem': 'reject',
}

/** Files whose expectation is not "ERRORS block: reject, else parse", and why. */
const DEPARTURES: Record<string, string> = {
  'cert_skeleton.pem':
    'its text: "valid from the perspective of ParseCertificate()"; the TBSCertificate is SEQUENCE { NULL, ... }',
  'subject_printable_string_containing_utf8_client_cert.pem':
    'its text: "invalid PrintableString" (@, #, _ and UTF-8); BoringSSL refuses it too unless the caller opts into ' +
    "PrintableStringHandling::kAsUTF8Hack, Chromium's workaround for some client certificates",
  'tbs_v3_extensions_not_sequence.pem':
    'its text: "otherwise valid ... except the extensions is an OCTET STRING rather than a SEQUENCE", the defect ' +
    "extensions_not_sequence.pem has, which carries an ERRORS block; BoringSSL's ParseTbsCertificate refuses it",
  ...Object.fromEntries(
    Object.entries(CASES)
      .filter(([, e]) => e === 'tbs')
      .map(([f]) => [f, 'its text: valid to ParseTbsCertificate, "its sub-fields are mainly bogus"']),
  ),
}

/** The DER of the block with this label, or null; the label cut out first, as other blocks are not base64. */
function block(text: string, label: string): Uint8Array | null {
  const m = new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----`).exec(text)
  return m ? (decodePem(m[0])[0]?.der ?? null) : null
}

function blockText(text: string, label: string): string | null {
  const der = block(text, label)
  return der && new TextDecoder().decode(der)
}

/** A TBSCertificate in a Certificate, with an RSA signature algorithm and an empty signature: enough to read it. */
function wrap(tbs: Uint8Array): Uint8Array {
  return sequence(tbs, sequence(oid(OID.sha256WithRSAEncryption), nullValue()), bitString(new Uint8Array(0)))
}

/** Runs `fn`; the PkiError code it threw, 'ok', or the name and message of anything else. */
function outcome(fn: () => unknown): string {
  try {
    fn()
    return 'ok'
  } catch (e) {
    const err = e as { code?: string; name?: string; message?: string }
    return err.code ?? `${err.name}: ${err.message}`
  }
}

function readTbs(der: Uint8Array) {
  assertDer(der)
  return readTbsCertificate(readSingle(der))
}

/** BoringSSL's VALIDITY blocks: `year=2012, month=10, day=18, hours=3, minutes=12, seconds=0`. */
function validityText(d: Date): string {
  return (
    `year=${d.getUTCFullYear()}, month=${d.getUTCMonth() + 1}, day=${d.getUTCDate()}, ` +
    `hours=${d.getUTCHours()}, minutes=${d.getUTCMinutes()}, seconds=${d.getUTCSeconds()}`
  )
}

/** Compares what readTbsCertificate read with the field blocks of a TBS file; returns the differences. */
function tbsDifferences(text: string, tbsDer: Uint8Array): string[] {
  const t = readTbs(tbsDer)
  const want = (label: string) => {
    const der = block(text, label)
    return der ? toHex(der) : null
  }
  const bitsOf = (node: { content: Uint8Array } | undefined) => (node ? toHex(node.content.subarray(1)) : null)
  const got: [string, string | null][] = [
    ['SERIAL NUMBER', toHex(t.serial)],
    ['SIGNATURE ALGORITHM', toHex(t.signature.bytes)],
    ['ISSUER', toHex(t.issuer.bytes)],
    ['SUBJECT', toHex(t.subject.bytes)],
    ['SPKI', toHex(t.spki.bytes)],
    ['ISSUER UNIQUE ID', bitsOf(t.issuerUniqueId)],
    ['SUBJECT UNIQUE ID', bitsOf(t.subjectUniqueId)],
    ['EXTENSIONS', t.extensions ? toHex(t.extensions.bytes) : null],
  ]
  const out = got.filter(([label, value]) => want(label) !== value).map(([label]) => label)
  if (blockText(text, 'VALIDITY NOTBEFORE') !== validityText(t.notBefore)) out.push('VALIDITY NOTBEFORE')
  if (blockText(text, 'VALIDITY NOTAFTER') !== validityText(t.notAfter)) out.push('VALIDITY NOTAFTER')
  return out
}

/** Checks one file; returns what went wrong, or null. */
function check(text: string, expect: Expect): string | null {
  const cert = block(text, 'CERTIFICATE')
  const tbs = cert ? null : block(text, 'TBS CERTIFICATE')
  if (!cert && !tbs) return 'no CERTIFICATE or TBS CERTIFICATE block'
  const full = outcome(() => parseCertificate(cert ?? wrap(tbs as Uint8Array)))
  if (expect === 'parse' && full !== 'ok') return `parseCertificate: ${full}, expected it to parse`
  if (expect !== 'parse' && full !== 'ERR_PKI_FORMAT') return `parseCertificate: ${full}, expected ERR_PKI_FORMAT`
  if (expect === 'envelope') {
    const layer = outcome(() => readCertificateEnvelope(cert as Uint8Array))
    if (layer !== 'ok') return `readCertificateEnvelope: ${layer}`
  }
  if (tbs) {
    const layer = outcome(() => readTbs(tbs))
    if (expect === 'reject' && layer !== 'ERR_PKI_FORMAT') return `readTbsCertificate: ${layer}, expected a refusal`
    if (expect !== 'reject') {
      if (layer !== 'ok') return `readTbsCertificate: ${layer}`
      const wrong = tbsDifferences(text, tbs)
      if (wrong.length) return `readTbsCertificate read other values for ${wrong.join(', ')}`
    }
  }
  return null
}

export default suite('boringssl-parse', (test) => {
  test('the table lists every file of the corpus, and follows its ERRORS blocks except where it says why', async (env) => {
    const files = (await env.listFiles(DIR)).filter((f) => f.endsWith('.pem'))
    deepEqual(files, Object.keys(CASES).sort())
    for (const file of files) {
      const errors = (await env.readText(`${DIR}/${file}`)).includes('-----BEGIN ERRORS-----')
      const expect = CASES[file] as Expect
      const byRule = errors ? 'reject' : 'parse'
      if (expect !== byRule) ok(DEPARTURES[file], `${file}: ${expect} departs from the ERRORS rule without a reason`)
      else ok(!DEPARTURES[file], `${file}: listed as a departure but follows the rule`)
    }
    equal(Object.values(CASES).filter((e) => e === 'reject').length, 47)
  })

  test('each file is read or refused (PkiFormatError) at its layer as the table says', async (env) => {
    const failures: string[] = []
    for (const [file, expect] of Object.entries(CASES)) {
      const problem = check(await env.readText(`${DIR}/${file}`), expect)
      if (problem) failures.push(`${file} (${expect}): ${problem}`)
    }
    ok(failures.length === 0, `\n${failures.join('\n')}`)
  })

  test('what the real-world and tolerated files read as', async (env) => {
    const read = async (file: string) => {
      const der = block(await env.readText(`${DIR}/${file}`), 'CERTIFICATE') as Uint8Array
      return parseCertificate(der)
    }
    const real = await read('cert_version3.pem')
    equal(real.serialNo, '2B:63:A4:2A:70:50:76')
    equal(real.subjectDn, 'CN=kthulhu.net,OU=Domain Control Validated,O=kthulhu.net')
    equal(real.signatureAlgorithm, 'sha1WithRSAEncryption')
    equal(real.keySize, 2048)
    equal(real.isCa, false, 'an encoded cA FALSE is read as not a CA')
    // The outer signatureAlgorithm has a high-tag-number parameter: readable, named by its OID, never verifiable.
    equal((await read('failed_signature_algorithm.pem')).signatureAlgorithm, '1.2.840.113549.1.1.11')
    equal((await read('signature_algorithm_null.pem')).signatureAlgorithm, '#30020500')
    equal((await read('bad_signature_algorithm_oid.pem')).signatureAlgorithm, '0.0')
    const notCa = await read('basic_constraints_pathlen_not_ca.pem')
    deepEqual([notCa.isCa, notCa.pathLen], [false, 1])
    equal((await read('basic_constraints_pathlen_255.pem')).pathLen, 255)
    equal((await read('serial_zero_padded.pem')).serialNo, '80:01')
    // TeletexString read as Latin-1 (bytes 126..160 are U+007E..U+00A0); control characters escaped in the DN.
    const t61 = await read('subject_t61string_126-160.pem')
    equal(t61.subject.organization, String.fromCharCode(...Array.from({ length: 35 }, (_, i) => 0x7e + i)))
    ok(t61.subjectDn.startsWith('O=~\\7F\\C2\\80\\C2\\81'), t61.subjectDn)
    const crldp = await read('crldp_issuer_as_dirname.pem')
    const points = crldp.extensions.find((e) => e.name === 'cRLDistributionPoints')?.value as DistributionPointValue[]
    const point = points[0] as DistributionPointValue
    deepEqual(point.crlIssuer, [
      { type: 'dirName', value: 'OU=indirectCRL CA3 cRLIssuer,O=Test Certificates 2011,C=US' },
    ])
    const policies = await read('policies.pem')
    deepEqual(policies.policies, ['1.2.392.200222.1.2.2.1', '1.2.392.200091.100.901.1'])
    const unknown = (await read('extension_critical.pem')).extensions.find((e) => e.name === null)
    deepEqual(unknown, { oid: '1.2.840.113554.4.1.72585.0', name: null, critical: true, value: '3000' })
  })

  test("authority_key_identifier/: read as BoringSSL's ParseAuthorityKeyIdentifier reads them", async (env) => {
    const dir = `${DIR}/authority_key_identifier`
    const root = [{ type: 'dirName', value: 'CN=Root' }]
    // RFC 5280 4.2.1.1 and X.509 9.2.2.1: the issuer and serial come together; each field well-formed, nothing after.
    const expected: Record<string, unknown> = {
      'empty_sequence.pem': {},
      'extra_contents_after_extension_sequence.pem': 'ERR_PKI_FORMAT',
      'extra_contents_after_issuer_and_serial.pem': 'ERR_PKI_FORMAT',
      'invalid_contents.pem': 'ERR_PKI_FORMAT',
      'invalid_issuer.pem': 'ERR_PKI_FORMAT',
      'invalid_key_identifier.pem': 'ERR_PKI_FORMAT',
      'invalid_serial.pem': 'ERR_PKI_FORMAT',
      'issuer_and_serial.pem': { issuer: root, serial: '27:4F' },
      'issuer_only.pem': 'ERR_PKI_FORMAT',
      'key_identifier.pem': { keyId: 'deadb00f' },
      'key_identifier_and_issuer_and_serial.pem': { keyId: 'deadb00f', issuer: root, serial: '27:4F' },
      'serial_only.pem': 'ERR_PKI_FORMAT',
      'url_issuer_and_serial.pem': { issuer: [{ type: 'uri', value: 'http://example.com' }], serial: '27:4F' },
    }
    deepEqual(
      (await env.listFiles(dir)).filter((f) => f.endsWith('.pem')),
      Object.keys(expected).sort(),
    )
    for (const [file, want] of Object.entries(expected)) {
      const value = block(await env.readText(`${dir}/${file}`), 'AUTHORITY_KEY_IDENTIFIER') as Uint8Array
      const decode = () => decodeExtension(OID.authorityKeyIdentifier, false, value).value
      if (typeof want === 'string') throws(decode, { code: want }, file)
      else deepEqual(decode(), want, file)
    }
  })
})
