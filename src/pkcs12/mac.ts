/**
 * The PKCS#12 integrity MAC (RFC 7292 section 5.1 and appendix B): HMAC over the AuthenticatedSafe with a key from
 * the PKCS#12 key derivation function. OpenSSL 3 writes HMAC-SHA256; we read SHA-1 and SHA-2 MACs.
 */
import { oid, PKCS_OID } from '../der/oid.ts'
import { type DerNode, readOctetString, readOid, readSmallInteger, sequenceOf } from '../der/reader.ts'
import { integer, nullValue, octetString, sequence } from '../der/writer.ts'
import { PkiArgumentError, PkiFormatError, PkiNotSupportedError } from '../errors.ts'
import { bufferSource, bytesEqual, concatBytes, utf16be } from '../lib/bytes.ts'

/**
 * The most KDF iterations we accept on reading: each one is an awaited digest, and a hostile file must not keep a
 * tab busy for minutes. Also the most we write, so that everything we write reads back.
 */
export const MAX_PKCS12_ITERATIONS = 1_000_000

/** Hash name, output length u and block length v (RFC 7292 B.2) of the MAC digests we read. */
const HASHES: Record<string, { name: string; u: number; v: number }> = {
  [PKCS_OID.sha1]: { name: 'SHA-1', u: 20, v: 64 },
  [PKCS_OID.sha256]: { name: 'SHA-256', u: 32, v: 64 },
  [PKCS_OID.sha384]: { name: 'SHA-384', u: 48, v: 128 },
  [PKCS_OID.sha512]: { name: 'SHA-512', u: 64, v: 128 },
}

/** The RFC 7292 B.2 diversifier ID for MAC keys. */
const MAC_KEY_ID = 3

/** `data` repeated to fill a multiple of `v` octets (RFC 7292 B.2 steps 2 and 3); empty stays empty. */
function fill(data: Uint8Array, v: number): Uint8Array {
  const out = new Uint8Array(v * Math.ceil(data.length / v))
  for (let i = 0; i < out.length; i++) out[i] = data[i % data.length] as number
  return out
}

/**
 * The PKCS#12 key derivation function (RFC 7292 appendix B.2). The password is the BMPString form with two zero
 * octets at the end (B.1), as OpenSSL, NSS and the JDK all do.
 *
 * @example
 * const macKey = await pkcs12Kdf(crypto, 'SHA-256', 32, 64, 'pw', salt, 2048, 3, 32)
 */
export async function pkcs12Kdf(
  crypto: Crypto,
  hash: string,
  u: number,
  v: number,
  password: string,
  salt: Uint8Array,
  iterations: number,
  id: number,
  n: number,
): Promise<Uint8Array> {
  const d = new Uint8Array(v).fill(id)
  const i = concatBytes([fill(salt, v), fill(concatBytes([utf16be(password), new Uint8Array(2)]), v)])
  const out: Uint8Array[] = []
  for (let produced = 0; produced < n; produced += u) {
    let a = concatBytes([d, i])
    for (let r = 0; r < iterations; r++) a = new Uint8Array(await crypto.subtle.digest(hash, bufferSource(a)))
    out.push(a)
    if (produced + u >= n) break
    // B.2 step 6: I_j = (I_j + B + 1) mod 2^v for every v-octet block of I, B being A repeated to v octets.
    const b = fill(a, v)
    for (let j = 0; j < i.length; j += v) {
      let carry = 1
      for (let k = v - 1; k >= 0; k--) {
        const sum = (i[j + k] as number) + (b[k] as number) + carry
        i[j + k] = sum & 0xff
        carry = sum >> 8
      }
    }
  }
  return concatBytes(out).subarray(0, n)
}

async function hmac(
  crypto: Crypto,
  hash: { name: string; u: number; v: number },
  passphrase: string,
  salt: Uint8Array,
  iterations: number,
  data: Uint8Array,
): Promise<Uint8Array> {
  // RFC 7292 B.4: the HMAC key is as long as the hash output.
  const keyBytes = await pkcs12Kdf(crypto, hash.name, hash.u, hash.v, passphrase, salt, iterations, MAC_KEY_ID, hash.u)
  const key = await crypto.subtle.importKey('raw', bufferSource(keyBytes), { name: 'HMAC', hash: hash.name }, false, [
    'sign',
  ])
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, bufferSource(data)))
}

/**
 * MacData (RFC 7292 section 4) with HMAC-SHA256 over `authSafe` (the content of the outer data ContentInfo).
 *
 * @example
 * const macData = await writeMacData(crypto, authSafe, 'pw', 2048)
 */
export async function writeMacData(
  crypto: Crypto,
  authSafe: Uint8Array,
  passphrase: string,
  iterations: number,
): Promise<Uint8Array> {
  // RFC 7292 section 4 recommends a salt at least as long as the hash output; OpenSSL uses 8 octets, we use 16.
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const mac = await hmac(
    crypto,
    HASHES[PKCS_OID.sha256] as (typeof HASHES)[string],
    passphrase,
    salt,
    iterations,
    authSafe,
  )
  const digestInfo = sequence(sequence(oid(PKCS_OID.sha256), nullValue()), octetString(mac))
  return sequence(digestInfo, octetString(salt), integer(iterations))
}

/**
 * Checks MacData against `authSafe`: PkiArgumentError on `passphrase` when the MAC differs (a wrong passphrase or a
 * changed file, which a MAC cannot tell apart), PkiNotSupportedError for PBMAC1 or an unknown digest.
 *
 * @example
 * await verifyMacData(crypto, macDataNode, authSafe, 'pw')
 */
export async function verifyMacData(
  crypto: Crypto,
  macData: DerNode,
  authSafe: Uint8Array,
  passphrase: string,
): Promise<void> {
  const fields = sequenceOf(macData, 2, 3)
  const [digestInfo, saltNode] = fields as [DerNode, DerNode]
  // RFC 7292 section 4: iterations INTEGER DEFAULT 1.
  const iterations = fields[2] ? readSmallInteger(fields[2]) : 1
  const [algorithm, digestNode] = sequenceOf(digestInfo, 2) as [DerNode, DerNode]
  const [hashOid] = sequenceOf(algorithm, 1, 2) as [DerNode]
  const id = readOid(hashOid)
  if (id === PKCS_OID.pbmac1)
    throw new PkiNotSupportedError('PBMAC1-protected PKCS#12 files (RFC 9579) are not supported')
  const hash = HASHES[id]
  if (!hash) throw new PkiNotSupportedError(`unsupported PKCS#12 MAC digest ${id}`)
  if (iterations < 1 || iterations > MAX_PKCS12_ITERATIONS) {
    throw new PkiFormatError(`PKCS#12 MAC iteration count ${iterations} out of range`)
  }
  const expected = readOctetString(digestNode)
  const mac = await hmac(crypto, hash, passphrase, readOctetString(saltNode), iterations, authSafe)
  if (!bytesEqual(mac, expected)) {
    throw new PkiArgumentError('passphrase', 'the passphrase does not open this PKCS#12 file (or the file was changed)')
  }
}
