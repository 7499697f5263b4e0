/**
 * The benchmark itself, on any runtime with WebCrypto (Node's `npm run bench`, Chromium's `npm run bench:browser`):
 * in one run, side by side, pocket-ca against the bare WebCrypto calls each job must make (the
 * floor), @peculiar/x509, PKI.js and node-forge (RSA only): key generation per key type, CSR creation, checked
 * issuance from a CSR (verify the CSR, sign, verify the result) one at a time and with many requests in flight,
 * CRLs of 1,000 and 100,000 entries, verifyChain on a 3-level chain, parseCertificate, and memory while issuing in
 * a loop. Medians of interleaved rounds and their ratios. A report: nothing here asserts a timing. Whatever depends
 * on the runtime (printing, the platform line, memory readings, gc) comes in through a {@link BenchHost}.
 */
// biome-ignore-start assist/source/organizeImports: reflect-metadata must be evaluated before @peculiar/x509 (tsyringe)
import 'reflect-metadata'
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Pkcs10CertificateRequest,
  Pkcs10CertificateRequestGenerator,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
  X509ChainBuilder,
  X509CrlGenerator,
  X509CrlReason,
} from '@peculiar/x509'
// biome-ignore-end assist/source/organizeImports: the order above matters
import {
  type CertificateAuthority,
  createCsr,
  createRootCa,
  createSubordinateCa,
  decodePem,
  generateCrl,
  generateKeyPair,
  getCaCsr,
  importCaCertificate,
  type PemBlock,
  parseCertificate,
  signCsr,
  signSubordinateCa,
  verifyChain,
} from '../src/index.ts'
import { ecdsaDerToRaw } from '../src/der/ecdsa.ts'
import { type DerNode, readBitStringBytes, readOid, readSingle, sequenceOf } from '../src/der/reader.ts'
import type { KeyType } from '../src/keys/types.ts'
import { fromHex, toHex } from '../src/lib/bytes.ts'
import { measure, millis, perSecond, ratio, spread, type Timing, table, type Variant } from './harness.ts'
import {
  type ForgeCa,
  forgeCsr,
  forgeIssue,
  forgeKeyPair,
  forgeNativeRsa,
  forgeParse,
  forgeRootCa,
  forgeVerifyChain,
  pkijsCertificate,
  pkijsCrl,
  pkijsCsr,
  pkijsIssue,
  pkijsVerifyChain,
  type RevokedEntry,
} from './others.ts'

type CaKeyType = 'EC256' | 'RSA2048'

const SUBJECT = { commonName: 'bench.example', altName: 'bench.example' }
const PERIOD_DAYS = 30
const DAY_MS = 86_400_000
const SAN_OID = '2.5.29.17'
/** Rounds per table (odd, for a plain median). */
const ROUNDS = 7
/** Requests in flight at once in the concurrent issuance tables. */
const IN_FLIGHT = 32
/** Certificates issued in the memory loop unless the host says otherwise (the issue asks for 100,000). */
const MEMORY_N = 100_000
const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const
const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1'
const subtle = globalThis.crypto.subtle

/** A copy backed by a plain ArrayBuffer, as WebCrypto's BufferSource wants. */
const buffer = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes)

/** The DER of the one PEM block in `pem`. */
function pemDer(pem: string): Uint8Array {
  return (decodePem(pem)[0] as PemBlock).der
}

/** The SEQUENCE { toBeSigned, signatureAlgorithm, signature } of a signed PEM object (certificate, CSR, CRL). */
function signedParts(pem: string | Uint8Array): [DerNode, DerNode, DerNode] {
  return sequenceOf(readSingle(typeof pem === 'string' ? pemDer(pem) : pem), 3) as [DerNode, DerNode, DerNode]
}

/** The signature parameters of a key, as WebCrypto takes them for sign and verify. */
function signParams(key: CryptoKey): Algorithm | EcdsaParams {
  return key.algorithm.name === 'ECDSA' ? ECDSA_SHA256 : { name: key.algorithm.name }
}

function randomSerialHex(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x01
  return toHex(bytes)
}

function times(a: Timing, b: Timing): string {
  return `${ratio(a, b).toFixed(2)}x`
}

/** Prints a table of timings with their ratio to `baseline` and, if given, to `other`. */
function report(log: Log, title: string, timings: Timing[], baseline: Timing, other?: Timing): void {
  const head = ['variant', 'per s', 'ms each', 'spread', `/ ${baseline.name}`, ...(other ? [`/ ${other.name}`] : [])]
  const rows = timings.map((t) => [
    t.name,
    perSecond(t.ms),
    millis(t.ms),
    spread(t),
    times(t, baseline),
    ...(other ? [times(t, other)] : []),
  ])
  log(`\n${title}`)
  log(table([head, ...rows]))
}

/** How the floor imports a public key: the cheapest form WebCrypto takes (EC: the raw point; RSA: the SPKI). */
interface KeyImport {
  format: 'raw' | 'spki'
  data: Uint8Array<ArrayBuffer>
  params: Algorithm | EcKeyImportParams | RsaHashedImportParams
  verify: Algorithm | EcdsaParams
}

function keyImport(spki: DerNode): KeyImport {
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
  const [algorithm, bits] = sequenceOf(spki, 2) as [DerNode, DerNode]
  if (readOid(sequenceOf(algorithm, 1, 2)[0] as DerNode) === RSA_ENCRYPTION) {
    return { format: 'spki', data: buffer(spki.bytes), params: RSA_SHA256, verify: RSA_SHA256 }
  }
  return { format: 'raw', data: buffer(readBitStringBytes(bits)), params: P256, verify: ECDSA_SHA256 }
}

function importPublicKey(k: KeyImport): Promise<CryptoKey> {
  return subtle.importKey(k.format, k.data, k.params, false, ['verify'])
}

function rawSignature(signature: DerNode, ec: boolean): Uint8Array<ArrayBuffer> {
  const bits = readBitStringBytes(signature)
  return buffer(ec ? ecdsaDerToRaw(bits, 32) : bits)
}

/** The jobs on one subject key type: a CA, a CSR and its parts for the bare line. */
interface Setup {
  caKeyType: CaKeyType
  ca: CertificateAuthority
  caCert: X509Certificate
  caKeyId: string
  csrPem: string
  csrKeyType: CaKeyType
}

async function setup(caKeyType: CaKeyType, csrKeyType: CaKeyType): Promise<Setup> {
  const ca = await createRootCa({ subject: { commonName: `Bench ${caKeyType} CA` }, keyType: caKeyType })
  const caCert = new X509Certificate(ca.certificate as string)
  const caKeyId = caCert.getExtension(SubjectKeyIdentifierExtension)?.keyId
  if (!caKeyId) throw new Error('the CA certificate has no subject key identifier')
  const csrPem = await createCsr(await generateKeyPair(csrKeyType), SUBJECT)
  return { caKeyType, ca, caCert, caKeyId, csrPem, csrKeyType }
}

/** The ways of issuing one checked certificate: ours, bare WebCrypto, @peculiar/x509, PKI.js (+ node-forge). */
async function issuanceVariants(s: Setup, forgeCa?: ForgeCa): Promise<{ variants: Variant[]; notes: string }> {
  const { ca, caCert, caKeyId, csrPem } = s
  const { privateKey, publicKey } = ca.keys
  const sign = signParams(privateKey)
  const ec = s.csrKeyType === 'EC256'

  const ours: Variant = { name: 'ours: signCsr', run: () => signCsr(ca, csrPem, { period: PERIOD_DAYS }) }

  // The bare line's inputs, read once outside the loop: what signCsr hands WebCrypto, on the same data.
  const [info, , signature] = signedParts(csrPem)
  // CertificationRequestInfo ::= SEQUENCE { version, subject, subjectPKInfo, [0] attributes } (RFC 2986 4.1).
  const csrKey = keyImport(sequenceOf(info, 4)[2] as DerNode)
  const csrInfo = buffer(info.bytes)
  const csrSignature = rawSignature(signature, ec)
  const sample = await signCsr(ca, csrPem, { period: PERIOD_DAYS })
  const tbs = buffer(signedParts(sample.certificate)[0].bytes)
  // The floor: the three operations issuance must make (import the CSR key and verify the CSR, sign, verify the
  // result) on inputs prepared outside the loop; no parsing, no DER writing, no key identifier, no serial.
  const bare: Variant = {
    name: 'bare WebCrypto',
    run: async () => {
      const key = await importPublicKey(csrKey)
      if (!(await subtle.verify(csrKey.verify, key, csrSignature, csrInfo))) throw new Error('CSR signature')
      const signature = await subtle.sign(sign, privateKey, tbs)
      if (!(await subtle.verify(sign, publicKey, signature, tbs))) throw new Error('certificate signature')
    },
  }

  // The subject key is EC: no keyEncipherment, as in ours; RSA: both.
  const keyUsage = ec ? KeyUsageFlags.digitalSignature : KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment
  const x509: Variant = {
    name: '@peculiar/x509',
    run: async () => {
      const request = new Pkcs10CertificateRequest(csrPem)
      if (!(await request.verify())) throw new Error('CSR signature')
      const san = request.getExtension(SAN_OID)
      if (!(san instanceof SubjectAlternativeNameExtension)) throw new Error('the CSR has no subjectAltName')
      const notBefore = new Date()
      const certificate = await X509CertificateGenerator.create({
        serialNumber: randomSerialHex(),
        subject: request.subjectName,
        issuer: caCert.subjectName,
        notBefore,
        notAfter: new Date(notBefore.getTime() + PERIOD_DAYS * DAY_MS),
        publicKey: request.publicKey,
        signingKey: privateKey,
        signingAlgorithm: sign,
        extensions: [
          new BasicConstraintsExtension(false, undefined, true),
          new KeyUsagesExtension(keyUsage, true),
          new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth]),
          await SubjectKeyIdentifierExtension.create(request.publicKey),
          new AuthorityKeyIdentifierExtension(caKeyId),
          new SubjectAlternativeNameExtension(san.names.toJSON()),
        ],
      })
      if (!(await certificate.verify({ publicKey }))) throw new Error('certificate signature')
      return certificate
    },
  }

  const csrDer = pemDer(csrPem)
  const pkiCa = pkijsCertificate(pemDer(ca.certificate as string))
  const keyIdBytes = fromHex(caKeyId)
  const pkijs: Variant = {
    name: 'PKI.js',
    run: () => pkijsIssue(csrDer, pkiCa, keyIdBytes, privateKey, PERIOD_DAYS),
  }

  const variants = [ours, bare, x509, pkijs]
  if (forgeCa) variants.push({ name: 'node-forge', run: async () => forgeIssue(csrPem, forgeCa, PERIOD_DAYS) })
  const sizes = await Promise.all(variants.map(async (v) => v.run()))
  const size = (x: unknown) =>
    typeof x === 'string' ? pemDer(x).length : x instanceof X509Certificate ? x.rawData.byteLength : 0
  const notes =
    `certificate DER: ours ${pemDer(sample.certificate).length} bytes, @peculiar/x509 ${size(sizes[2])}, ` +
    `PKI.js ${(sizes[3] as ArrayBuffer).byteLength}${forgeCa ? `, node-forge ${size(sizes[4])}` : ''}; ` +
    `TBS signed by bare: ${tbs.length} bytes`
  return { variants, notes }
}

/** Runs `IN_FLIGHT` of `v` at once per run. */
function inFlight(v: Variant): Variant {
  return { name: v.name, perRun: IN_FLIGHT, run: () => Promise.all(Array.from({ length: IN_FLIGHT }, () => v.run())) }
}

interface IssuanceResult {
  sequential: Timing[]
  concurrent: Timing[]
}

async function issuance(log: Log, gc: (() => void) | undefined, s: Setup, forgeCa?: ForgeCa): Promise<IssuanceResult> {
  const { variants, notes } = await issuanceVariants(s, forgeCa)
  const label = `signCsr, ${s.caKeyType} CA, ${s.csrKeyType} CSR`
  const collect = gc ? { collect: gc } : {}
  const sequential = await measure(variants, { rounds: ROUNDS, roundMs: 400, warmupMs: 300, ...collect })
  const [ours, bare] = sequential as [Timing, Timing]
  const clean = gc ? ', each from a collected heap' : ''
  report(log, `${label}, one at a time (median of ${ROUNDS} interleaved rounds${clean})`, sequential, bare, ours)
  log(notes)
  // node-forge is synchronous: nothing is gained from requests in flight, so it is left out there.
  const concurrent = await measure(variants.slice(0, 4).map(inFlight), {
    rounds: 5,
    roundMs: 400,
    minIterations: 2,
    ...collect,
  })
  const [cOurs, cBare] = concurrent as [Timing, Timing]
  report(
    log,
    `${label}, ${IN_FLIGHT} requests in flight (median of 5 rounds${clean}; ms per certificate)`,
    concurrent,
    cBare,
    cOurs,
  )
  return { sequential, concurrent }
}

/**
 * The platform's own rate, the floor under every signing job: bare WebCrypto sign and verify of a certificate-sized
 * message (the 362-byte TBS of an EC256 leaf) per key type, one at a time and with 32 in flight.
 */
async function signatureFloor(log: Log): Promise<void> {
  const message = crypto.getRandomValues(new Uint8Array(362))
  const rows: string[][] = [['key type', 'sign/s', 'verify/s', 'sign/s, 32 in flight', 'verify/s, 32 in flight']]
  for (const keyType of ['EC256', 'EC384', 'EC521', 'Ed25519', 'RSA2048', 'RSA4096'] as const) {
    const { privateKey, publicKey } = await generateKeyPair(keyType)
    const params = signParams(privateKey)
    const signature = await subtle.sign(params, privateKey, message)
    const sign: Variant = { name: 'sign', run: () => subtle.sign(params, privateKey, message) }
    const verify: Variant = { name: 'verify', run: () => subtle.verify(params, publicKey, signature, message) }
    const timings = await measure([sign, verify, inFlight(sign), inFlight(verify)], {
      rounds: 3,
      roundMs: 200,
      warmupMs: 100,
    })
    rows.push([keyType, ...timings.map((t) => perSecond(t.ms))])
  }
  log('\nThe floor: bare WebCrypto signatures over 362 bytes (median of 3 interleaved rounds)')
  log(table(rows))
}

/**
 * Key generation per key type: ours vs bare generateKey (and node-forge for RSA 2048). Where node-forge has no
 * native RSA generation (a browser) it makes keys in JavaScript (up to seconds each): they are timed apart, in the
 * fewest rounds.
 */
async function keyGeneration(log: Log): Promise<void> {
  const forgeNative = forgeNativeRsa()
  const rows: string[][] = [['key type', 'ours ms', 'bare ms', 'ours / bare', 'others ms', 'rounds x keys']]
  const plan: [KeyType, number, number][] = [
    ['EC256', 5, 150],
    ['EC384', 5, 150],
    ['EC521', 5, 150],
    ['Ed25519', 5, 150],
    ['RSA2048', 5, 400],
    ['RSA3072', 3, 0],
    ['RSA4096', 3, 0],
  ]
  for (const [keyType, rounds, roundMs] of plan) {
    const rsa = keyType.startsWith('RSA')
    const sample = await generateKeyPair(keyType)
    const algorithm = sample.privateKey.algorithm as Algorithm & Record<string, unknown>
    const params = rsa
      ? { ...algorithm, publicExponent: new Uint8Array([1, 0, 1]) }
      : (algorithm as EcKeyGenParams | Algorithm)
    const variants: Variant[] = [
      { name: 'ours', run: () => generateKeyPair(keyType) },
      { name: 'bare', run: () => subtle.generateKey(params as RsaHashedKeyGenParams, false, ['sign', 'verify']) },
    ]
    const forgeVariant: Variant = { name: 'node-forge', run: async () => forgeKeyPair() }
    if (keyType === 'RSA2048' && forgeNative) variants.push(forgeVariant)
    const least = rsa ? (keyType === 'RSA2048' ? 3 : 1) : 5
    const timings = await measure(variants, { rounds, roundMs, warmupMs: rsa ? 0 : 100, minIterations: least })
    if (keyType === 'RSA2048' && !forgeNative) {
      timings.push(...(await measure([forgeVariant], { rounds: 3, roundMs: 0, warmupMs: 0, minIterations: 1 })))
    }
    const [ours, bare, forge] = timings as [Timing, Timing, Timing | undefined]
    rows.push([
      keyType,
      millis(ours.ms),
      millis(bare.ms),
      times(ours, bare),
      forge ? `node-forge ${millis(forge.ms)}` : '',
      `${rounds} x ${ours.iterations}`,
    ])
  }
  log('\nKey generation (generateKeyPair vs crypto.subtle.generateKey; median per key)')
  log(table(rows))
  log(
    '@peculiar/x509 and PKI.js have no key generation of their own (they call crypto.subtle.generateKey); ' +
      (forgeNative
        ? 'node-forge in Node uses Node’s native RSA generation and converts the key to its own form.'
        : 'node-forge has no native RSA generation here and makes the key in JavaScript (a key takes from a ' +
          'fraction of a second to seconds): timed apart, median of 3 rounds of 1 key after 1 warm-up key.'),
  )
}

/** CSR creation from an existing key pair. */
async function csrCreation(log: Log, keyType: CaKeyType): Promise<void> {
  const keys = await generateKeyPair(keyType)
  const sampleCsr = await createCsr(keys, SUBJECT)
  const info = buffer(signedParts(sampleCsr)[0].bytes)
  const sign = signParams(keys.privateKey)
  const variants: Variant[] = [
    { name: 'ours: createCsr', run: () => createCsr(keys, SUBJECT) },
    {
      // createCsr exports the SPKI, signs and checks its own signature (refusing mismatched key halves).
      name: 'bare export + sign + verify',
      run: async () => {
        await subtle.exportKey('spki', keys.publicKey)
        const signature = await subtle.sign(sign, keys.privateKey, info)
        if (!(await subtle.verify(sign, keys.publicKey, signature, info))) throw new Error('CSR signature')
      },
    },
    {
      name: '@peculiar/x509',
      run: async () => {
        const request = await Pkcs10CertificateRequestGenerator.create({
          name: `CN=${SUBJECT.commonName}`,
          keys,
          signingAlgorithm: keyType === 'EC256' ? ECDSA_SHA256 : RSA_SHA256,
          extensions: [new SubjectAlternativeNameExtension([{ type: 'dns', value: SUBJECT.altName }])],
        })
        return request.toString('pem')
      },
    },
    { name: 'PKI.js', run: () => pkijsCsr(keys, SUBJECT.commonName) },
  ]
  if (keyType === 'RSA2048') {
    const forgeKeys = forgeKeyPair()
    variants.push({ name: 'node-forge', run: async () => forgeCsr(forgeKeys, SUBJECT.commonName) })
  }
  const timings = await measure(variants, { rounds: 5, roundMs: 250, warmupMs: 150 })
  report(
    log,
    `CSR creation, ${keyType} key (median of 5 interleaved rounds)`,
    timings,
    timings[1] as Timing,
    timings[0],
  )
}

function revokedEntries(n: number): RevokedEntry[] {
  const at = new Date(Date.now() - DAY_MS).toISOString()
  return Array.from({ length: n }, () => ({ serialNo: randomSerialHex(), at }))
}

interface CrlResult {
  n: number
  /** Undefined when generateCrl failed; then `error` says how. */
  ours?: Timing
  error?: string
}

/**
 * CRL generation over `n` revoked entries, EC256 CA: ours, bare sign + verify of a TBS of that size, and (at up to
 * 10,000 entries: they take ~0.2 s per 1,000) @peculiar/x509 and PKI.js.
 */
async function crl(log: Log, n: number): Promise<CrlResult> {
  const root = await createRootCa({ subject: { commonName: 'Bench CRL CA' } })
  const entries = revokedEntries(n)
  const ca: CertificateAuthority = {
    ...root,
    revoked: entries.map((e) => ({ serialNo: e.serialNo, reason: 'keyCompromise', at: e.at })),
  }
  const caCert = new X509Certificate(root.certificate as string)
  const caKeyId = caCert.getExtension(SubjectKeyIdentifierExtension)?.keyId as string
  const { privateKey, publicKey } = root.keys
  const pkiCa = pkijsCertificate(pemDer(root.certificate as string))
  const keyIdBytes = fromHex(caKeyId)
  let error: string | undefined
  let crlDer: Uint8Array
  try {
    crlDer = pemDer((await generateCrl(ca)).crl)
  } catch (e) {
    error = `${(e as Error).name}: ${(e as Error).message}`
    crlDer = new Uint8Array(0)
  }
  // Without our CRL, the floor signs as many bytes as ours writes per entry at 1,000 entries (49).
  const tbs = error ? new Uint8Array(n * 49) : buffer(signedParts(crlDer)[0].bytes)
  const variants: Variant[] = [
    ...(error ? [] : [{ name: 'ours: generateCrl', run: () => generateCrl(ca) }]),
    {
      name: 'bare sign + verify',
      run: async () => {
        const signature = await subtle.sign(ECDSA_SHA256, privateKey, tbs)
        if (!(await subtle.verify(ECDSA_SHA256, publicKey, signature, tbs))) throw new Error('CRL signature')
      },
    },
  ]
  const others = n <= 10_000
  if (others) {
    variants.push(
      {
        name: '@peculiar/x509',
        run: async () => {
          const thisUpdate = new Date()
          const list = await X509CrlGenerator.create({
            issuer: caCert.subjectName,
            thisUpdate,
            nextUpdate: new Date(thisUpdate.getTime() + 7 * DAY_MS),
            signingKey: privateKey,
            signingAlgorithm: ECDSA_SHA256,
            extensions: [new AuthorityKeyIdentifierExtension(caKeyId)],
            entries: entries.map((e) => ({
              serialNumber: e.serialNo,
              revocationDate: new Date(e.at),
              reason: X509CrlReason.keyCompromise,
            })),
          })
          if (!(await list.verify({ publicKey }))) throw new Error('CRL signature')
          return list.rawData
        },
      },
      { name: 'PKI.js', run: () => pkijsCrl(entries, pkiCa, keyIdBytes, privateKey, 1) },
    )
  }
  const big = n > 10_000
  const timings = await measure(
    variants,
    big ? { rounds: 3, roundMs: 0, warmupMs: 0, minIterations: 1 } : { rounds: 5, roundMs: 300, warmupMs: 150 },
  )
  const bare = find(timings, 'bare sign + verify')
  const ours = error ? undefined : find(timings, 'ours: generateCrl')
  report(
    log,
    `CRL with ${n.toLocaleString('en')} entries, EC256 CA (median of ${big ? '3 rounds of 1 CRL' : '5 rounds'}; ` +
      `${error ? 'TBS' : 'our CRL'} ${((error ? tbs : crlDer).length / 1024).toFixed(0)} KB)`,
    timings,
    bare,
    ours,
  )
  if (error) log(`ours: generateCrl FAILED with ${n.toLocaleString('en')} entries: ${error}`)
  if (!others) log('@peculiar/x509 and PKI.js not run here: linear at ~0.2 s per 1,000 entries (table above)')
  return { n, ...(ours ? { ours } : {}), ...(error ? { error } : {}) }
}

interface Chain {
  root: string
  intermediate: string
  leaf: string
}

async function makeChain(keyType: CaKeyType): Promise<Chain> {
  const root = await createRootCa({ subject: { commonName: `Bench ${keyType} Root` }, keyType })
  const pending = await createSubordinateCa({ subject: { commonName: `Bench ${keyType} Issuing CA` }, keyType })
  const subCert = await signSubordinateCa(root, await getCaCsr(pending), { period: 1825, pathLen: 0 })
  const sub = await importCaCertificate(pending, subCert, root.certificate as string)
  const leaf = await signCsr(sub, await createCsr(await generateKeyPair(keyType), SUBJECT), { period: PERIOD_DAYS })
  return { root: root.certificate as string, intermediate: sub.certificate as string, leaf: leaf.certificate }
}

/** The public key of a certificate and the signature parts of another one it signed, for the bare line. */
async function bareCheck(issuerPem: string, subjectPem: string, ec: boolean) {
  // TBSCertificate ::= SEQUENCE { [0] version, serial, signature, issuer, validity, subject, spki, ... }
  const issuerKey = keyImport(sequenceOf(signedParts(issuerPem)[0], 7, 10)[6] as DerNode)
  const [tbs, , signature] = signedParts(subjectPem)
  const tbsBytes = buffer(tbs.bytes)
  const sig = rawSignature(signature, ec)
  return async () => {
    const key = await importPublicKey(issuerKey)
    if (!(await subtle.verify(issuerKey.verify, key, sig, tbsBytes))) throw new Error('signature')
  }
}

async function chainVerification(log: Log, keyType: CaKeyType): Promise<void> {
  const chain = await makeChain(keyType)
  const ec = keyType === 'EC256'
  const leafOk = await bareCheck(chain.intermediate, chain.leaf, ec)
  const subOk = await bareCheck(chain.root, chain.intermediate, ec)
  const [rootDer, subDer, leafDer] = [chain.root, chain.intermediate, chain.leaf].map(pemDer) as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ]
  const variants: Variant[] = [
    {
      name: 'ours: verifyChain',
      run: () => verifyChain(chain.leaf, { roots: [chain.root], intermediates: [chain.intermediate] }),
    },
    {
      name: 'bare 2x (importKey + verify)',
      run: async () => {
        await leafOk()
        await subOk()
      },
    },
    {
      // Builds the path, checking each signature on the way; no validity, constraints or usage checks.
      name: '@peculiar/x509 ChainBuilder',
      run: async () => {
        const builder = new X509ChainBuilder({
          certificates: [new X509Certificate(chain.intermediate), new X509Certificate(chain.root)],
        })
        const path = await builder.build(new X509Certificate(chain.leaf))
        if (path.length !== 3) throw new Error('@peculiar/x509: no path')
      },
    },
    { name: 'PKI.js ChainValidationEngine', run: () => pkijsVerifyChain(leafDer, [subDer], rootDer) },
  ]
  if (!ec) {
    variants.push({
      name: 'node-forge verifyCertificateChain',
      run: async () => forgeVerifyChain(chain.leaf, [chain.intermediate], chain.root),
    })
  }
  const timings = await measure(variants, { rounds: 5, roundMs: 250, warmupMs: 150 })
  report(
    log,
    `verifyChain, 3-level ${keyType} chain (median of 5 interleaved rounds)`,
    timings,
    timings[1] as Timing,
    timings[0],
  )
}

async function parsing(log: Log): Promise<void> {
  // An RSA leaf from an RSA chain, so that node-forge can read it too.
  const { leaf } = await makeChain('RSA2048')
  const variants: Variant[] = [
    { name: 'ours: parseCertificate', run: async () => parseCertificate(leaf) },
    { name: '@peculiar/x509', run: async () => new X509Certificate(leaf) },
    { name: 'PKI.js', run: async () => pkijsCertificate(pemDer(leaf)) },
    { name: 'node-forge', run: async () => forgeParse(leaf) },
  ]
  const timings = await measure(variants, { rounds: 5, roundMs: 200, warmupMs: 100 })
  report(
    log,
    `parseCertificate, RSA2048 leaf PEM (median of 5 interleaved rounds; no crypto, so no floor)`,
    timings,
    timings[0] as Timing,
  )
}

/** One memory reading: heap in use and, where the runtime reports it, resident set size (bytes). */
export interface MemorySample {
  heapUsed: number
  rss?: number
}

/** Prints one line (or several joined by newlines). */
export type Log = (line: string) => void

/** What the benchmark needs from the runtime it runs on. */
export interface BenchHost {
  log: Log
  /** The runtime and machine, printed after `pocket-ca bench: `, e.g. `Node v20.20.2, AMD EPYC (2 cores)`. */
  platform: string
  /** Reads memory now; without it the memory loop is skipped. */
  memory?: () => MemorySample
  /** Collects garbage, where the runtime lets us (Node via v8 flags, Chromium with --js-flags=--expose-gc). */
  gc?: () => void
  /** Certificates issued in the memory loop; default 100,000 (issue 8). */
  memoryN?: number
}

interface MemoryResult {
  n: number
  seconds: number
  /** Undefined where the runtime reports no RSS. */
  rssGrowth?: number
  heapGrowth: number
  heapEnd: number
}

/** Issues `n` certificates in a loop (EC256 CA, one EC256 CSR) and follows RSS (where there is one) and heapUsed. */
async function memory(
  log: Log,
  n: number,
  read: () => MemorySample,
  gc: (() => void) | undefined,
): Promise<MemoryResult> {
  const s = await setup('EC256', 'EC256')
  await signCsr(s.ca, s.csrPem)
  gc?.()
  const base = read()
  let peakRss = base.rss ?? 0
  let peakHeap = base.heapUsed
  const marks: string[] = []
  const started = performance.now()
  const step = Math.max(1, Math.floor(n / 10))
  for (let i = 1; i <= n; i++) {
    await signCsr(s.ca, s.csrPem, { period: PERIOD_DAYS })
    if (i % 250 === 0 || i === n) {
      const m = read()
      peakRss = Math.max(peakRss, m.rss ?? 0)
      peakHeap = Math.max(peakHeap, m.heapUsed)
      if (i % step === 0) marks.push(`${i / 1000}k: ${(m.heapUsed / 2 ** 20).toFixed(1)}`)
    }
  }
  const seconds = (performance.now() - started) / 1000
  gc?.()
  const end = read()
  const mb = (x: number) => `${(x / 2 ** 20).toFixed(1)} MB`
  const rows = [['', 'before', 'peak', 'after (gc)', 'peak growth']]
  if (base.rss !== undefined && end.rss !== undefined) {
    rows.push(['rss', mb(base.rss), mb(peakRss), mb(end.rss), mb(peakRss - base.rss)])
  }
  rows.push(['heapUsed', mb(base.heapUsed), mb(peakHeap), mb(end.heapUsed), mb(peakHeap - base.heapUsed)])
  log(`\nMemory: ${n.toLocaleString('en')} certificates issued in a loop (signCsr, EC256 CA)`)
  log(table(rows))
  log(`heapUsed MB along the loop: ${marks.join(', ')}; ${(n / seconds).toFixed(0)} certificates/s`)
  if (!gc) log('(no gc available: "after" is not collected)')
  return {
    n,
    seconds,
    ...(base.rss !== undefined ? { rssGrowth: peakRss - base.rss } : {}),
    heapGrowth: peakHeap - base.heapUsed,
    heapEnd: end.heapUsed - base.heapUsed,
  }
}

function find(timings: Timing[], name: string): Timing {
  const t = timings.find((x) => x.name === name)
  if (!t) throw new Error(`no timing named ${name}`)
  return t
}

/**
 * Runs every table of the benchmark in order and prints them, then a summary of the issue 8 targets, through
 * `host.log`. Takes minutes (about 2.5 on Node); it reports and never asserts a timing.
 *
 * @example
 * await runBench({ log: (line) => console.log(line), platform: `Node ${process.version}` })
 */
export async function runBench(host: BenchHost): Promise<void> {
  const { log } = host
  const started = performance.now()
  log(`pocket-ca bench: ${host.platform}`)

  const ec = await issuance(log, host.gc, await setup('EC256', 'EC256'))
  const rsa = await issuance(log, host.gc, await setup('RSA2048', 'RSA2048'), forgeRootCa('Bench forge CA'))
  await signatureFloor(log)
  await keyGeneration(log)
  await csrCreation(log, 'EC256')
  await csrCreation(log, 'RSA2048')
  const crls = [await crl(log, 1_000), await crl(log, 100_000)]
  await chainVerification(log, 'EC256')
  await chainVerification(log, 'RSA2048')
  await parsing(log)
  const memoryN = host.memoryN ?? MEMORY_N
  const mem = host.memory ? await memory(log, memoryN, host.memory, host.gc) : undefined
  if (!mem) log('\nMemory: not measured (this runtime gives no memory reading)')

  const targets: string[][] = [['target', 'measured', 'met']]
  for (const [label, r] of [
    ['EC256', ec],
    ['RSA2048', rsa],
  ] as const) {
    for (const [mode, ts] of [
      ['one at a time', r.sequential],
      [`${IN_FLIGHT} in flight`, r.concurrent],
    ] as const) {
      const ours = find(ts, 'ours: signCsr')
      const over = ratio(ours, find(ts, 'bare WebCrypto'))
      const ahead = ratio(find(ts, '@peculiar/x509'), ours)
      const primary = label === 'EC256' ? '' : ' (not a target)'
      targets.push([
        `${label} issuance, ${mode}: ours / bare <= 1.30x${primary}`,
        `${over.toFixed(2)}x`,
        ok(over <= 1.3),
      ])
      targets.push([`${label} issuance, ${mode}: x509 / ours >= 5x${primary}`, `${ahead.toFixed(2)}x`, ok(ahead >= 5)])
    }
  }
  const big = crls.find((c) => c.n === 100_000) as CrlResult
  targets.push([
    'CRL with 100,000 entries < 1 s',
    big.ours ? `${(big.ours.ms / 1000).toFixed(2)} s` : `failed (${big.error})`,
    ok(big.ours !== undefined && big.ours.ms < 1000),
  ])
  const mb = (x: number) => (x / 2 ** 20).toFixed(1)
  // Node's line shows the peak RSS growth; a page has no RSS, so there the peak heap growth.
  const peak = mem?.rssGrowth !== undefined ? `rss +${mb(mem.rssGrowth)}` : `heap +${mb(mem?.heapGrowth ?? 0)}`
  targets.push([
    `memory flat over ${(mem?.n ?? memoryN).toLocaleString('en')} issuances (heap after gc vs before)`,
    mem ? `${mb(mem.heapEnd)} MB (peak ${peak} MB)` : 'not measured',
    'see above',
  ])
  log('\nTargets of issue 8')
  log(table(targets))
  log(`\ndone in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

function ok(met: boolean): string {
  return met ? 'yes' : 'NO'
}
