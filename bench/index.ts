/**
 * `npm run bench`: certificates per second for signCsr against the bare WebCrypto operations one checked issuance
 * must perform, and against the same checked issuance done with @peculiar/x509; then keygen+CSR per second.
 * The figure to watch is ours / bare (goal: at most 1.3x). A report: nothing here asserts a timing.
 */
// biome-ignore-start assist/source/organizeImports: the polyfill must be evaluated before @peculiar/x509
import { reflectMetadata } from '../src/lib/reflect.ts'
import { cpus } from 'node:os'
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Pkcs10CertificateRequest,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from '@peculiar/x509'
// biome-ignore-end assist/source/organizeImports: the order above matters
import { createCsr, createRootCa, decodePem, generateKeyPair, type PemBlock, signCsr } from '../src/index.ts'
import { ecdsaDerToRaw } from '../src/der/ecdsa.ts'
import { type DerNode, readBitStringBytes, readSingle, sequenceOf } from '../src/der/reader.ts'
import { measure, millis, perSecond, ratio, spread, type Timing, table, type Variant } from './harness.ts'

type CaKeyType = 'EC256' | 'RSA2048'

const SUBJECT = { commonName: 'bench.example', altName: 'bench.example' }
const PERIOD_DAYS = 30
const DAY_MS = 86_400_000
const SAN_OID = '2.5.29.17'
/** Rounds per table (odd, for a plain median); each variant runs about `roundMs` per round. */
const ROUNDS = 9
const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const
const subtle = globalThis.crypto.subtle

/** A copy backed by a plain ArrayBuffer, as WebCrypto's BufferSource wants. */
const buffer = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes)

/** The DER of the one PEM block in `pem`. */
function pemDer(pem: string): Uint8Array {
  return (decodePem(pem)[0] as PemBlock).der
}

/** The SEQUENCE { toBeSigned, signatureAlgorithm, signature } of a signed PEM object (certificate, CSR). */
function signedParts(pem: string): [DerNode, DerNode, DerNode] {
  return sequenceOf(readSingle(pemDer(pem)), 3) as [DerNode, DerNode, DerNode]
}

/** The signature parameters of a CA key, as WebCrypto takes them for sign and verify. */
function signParams(key: CryptoKey): Algorithm | EcdsaParams {
  return key.algorithm.name === 'ECDSA' ? ECDSA_SHA256 : { name: key.algorithm.name }
}

function randomSerialHex(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x01
  return Buffer.from(bytes).toString('hex')
}

/** The three ways of issuing one checked certificate from `csrPem` with a CA of `keyType`. */
async function issuanceVariants(keyType: CaKeyType, csrPem: string): Promise<{ variants: Variant[]; notes: string }> {
  const ca = await createRootCa({ subject: { commonName: `Bench ${keyType} CA` }, keyType })
  const caCert = new X509Certificate(ca.certificate as string)
  const caKeyId = caCert.getExtension(SubjectKeyIdentifierExtension)?.keyId
  if (!caKeyId) throw new Error('the CA certificate has no subject key identifier')
  const { privateKey, publicKey } = ca.keys
  const sign = signParams(privateKey)

  const ours: Variant = { name: 'ours: signCsr', run: () => signCsr(ca, csrPem, { period: PERIOD_DAYS }) }

  // The bare line's inputs, read once outside the loop: what signCsr hands WebCrypto, on the same data.
  const [info, , signature] = signedParts(csrPem)
  // CertificationRequestInfo ::= SEQUENCE { version, subject, subjectPKInfo, [0] attributes } (RFC 2986 4.1).
  const spki = sequenceOf(info, 4)[2] as DerNode
  const csrInfo = buffer(info.bytes)
  const csrSpki = buffer(spki.bytes)
  const csrSignature = ecdsaDerToRaw(readBitStringBytes(signature), 32)
  const csrKeyBits = buffer(readBitStringBytes(sequenceOf(spki, 2)[1] as DerNode))
  const sample = await signCsr(ca, csrPem, { period: PERIOD_DAYS })
  const tbs = buffer(signedParts(sample.certificate)[0].bytes)
  const bare: Variant = {
    name: 'bare WebCrypto',
    run: async () => {
      const csrKey = await subtle.importKey('spki', csrSpki, P256, false, ['verify'])
      if (!(await subtle.verify(ECDSA_SHA256, csrKey, csrSignature, csrInfo))) throw new Error('CSR signature')
      await subtle.digest('SHA-1', csrKeyBits)
      crypto.getRandomValues(new Uint8Array(16))
      const signature = await subtle.sign(sign, privateKey, tbs)
      if (!(await subtle.verify(sign, publicKey, signature, tbs))) throw new Error('certificate signature')
    },
  }

  const keyUsage = KeyUsageFlags.digitalSignature // the subject key is EC: no keyEncipherment, as in ours
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

  const x509Sample = (await x509.run()) as X509Certificate
  const oursDer = pemDer(sample.certificate).length
  const notes = `certificate DER: ours ${oursDer} bytes, @peculiar/x509 ${x509Sample.rawData.byteLength} bytes; TBS signed by bare: ${tbs.length} bytes`
  return { variants: [ours, bare, x509], notes }
}

function times(a: Timing, b: Timing): string {
  return `${ratio(a, b).toFixed(2)}x`
}

/** Prints a table of timings with their ratio to `baseline` and, if given, to `other`. */
function report(title: string, timings: Timing[], baseline: Timing, other?: Timing): void {
  const head = ['variant', 'per s', 'ms each', 'spread', `/ ${baseline.name}`, ...(other ? [`/ ${other.name}`] : [])]
  const rows = timings.map((t) => [
    t.name,
    perSecond(t.ms),
    millis(t.ms),
    spread(t),
    times(t, baseline),
    ...(other ? [times(t, other)] : []),
  ])
  console.log(`\n${title}`)
  console.log(table([head, ...rows]))
}

async function issuance(keyType: CaKeyType, csrPem: string): Promise<Timing[]> {
  const { variants, notes } = await issuanceVariants(keyType, csrPem)
  const timings = await measure(variants, { rounds: ROUNDS, roundMs: 600 })
  const [ours, bare, x509] = timings as [Timing, Timing, Timing]
  report(`signCsr, ${keyType} CA, EC256 CSR (median of ${ROUNDS} interleaved rounds)`, timings, bare, x509)
  console.log(notes)
  console.log(`=> ours / bare = ${times(ours, bare)} (goal <= 1.30x), @peculiar/x509 / bare = ${times(x509, bare)}`)
  return timings
}

async function keygenAndCsr(): Promise<void> {
  const sampleKeys = await generateKeyPair('EC256')
  const sampleCsr = await createCsr(sampleKeys, SUBJECT)
  const info = buffer(signedParts(sampleCsr)[0].bytes)
  const generate = () => subtle.generateKey(P256, false, ['sign', 'verify']) as Promise<CryptoKeyPair>
  const variants: Variant[] = [
    { name: 'ours: generateKeyPair + createCsr', run: async () => createCsr(await generateKeyPair('EC256'), SUBJECT) },
    {
      name: 'bare generateKey + sign',
      run: async () => subtle.sign(ECDSA_SHA256, (await generate()).privateKey, info),
    },
    {
      // createCsr also exports the SPKI and checks its own signature (refusing mismatched key halves).
      name: 'bare + exportKey + importKey + verify',
      run: async () => {
        const keys = await generate()
        const spki = await subtle.exportKey('spki', keys.publicKey)
        const signature = await subtle.sign(ECDSA_SHA256, keys.privateKey, info)
        const key = await subtle.importKey('spki', spki, P256, false, ['verify'])
        if (!(await subtle.verify(ECDSA_SHA256, key, signature, info))) throw new Error('CSR signature')
      },
    },
  ]
  const timings = await measure(variants, { rounds: ROUNDS, roundMs: 350 })
  report(
    `EC256 key pair + CSR (median of ${ROUNDS} interleaved rounds)`,
    timings,
    timings[1] as Timing,
    timings[2] as Timing,
  )
}

async function main(): Promise<void> {
  const started = performance.now()
  const cpu = cpus()
  console.log(`pocket-ca bench: node ${process.version}, ${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} cores)`)
  console.log(`Reflect metadata for @peculiar/x509: ${reflectMetadata ? 'available' : 'missing'}`)
  const csrPem = await createCsr(await generateKeyPair('EC256'), SUBJECT)
  for (const keyType of ['EC256', 'RSA2048'] as const) await issuance(keyType, csrPem)
  await keygenAndCsr()
  console.log(`\ndone in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

await main()
