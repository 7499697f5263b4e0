/**
 * ECDSA signature conversion between WebCrypto's raw r||s and DER Ecdsa-Sig-Value (RFC 3279 section 2.2.3), checked
 * against every Wycheproof ECDSA vector in the shared test data: every valid signature converts, verifies and
 * re-encodes to the same bytes; every invalid one is refused by the conversion or by verification.
 */
import { ecdsaCoordinateSize, ecdsaDerToRaw, ecdsaRawToDer } from '../../src/der/ecdsa.ts'
import { PkiError } from '../../src/errors.ts'
import { bufferSource, fromHex, toHex } from '../../src/lib/bytes.ts'
import { deepEqual, equal, ok, throws } from '../assert.ts'
import { suite } from '../harness.ts'

type Curve = 'P-256' | 'P-384' | 'P-521'

const FORMAT = { code: 'ERR_PKI_FORMAT' }
const CURVES: Record<string, Curve> = { secp256r1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }
const HASH: Record<Curve, string> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' }

interface WycheproofTest {
  tcId: number
  msg: string
  sig: string
  result: 'valid' | 'invalid' | 'acceptable'
  flags: string[]
}
interface WycheproofGroup {
  publicKey: { curve: string }
  publicKeyDer: string
  sha: string
  tests: WycheproofTest[]
}

/** What happened to the vectors of one file. */
export interface EcdsaFigures {
  file: string
  valid: number
  validAccepted: number
  invalid: number
  invalidRejectedByConversion: number
  invalidRejectedByVerify: number
  acceptable: number
  failures: string[]
}

/** Runs one Wycheproof ECDSA file through the conversion and WebCrypto verification. */
export async function runWycheproofFile(file: string, text: string): Promise<EcdsaFigures> {
  const data = JSON.parse(text) as { testGroups: WycheproofGroup[] }
  const figures: EcdsaFigures = {
    file,
    valid: 0,
    validAccepted: 0,
    invalid: 0,
    invalidRejectedByConversion: 0,
    invalidRejectedByVerify: 0,
    acceptable: 0,
    failures: [],
  }
  for (const group of data.testGroups) {
    const namedCurve = CURVES[group.publicKey.curve]
    ok(namedCurve, `${file}: unknown curve ${group.publicKey.curve}`)
    equal(group.sha, HASH[namedCurve], `${file}: hash of ${namedCurve}`)
    const size = ecdsaCoordinateSize(namedCurve)
    const key = await crypto.subtle.importKey(
      'spki',
      bufferSource(fromHex(group.publicKeyDer)),
      { name: 'ECDSA', namedCurve },
      false,
      ['verify'],
    )
    const params = { name: 'ECDSA', hash: group.sha }
    for (const t of group.tests) {
      const der = fromHex(t.sig)
      const msg = bufferSource(fromHex(t.msg))
      let raw: Uint8Array | undefined
      try {
        raw = ecdsaDerToRaw(der, size)
      } catch (error) {
        if (!(error instanceof PkiError && error.code === 'ERR_PKI_FORMAT')) throw error
      }
      const verified = raw !== undefined && (await crypto.subtle.verify(params, key, bufferSource(raw), msg))
      if (t.result === 'valid') {
        figures.valid++
        if (raw === undefined) figures.failures.push(`tcId ${t.tcId}: valid, refused by the conversion`)
        else if (!verified) figures.failures.push(`tcId ${t.tcId}: valid, does not verify`)
        else if (toHex(ecdsaRawToDer(raw, size)) !== t.sig) figures.failures.push(`tcId ${t.tcId}: DER differs`)
        else figures.validAccepted++
      } else if (t.result === 'invalid') {
        figures.invalid++
        if (raw === undefined) figures.invalidRejectedByConversion++
        else if (!verified) figures.invalidRejectedByVerify++
        else figures.failures.push(`tcId ${t.tcId}: invalid, accepted (${t.flags.join(', ')})`)
      } else {
        // 'acceptable': either outcome is fine; reaching here means no non-PkiError exception escaped.
        figures.acceptable++
      }
    }
  }
  return figures
}

function bytes(hex: string): Uint8Array {
  return fromHex(hex.replace(/\s+/g, ''))
}

/** `n` bytes of `b`, as hex. */
function fill(b: string, n: number): string {
  return b.repeat(n)
}

export default suite('ecdsa', (test) => {
  test('wycheproof: every valid ECDSA signature is accepted and every invalid one rejected', async (env) => {
    const files = (await env.listFiles('wycheproof')).filter((f) => /^ecdsa_.*_test\.json$/.test(f))
    for (const curve of ['secp256r1_sha256', 'secp384r1_sha384', 'secp521r1_sha512']) {
      ok(files.includes(`ecdsa_${curve}_test.json`), `missing wycheproof/ecdsa_${curve}_test.json`)
    }
    for (const file of files) {
      const f = await runWycheproofFile(file, await env.readText(`wycheproof/${file}`))
      deepEqual(f.failures, [], `${file}: ${f.failures.length} failures`)
      ok(f.valid > 0 && f.invalid > 0, `${file}: no vectors`)
      equal(f.validAccepted, f.valid, `${file}: valid accepted`)
      equal(f.invalidRejectedByConversion + f.invalidRejectedByVerify, f.invalid, `${file}: invalid rejected`)
      // The BER / malformed-DER vectors must be caught by the conversion itself, not left to verification.
      ok(
        f.invalidRejectedByConversion > 100,
        `${file}: only ${f.invalidRejectedByConversion} refused by the DER reader`,
      )
    }
  })

  test('ecdsaCoordinateSize gives the WebCrypto raw coordinate sizes', () => {
    equal(ecdsaCoordinateSize('P-256'), 32)
    equal(ecdsaCoordinateSize('P-384'), 48)
    equal(ecdsaCoordinateSize('P-521'), 66)
    throws(() => ecdsaCoordinateSize('P-192' as Curve), { code: 'ERR_PKI_NOT_SUPPORTED' })
    throws(() => ecdsaCoordinateSize('toString' as Curve), { code: 'ERR_PKI_NOT_SUPPORTED' })
    let error: unknown
    try {
      ecdsaCoordinateSize(256 as unknown as Curve)
    } catch (e) {
      error = e
    }
    ok(error instanceof TypeError, 'a number is a TypeError')
  })

  test('WebCrypto signatures round-trip raw -> DER -> raw and verify, on every curve', async () => {
    for (const namedCurve of ['P-256', 'P-384', 'P-521'] as const) {
      const size = ecdsaCoordinateSize(namedCurve)
      const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve }, false, ['sign', 'verify'])
      const params = { name: 'ECDSA', hash: HASH[namedCurve] }
      for (let i = 0; i < 8; i++) {
        const data = crypto.getRandomValues(new Uint8Array(32))
        const raw = new Uint8Array(await crypto.subtle.sign(params, keys.privateKey, data))
        equal(raw.length, 2 * size)
        const der = ecdsaRawToDer(raw, size)
        equal(der[0], 0x30)
        if (namedCurve === 'P-521') ok(der[1] === 0x81 || der[1] === der.length - 2, 'P-521 length form')
        else equal(der[1], der.length - 2)
        deepEqual(ecdsaDerToRaw(der, size), raw)
        ok(await crypto.subtle.verify(params, keys.publicKey, bufferSource(ecdsaDerToRaw(der, size)), data))
      }
    }
  })

  test('P-521: long-form length 0x81 when the content exceeds 127 bytes, short form otherwise', () => {
    // r and s of 66 bytes with the high bit set: two 67-byte INTEGERs, 138 bytes of content.
    const raw = bytes(`80${fill('11', 65)}ff${fill('22', 65)}`)
    const der = ecdsaRawToDer(raw, 66)
    equal(toHex(der.subarray(0, 6)), '30818a024300')
    equal(der.length, 3 + 138)
    deepEqual(ecdsaDerToRaw(der, 66), raw)
    // Small values fit the short form even on P-521 (a 0x81 here would be non-minimal).
    const small = new Uint8Array(132)
    small[65] = 1
    small[131] = 2
    deepEqual(ecdsaRawToDer(small, 66), bytes('3006020101020102'))
    deepEqual(ecdsaDerToRaw(bytes('3006020101020102'), 66), small)
    throws(() => ecdsaDerToRaw(bytes('308106020101020102'), 66), FORMAT, '0x81 for a short length')
    throws(() => ecdsaDerToRaw(bytes(`3082008a${toHex(der.subarray(3))}`), 66), FORMAT, '0x82 00 8a')
    throws(() => ecdsaDerToRaw(bytes(`30828a${toHex(der.subarray(3))}`), 66), FORMAT, 'truncated 0x82')
    // 0x81 exactly at the boundary: content of 128 bytes.
    const edge = bytes(`${fill('00', 9)}${fill('33', 57)}80${fill('44', 65)}`)
    const edgeDer = ecdsaRawToDer(edge, 66)
    equal(toHex(edgeDer.subarray(0, 3)), '308180')
    deepEqual(ecdsaDerToRaw(edgeDer, 66), edge)
    // 127 bytes of content still use the short form.
    const below = bytes(`${fill('00', 10)}${fill('33', 56)}80${fill('44', 65)}`)
    equal(toHex(ecdsaRawToDer(below, 66).subarray(0, 2)), '307f')
  })

  test('ecdsaRawToDer writes minimal INTEGERs', () => {
    const raw = new Uint8Array(64)
    raw[31] = 0x7f // r = 0x7f: one byte, no padding
    raw[32] = 0x80 // s = 0x80 followed by 31 zero bytes: needs a 0x00
    deepEqual(toHex(ecdsaRawToDer(raw, 32)), `3026 02017f 022100 80${fill('00', 31)}`.replace(/ /g, ''))
    raw[31] = 0x80
    raw[30] = 0x00
    deepEqual(toHex(ecdsaRawToDer(raw, 32)).slice(0, 12), '30270202 0080'.replace(/ /g, ''))
    for (let i = 0; i < 300; i++) {
      for (const size of [32, 48, 66]) {
        const r = crypto.getRandomValues(new Uint8Array(2 * size))
        // Force leading zero bytes often, to exercise stripping.
        r.fill(0, 0, i % 4)
        r.fill(0, size, size + (i % 3))
        deepEqual(ecdsaDerToRaw(ecdsaRawToDer(r, size), size), r)
      }
    }
  })

  test('ecdsaRawToDer rejects a wrong length, zero r or s, wrong sizes and argument types', () => {
    throws(() => ecdsaRawToDer(new Uint8Array(63).fill(1), 32), FORMAT, '63 bytes')
    throws(() => ecdsaRawToDer(new Uint8Array(65).fill(1), 32), FORMAT, '65 bytes')
    throws(() => ecdsaRawToDer(new Uint8Array(0), 32), FORMAT, 'empty')
    throws(() => ecdsaRawToDer(new Uint8Array(128).fill(1), 66), FORMAT, '128 bytes for P-521')
    const zeroR = new Uint8Array(64).fill(1)
    zeroR.fill(0, 0, 32)
    throws(() => ecdsaRawToDer(zeroR, 32), FORMAT, 'r = 0')
    const zeroS = new Uint8Array(96).fill(1)
    zeroS.fill(0, 48)
    throws(() => ecdsaRawToDer(zeroS, 48), FORMAT, 's = 0')
    throws(() => ecdsaRawToDer(new Uint8Array(62).fill(1), 31), { code: 'ERR_PKI_ARGUMENT', field: 'size' })
    throws(() => ecdsaDerToRaw(bytes('3006020101020101'), 0), { code: 'ERR_PKI_ARGUMENT', field: 'size' })
    for (const call of [
      () => ecdsaRawToDer([1, 2] as unknown as Uint8Array, 32),
      () => ecdsaRawToDer(new Uint8Array(64), '32' as unknown as number),
      () => ecdsaDerToRaw('3006020101020101' as unknown as Uint8Array, 32),
    ]) {
      let error: unknown
      try {
        call()
      } catch (e) {
        error = e
      }
      ok(error instanceof TypeError, `expected a TypeError, got ${String(error)}`)
    }
  })

  test('ecdsaDerToRaw accepts exactly the minimal DER forms', () => {
    const r32 = `00ff${fill('01', 31)}` // 33 bytes: the 0x00 keeps a high bit positive
    const raw = ecdsaDerToRaw(bytes(`3026 0221 ${r32} 0201 05`), 32)
    equal(toHex(raw), `ff${fill('01', 31)}${fill('00', 31)}05`)
    equal(toHex(ecdsaDerToRaw(bytes('3006 020101 02017f'), 32)), `${fill('00', 31)}01${fill('00', 31)}7f`)
  })

  test('ecdsaDerToRaw rejects every malformed or non-DER encoding', () => {
    const s = '020101'
    const cases: Record<string, string> = {
      empty: '',
      'one byte': '30',
      'wrong outer tag (SET)': `3106 020101 ${s}`,
      'wrong outer tag (INTEGER)': `0206 020101 ${s}`,
      'constructed context tag': `a006 020101 ${s}`,
      'indefinite length': `3080 020101 ${s} 0000`,
      'long form where short fits': `308106 020101 ${s}`,
      'long form with a leading zero octet': `30820006 020101 ${s}`,
      'length too long': `3007 020101 ${s}`,
      'length too short': `3005 020101 ${s}`,
      'trailing byte after the sequence': `3006 020101 ${s} 00`,
      'trailing sequence': `3006 020101 ${s} 3006020101020101`,
      'extra element inside': `3009 020101 ${s} 020101`,
      'trailing zero inside': `3007 020101 ${s} 00`,
      'empty sequence': '3000',
      'missing s': '3003 020101',
      'only a tag for s': '3004 020101 02',
      'zero-length r': `3005 0200 ${s}`,
      'zero-length s': '3005 020101 0200',
      'r is zero': `3006 020100 ${s}`,
      's is zero': '3006 020101 020100',
      'r negative': `3006 020180 ${s}`,
      'r with a leading 0xff': `3007 0202ff80 ${s}`,
      'r with a needless leading zero': `3007 02020001 ${s}`,
      's with a needless leading zero': '3007 020101 02020001',
      'r as 0x00 0x00': `3007 02020000 ${s}`,
      'r with two leading zeros before a high bit': `3008 0203000080 ${s}`,
      'r long-form INTEGER length': `3007 02810101 ${s}`,
      'r indefinite INTEGER length': `3008 0280010000 ${s}`,
      'r wider than 32 bytes': `3026 0221 01${fill('01', 32)} ${s}`,
      'r wider than 32 bytes with 0x00': `3027 0222 0080${fill('01', 32)} ${s}`,
      'r as a BIT STRING': `3006 030101 ${s}`,
      'r as an OCTET STRING': `3006 040101 ${s}`,
      'nested sequence': `3008 3006020101020101`,
      'r runs past the sequence': `3006 020501 ${s}`,
    }
    for (const [name, hex] of Object.entries(cases)) throws(() => ecdsaDerToRaw(bytes(hex), 32), FORMAT, name)
    // P-521 widths: 66 bytes fit, 67 do not (and 67 with a 0x00 is fine only if the value is 66 bytes).
    const r66 = `01${fill('ff', 65)}`
    equal(ecdsaDerToRaw(bytes(`3047 0242 ${r66} 020101`), 66).length, 132)
    throws(() => ecdsaDerToRaw(bytes(`3048 0243 01${r66} 020101`), 66), FORMAT, '67-byte r on P-521')
    // P-256 size rules applied to a P-384 signature.
    const r48 = `7f${fill('01', 47)}`
    equal(ecdsaDerToRaw(bytes(`3035 0230 ${r48} 020101`), 48).length, 96)
    throws(() => ecdsaDerToRaw(bytes(`3035 0230 ${r48} 020101`), 32), FORMAT, 'P-384 r read as P-256')
  })
})
