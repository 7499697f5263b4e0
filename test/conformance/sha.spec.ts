/**
 * Our synchronous SHA-256 and SHA-1 (src/lib/sha.ts, behind every fingerprint) against the FIPS 180-4 example
 * vectors and against the runtime's own WebCrypto digest, on random inputs of every length around the block and
 * padding boundaries and a few large ones.
 */
import { toHex, utf8 } from '../../src/lib/bytes.ts'
import { sha1, sha256 } from '../../src/lib/sha.ts'
import { equal } from '../assert.ts'
import { suite } from '../harness.ts'

async function webDigest(name: 'SHA-256' | 'SHA-1', data: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest(name, data as Uint8Array<ArrayBuffer>)))
}

function random(length: number): Uint8Array {
  const out = new Uint8Array(length)
  // getRandomValues fills at most 65536 octets a call.
  for (let i = 0; i < length; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)))
  return out
}

export default suite('sha', (test) => {
  test('FIPS 180-4 example vectors', () => {
    const two = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'
    equal(toHex(sha256(utf8(''))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    equal(toHex(sha256(utf8('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    equal(toHex(sha256(utf8(two))), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1')
    equal(toHex(sha1(utf8(''))), 'da39a3ee5e6b4b0d3255bfef95601890afd80709')
    equal(toHex(sha1(utf8('abc'))), 'a9993e364706816aba3e25717850c26c9cd0d89d')
    equal(toHex(sha1(utf8(two))), '84983e441c3bd26ebaae4aa1f95129e5e54670f1')
    const million = new Uint8Array(1_000_000).fill(0x61)
    equal(toHex(sha256(million)), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0')
    equal(toHex(sha1(million)), '34aa973cd4c4daa4f61eeb2bdbad27316534016f')
  })

  test('equal to WebCrypto digest on random inputs of every length 0..300 and some large ones', async () => {
    const lengths = [...Array.from({ length: 301 }, (_, i) => i), 1000, 4095, 4096, 4097, 65543, 1_048_589]
    for (const length of lengths) {
      const data = random(length)
      equal(toHex(sha256(data)), await webDigest('SHA-256', data), `SHA-256 of ${length} octets`)
      equal(toHex(sha1(data)), await webDigest('SHA-1', data), `SHA-1 of ${length} octets`)
    }
  })

  test('a view into a larger buffer hashes only its own octets', async () => {
    const buffer = random(1000)
    const view = buffer.subarray(123, 777)
    equal(toHex(sha256(view)), await webDigest('SHA-256', view.slice()))
    equal(toHex(sha1(view)), await webDigest('SHA-1', view.slice()))
  })
})
