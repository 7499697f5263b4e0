/**
 * Hostile input: property tests (fast-check) that feed mutated certificates, CSRs, CRLs, keys, PKCS#7 bundles and
 * PEM texts to every function that reads outside input. The property, DESIGN.md Errors: each call returns, or throws
 * an Error that is `instanceof PkiError`; anything else (a TypeError from a dependency, a RangeError, a DOMException,
 * a promise that never settles, a call that takes seconds) fails with the input in the message.
 *
 * The corpus is made at the start with the public API, so its bytes differ from run to run (keys and serials are
 * random); the mutations are drawn from a fixed seed. A failure message holds the whole input (hex or text), which
 * is what reproduces it; the seed and fast-check's path replay the mutation.
 *
 * Settings (read on Node and Deno from the environment; in Chromium the adapter passes them into the bundle):
 * - PKI_FUZZ_RUNS: total inputs over all cases (default 100,000, split by SHARES below);
 * - PKI_FUZZ_SEED: the fast-check seed (default DEFAULT_SEED; printed at the start).
 */
import fc from 'fast-check'
import type { Signer } from '../../src/cert/create.ts'
import { OID, oid } from '../../src/der/oid.ts'
import { children, type DerNode, readOid, readSingle } from '../../src/der/reader.ts'
import { bitString, contextTag, integer, sequence, setOf } from '../../src/der/writer.ts'
import {
  type CertificateAuthority,
  createCsr,
  createRootCa,
  createSubordinateCa,
  decodePem,
  describe,
  encodePem,
  exportPrivateKey,
  exportPublicKey,
  generateCrl,
  generateKeyPair,
  getCaCsr,
  importCaCertificate,
  importPrivateKey,
  issueCertificate,
  type KeyType,
  PkiError,
  PkiNotSupportedError,
  parseCertificate,
  parseCrl,
  parseCsr,
  revokeCertificate,
  signSubordinateCa,
  type VerifyChainOptions,
  verifyChain,
  verifyCsr,
} from '../../src/index.ts'
import { specOf } from '../../src/keys/detect.ts'
import { signBytes } from '../../src/keys/sign.ts'
import { AssertionError } from '../assert.ts'
import { suite } from '../harness.ts'
import { signingContextForTests } from './ca-helpers.ts'
import {
  type DerMutation,
  derMutations,
  jwkMutations,
  mutateDer,
  mutateJwk,
  mutateText,
  randomDer,
  randomText,
  showInput,
  textMutations,
  treeMutations,
} from './fuzz-mutations.ts'

const DEFAULT_RUNS = 100_000
const DEFAULT_SEED = 0x5eed_ca

/** How the total is split: the synchronous parsers are cheap, the WebCrypto calls take a smaller share. */
const SHARES = {
  der: 0.48,
  pem: 0.28,
  random: 0.08,
  verifyCsr: 0.04,
  importPrivateKey: 0.04,
  verifyChain: 0.04,
  signed: 0.04,
}

/**
 * A call slower than this fails, as a near-hang: the slowest real input takes milliseconds. (A synchronous call that
 * never returns cannot be interrupted from its own thread: the run then stops inside this suite's case.)
 */
const SYNC_LIMIT_MS = 5_000
/** An asynchronous call that has not settled after this long counts as a hang. */
const ASYNC_LIMIT_MS = 20_000

function setting(name: string): string | undefined {
  // In Chromium, esbuild replaces the expression `globalThis.PKI_FUZZ_ENV` with the settings (test/browser).
  const bundled = (globalThis as { PKI_FUZZ_ENV?: Record<string, string | undefined> }).PKI_FUZZ_ENV
  const g = globalThis as {
    Deno?: { env: { get(name: string): string | undefined } }
    process?: { env: Record<string, string | undefined> }
  }
  return bundled?.[name] ?? g.Deno?.env.get(name) ?? g.process?.env?.[name]
}

function numberSetting(name: string, fallback: number): number {
  const text = setting(name)
  if (text === undefined || text === '') return fallback
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`${name} must be a whole number, got ${text}`)
  return n
}

const TOTAL = numberSetting('PKI_FUZZ_RUNS', DEFAULT_RUNS)
const SEED = numberSetting('PKI_FUZZ_SEED', DEFAULT_SEED) | 0

/**
 * The most inputs one test case takes, by share: a larger PKI_FUZZ_RUNS makes more cases ("part 2 of 5"), each well
 * inside the runners' per-case time limit (CASE_TIMEOUT_MS, vitest's testTimeout: 120 s).
 */
const CASE_RUNS: Readonly<Record<Share, number>> = {
  der: 50_000,
  pem: 50_000,
  random: 100_000,
  verifyCsr: 10_000,
  importPrivateKey: 10_000,
  verifyChain: 10_000,
  signed: 5_000,
}

type Share = keyof typeof SHARES

interface Part {
  /** '' or ' (part i of n)'. */
  label: string
  numRuns: number
  /** SEED for the first part, SEED + i for the others. */
  seed: number
}

function parts(share: Share): Part[] {
  const total = Math.max(1, Math.round(TOTAL * SHARES[share]))
  const n = Math.ceil(total / CASE_RUNS[share])
  return Array.from({ length: n }, (_, i) => ({
    label: n > 1 ? ` (part ${i + 1} of ${n})` : '',
    numRuns: Math.round((total * (i + 1)) / n) - Math.round((total * i) / n),
    seed: (SEED + i) | 0,
  }))
}

// ---------------------------------------------------------------------------------------------------------------
// The corpus

type Kind = 'certificate' | 'csr' | 'crl' | 'key' | 'encryptedKey' | 'publicKey' | 'pkcs7'

interface Item {
  name: string
  kind: Kind
  der: Uint8Array
  pem: string
}

interface Chain {
  name: string
  leaf: Item
  intermediates: Item[]
  root: Item
  /** The leaf's issuer, to sign a mutated leaf again. */
  issuer: Signer
}

/** A CSR and the key that signed it, to sign a mutated request again. */
interface SignedCsr {
  item: Item
  keys: CryptoKeyPair
}

interface Corpus {
  items: Item[]
  chains: Chain[]
  csrs: SignedCsr[]
  /** Private keys as JWKs, for importPrivateKey. */
  jwks: JsonWebKey[]
  /** Every item's PEM, for the mutation that appends a second block. */
  texts: string[]
  stats: string
}

const PASSPHRASE = 'fuzz passphrase'
/** Low on purpose: every import of a mutated encrypted key runs PBKDF2 once. */
const ITERATIONS = 1000

const KEY_TYPES: KeyType[] = ['EC256', 'EC521', 'Ed25519', 'RSA2048']

const SAN_SUBJECT = {
  commonName: 'api.example.com',
  altName: ['api.example.com', '*.api.example.com', 'ops@example.com'],
  ip: ['192.0.2.7', '2001:db8::7'],
  organization: 'Example Ltd',
  organizationUnit: 'Platform',
  country: 'NZ',
}

function item(name: string, kind: Kind, pem: string): Item {
  const [block] = decodePem(pem)
  if (!block) throw new Error(`no PEM block in ${name}`)
  return { name, kind, der: block.der, pem }
}

/** A certs-only PKCS#7 SignedData (RFC 5652 5.1) holding these certificates and CRLs, as `openssl crl2pkcs7` makes. */
function pkcs7(certificates: Uint8Array[], crls: Uint8Array[]): Uint8Array {
  const signedData = sequence(
    integer(1),
    setOf([]),
    sequence(oid('1.2.840.113549.1.7.1')),
    contextTag(0, true, ...certificates),
    contextTag(1, true, ...crls),
    setOf([]),
  )
  return sequence(oid('1.2.840.113549.1.7.2'), contextTag(0, true, signedData))
}

/**
 * The key of a PKCS#8 in its legacy form, which importPrivateKey and describe read too: the RSAPrivateKey itself
 * (`RSA PRIVATE KEY`, RFC 8017 A.1.2), or the ECPrivateKey with its curve put in (`EC PRIVATE KEY`, RFC 5915 3).
 */
function legacyKey(pkcs8: Uint8Array): { label: string; der: Uint8Array } | undefined {
  const [, algorithm, key] = children(readSingle(pkcs8)) as [DerNode, DerNode, DerNode]
  const [type, curve] = children(algorithm) as [DerNode, DerNode | undefined]
  const id = readOid(type)
  if (id === OID.rsaEncryption) return { label: 'RSA PRIVATE KEY', der: key.content }
  if (id !== OID.ecPublicKey || !curve) return undefined
  const [version, secret, ...rest] = children(readSingle(key.content)).map((f) => f.bytes) as Uint8Array[]
  const params = contextTag(0, true, curve.bytes)
  return { label: 'EC PRIVATE KEY', der: sequence(version as Uint8Array, secret as Uint8Array, params, ...rest) }
}

async function rootFor(keyType: KeyType): Promise<CertificateAuthority> {
  return createRootCa({
    subject: { commonName: `Fuzz ${keyType} Root`, organization: 'pocket-ca', country: 'NZ' },
    keyType,
    pathLen: 1,
    nameConstraints: {
      permittedDns: ['example.com'],
      excludedDns: ['internal.example.com'],
      permittedIps: ['192.0.2.0/24', '2001:db8::/32'],
      excludedIps: ['10.0.0.0/8'],
      permittedEmails: ['example.com'],
      permittedDirectoryNames: [{ country: 'NZ' }],
    },
    crlUrls: ['http://pki.example.com/root.crl', 'ldap://ldap.example.com/cn=root'],
    ocspUrl: 'http://ocsp.example.com',
    caIssuersUrl: 'http://pki.example.com/root.cer',
    policies: ['2.23.140.1.2.2', '1.3.6.1.4.1.55555.1.1'],
  })
}

async function makeCorpus(): Promise<Corpus> {
  const started = Date.now()
  const items: Item[] = []
  const chains: Chain[] = []
  const csrs: SignedCsr[] = []
  const jwks: JsonWebKey[] = []
  for (const keyType of KEY_TYPES) {
    let root: CertificateAuthority
    try {
      root = await rootFor(keyType)
    } catch (e) {
      if (e instanceof PkiNotSupportedError) continue // Ed25519 where the runtime lacks it
      throw e
    }
    const rootItem = item(`${keyType} root CA`, 'certificate', root.certificate as string)
    const leaf = await issueCertificate(root, { keyType, x509Parameters: SAN_SUBJECT, profile: 'tls-server-client' })
    const leafItem = item(`${keyType} leaf`, 'certificate', leaf.certificate)
    const keys = await generateKeyPair(keyType)
    const csr = await createCsr(keys, SAN_SUBJECT, { challengePassword: 'fuzz-challenge' })
    let revoked = await revokeCertificate(root, leaf.serialNo, 'keyCompromise')
    revoked = await revokeCertificate(revoked, '01:02:03:04:05:06:07:08', 'superseded')
    const { crl } = await generateCrl(revoked, { nextUpdate: 30 })
    const extractable = await importPrivateKey(leaf.privateKey, { extractable: true })
    const encrypted = await exportPrivateKey(extractable.privateKey, { passphrase: PASSPHRASE, iterations: ITERATIONS })
    const publicKey = await exportPublicKey(keys.publicKey)
    jwks.push(await exportPrivateKey(extractable.privateKey, { format: 'jwk' }))
    const legacy = legacyKey(item(`${keyType} private key`, 'key', leaf.privateKey).der)
    if (legacy) items.push(item(`${keyType} ${legacy.label}`, 'key', encodePem(legacy.label, legacy.der)))
    const csrItem = item(`${keyType} CSR`, 'csr', csr)
    csrs.push({ item: csrItem, keys })
    items.push(
      rootItem,
      leafItem,
      csrItem,
      item(`${keyType} CRL`, 'crl', crl),
      item(`${keyType} private key`, 'key', leaf.privateKey),
      item(`${keyType} encrypted private key`, 'encryptedKey', encrypted),
      item(`${keyType} public key`, 'publicKey', publicKey),
    )
    const { signer } = await signingContextForTests(root)
    chains.push({ name: `${keyType} leaf <- root`, leaf: leafItem, intermediates: [], root: rootItem, issuer: signer })
  }

  // A three-level chain: root -> subordinate CA (its own CSR in the corpus too) -> leaf.
  const root = await rootFor('EC256')
  const pending = await createSubordinateCa({
    subject: { commonName: 'Fuzz Issuing CA', organization: 'pocket-ca', country: 'NZ' },
    keyType: 'EC256',
  })
  const subCsr = await getCaCsr(pending)
  const subCert = await signSubordinateCa(root, subCsr, { pathLen: 0 })
  const sub = await importCaCertificate(pending, subCert, root.certificate)
  const leaf = await issueCertificate(sub, { x509Parameters: SAN_SUBJECT })
  const rootItem = item('EC256 root CA (3 levels)', 'certificate', root.certificate as string)
  const subItem = item('EC256 issuing CA', 'certificate', subCert)
  const leafItem = item('EC256 leaf of the issuing CA', 'certificate', leaf.certificate)
  items.push(rootItem, subItem, leafItem, item('EC256 issuing CA CSR', 'csr', subCsr))
  chains.push({
    name: 'EC256 leaf <- issuing CA <- root',
    leaf: leafItem,
    intermediates: [subItem],
    root: rootItem,
    issuer: (await signingContextForTests(sub)).signer,
  })

  const bundle = pkcs7(
    [leafItem.der, subItem.der, rootItem.der],
    items.filter((i) => i.kind === 'crl').map((i) => i.der),
  )
  items.push({ name: 'PKCS#7 bundle', kind: 'pkcs7', der: bundle, pem: encodePem('PKCS7', bundle) })

  const kinds = new Map<Kind, number>()
  for (const i of items) kinds.set(i.kind, (kinds.get(i.kind) ?? 0) + 1)
  const byKind = [...kinds].map(([k, n]) => `${n} ${k}`).join(', ')
  const stats = `${items.length} items (${byKind}), ${chains.length} chains, made in ${Date.now() - started} ms`
  return { items, chains, csrs, jwks, texts: items.map((i) => i.pem), stats }
}

let corpusPromise: Promise<Corpus> | undefined
/** Made once per runtime and shared by the cases. */
function corpus(): Promise<Corpus> {
  corpusPromise ??= makeCorpus()
  return corpusPromise
}

// ---------------------------------------------------------------------------------------------------------------
// The property

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack ?? ''}`
  return `a non-Error ${typeof error}: ${String(error)}`
}

/** `context`: the other inputs of the call (a chain's root and intermediates), which are random per run too. */
function fail(call: string, input: string | Uint8Array, why: string, context = ''): never {
  throw new AssertionError(`${call} ${why}\ninput: ${showInput(input)}${context}`)
}

/** What the calls answered, by function: `ok` or the error's code (and reason), for the report. */
const outcomes = new Map<string, Map<string, number>>()

function count(call: string, outcome: string): void {
  const name = call.replace(/[ (].*/, '')
  const byOutcome = outcomes.get(name) ?? new Map<string, number>()
  outcomes.set(name, byOutcome)
  byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1)
}

function errorOutcome(e: PkiError): string {
  return 'reason' in e ? `${e.code}:${String(e.reason)}` : e.code
}

/** Runs one synchronous call: it may return or throw a PkiError, nothing else, and must not take seconds. */
function check(call: string, input: string | Uint8Array, fn: () => unknown): void {
  const start = performance.now()
  try {
    fn()
    count(call, 'ok')
  } catch (e) {
    if (!(e instanceof PkiError)) fail(call, input, `threw ${describeError(e)}`)
    count(call, errorOutcome(e))
  }
  const ms = performance.now() - start
  if (ms > SYNC_LIMIT_MS) fail(call, input, `took ${Math.round(ms)} ms`)
}

/** Runs one asynchronous call: it must settle within ASYNC_LIMIT_MS, and reject only with a PkiError. */
async function checkAsync(
  call: string,
  input: string | Uint8Array,
  fn: () => Promise<unknown>,
  context = '',
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), ASYNC_LIMIT_MS)
  })
  try {
    const outcome = await Promise.race([Promise.resolve().then(fn), hang])
    if (outcome === 'hang') fail(call, input, `did not settle within ${ASYNC_LIMIT_MS} ms`, context)
    count(call, 'ok')
  } catch (e) {
    if (e instanceof AssertionError) throw e
    if (!(e instanceof PkiError)) fail(call, input, `rejected with ${describeError(e)}`, context)
    count(call, errorOutcome(e))
  } finally {
    clearTimeout(timer)
  }
}

/** Every synchronous reader on one input; PEM-only ones on text. Returns the number of calls. */
function readAll(input: string | Uint8Array): number {
  check('parseCertificate', input, () => parseCertificate(input))
  check('parseCsr', input, () => parseCsr(input))
  check('parseCrl', input, () => parseCrl(input))
  check('describe', input, () => describe(input))
  if (typeof input !== 'string') return 4
  check('decodePem', input, () => decodePem(input))
  return 5
}

interface Tally {
  inputs: number
  calls: number
}

function report(env: { runtime: string }, what: string, tally: Tally, started: number, part: Part): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(
    `fuzz [${env.runtime}] ${what}: ${tally.inputs} inputs, ${tally.calls} calls in ${seconds} s (seed ${part.seed})`,
  )
}

/** fast-check's settings: the seed, and no shrinking time limit beyond the case's own. */
function params(part: Part): fc.Parameters<unknown> {
  return { numRuns: part.numRuns, seed: part.seed }
}

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length] as T

/** The roots and intermediates of a verifyChain call, for a failure message. */
function chainContext(o: { roots: (string | Uint8Array)[]; intermediates: (string | Uint8Array)[] }): string {
  const show = (label: string, list: (string | Uint8Array)[]) => list.map((x) => `\n${label}: ${showInput(x)}`)
  return [...show('root', o.roots), ...show('intermediate', o.intermediates)].join('')
}

/**
 * A signed object (certificate, CSR) with its to-be-signed part mutated and signed again with `key`: the signature
 * verifies, so the input gets past signature checks into what comes after them (path rules, name constraints).
 */
async function resign(der: Uint8Array, mutations: DerMutation[], key: CryptoKey): Promise<Uint8Array> {
  const [tbs, algorithm] = children(readSingle(der)) as [DerNode, DerNode]
  const mutated = mutateDer(tbs.bytes, mutations)
  const signature = await signBytes(crypto, specOf(key), key, mutated)
  return sequence(mutated, algorithm.bytes, bitString(signature))
}

export default suite('fuzz', (test) => {
  test('the corpus', async (env) => {
    const c = await corpus()
    console.log(
      `fuzz [${env.runtime}] seed ${SEED}, ${TOTAL} inputs in all (PKI_FUZZ_SEED, PKI_FUZZ_RUNS); corpus: ${c.stats}`,
    )
    for (const i of c.items) readAll(i.der)
  })

  for (const part of parts('der')) {
    test(`mutated DER: the parse functions and describe throw only PkiErrors${part.label}`, async (env) => {
      const { items } = await corpus()
      const tally: Tally = { inputs: 0, calls: 0 }
      const started = performance.now()
      fc.assert(
        fc.property(fc.nat(), derMutations, (n, mutations) => {
          const input = mutateDer(pick(items, n).der, mutations)
          tally.inputs++
          tally.calls += readAll(input)
        }),
        params(part),
      )
      report(env, `mutated DER${part.label}`, tally, started, part)
    })
  }

  for (const part of parts('pem')) {
    test(`mutated PEM: decodePem, describe, the parse functions throw only PkiErrors${part.label}`, async (env) => {
      const { items, texts } = await corpus()
      const tally: Tally = { inputs: 0, calls: 0 }
      const started = performance.now()
      fc.assert(
        fc.property(fc.nat(), textMutations, (n, mutations) => {
          const input = mutateText(pick(items, n).pem, mutations, texts)
          tally.inputs++
          tally.calls += readAll(input)
        }),
        params(part),
      )
      report(env, `mutated PEM${part.label}`, tally, started, part)
    })
  }

  for (const part of parts('random')) {
    test(`random bytes and text: every reader throws only PkiErrors${part.label}`, (env) => {
      const tally: Tally = { inputs: 0, calls: 0 }
      const started = performance.now()
      fc.assert(
        fc.property(fc.oneof(randomDer, randomText), (input) => {
          tally.inputs++
          tally.calls += readAll(input)
        }),
        params(part),
      )
      report(env, `random input${part.label}`, tally, started, part)
    })
  }

  for (const part of parts('verifyCsr')) {
    test(`mutated CSRs: verifyCsr rejects only with PkiErrors${part.label}`, async (env) => {
      const csrs = (await corpus()).items.filter((i) => i.kind === 'csr')
      const tally: Tally = { inputs: 0, calls: 0 }
      const started = performance.now()
      await fc.assert(
        fc.asyncProperty(fc.nat(), fc.boolean(), derMutations, textMutations, async (n, asText, der, text) => {
          const csr = pick(csrs, n)
          const input = asText ? mutateText(csr.pem, text, []) : mutateDer(csr.der, der)
          tally.inputs++
          tally.calls++
          await checkAsync('verifyCsr', input, () => verifyCsr(input))
        }),
        params(part),
      )
      report(env, `verifyCsr${part.label}`, tally, started, part)
    })
  }

  for (const part of parts('importPrivateKey')) {
    test(`mutated private keys: importPrivateKey rejects only with PkiErrors${part.label}`, async (env) => {
      const { items, jwks } = await corpus()
      const keys = items.filter((i) => i.kind === 'key' || i.kind === 'encryptedKey')
      const tally: Tally = { inputs: 0, calls: 0 }
      const started = performance.now()
      await fc.assert(
        fc.asyncProperty(
          fc.nat(),
          fc.constantFrom('der' as const, 'pem' as const, 'jwk' as const),
          // Mostly the right passphrase (so the decrypted key is read); sometimes none or a wrong one.
          fc.constantFrom('right', 'right', 'right', 'none', 'wrong'),
          derMutations,
          textMutations,
          jwkMutations,
          async (n, form, passphrase, der, text, jwk) => {
            tally.inputs++
            tally.calls++
            if (form === 'jwk') {
              const input = mutateJwk(pick(jwks, n), jwk)
              await checkAsync('importPrivateKey', JSON.stringify(input), () => importPrivateKey(input))
              return
            }
            const key = pick(keys, n)
            const input = form === 'pem' ? mutateText(key.pem, text, []) : mutateDer(key.der, der)
            const o =
              passphrase === 'none' || (key.kind === 'key' && passphrase === 'right')
                ? {}
                : { passphrase: passphrase === 'right' ? PASSPHRASE : 'not the passphrase' }
            await checkAsync(`importPrivateKey(${JSON.stringify(o)})`, input, () => importPrivateKey(input, o))
          },
        ),
        params(part),
      )
      report(env, `importPrivateKey${part.label}`, tally, started, part)
    })
  }

  for (const part of parts('verifyChain')) {
    test(`mutated chains: verifyChain rejects only with PkiErrors${part.label}`, async (env) => {
      const { chains } = await corpus()
      const tally: Tally = { inputs: 0, calls: 0 }
      const started = performance.now()
      await fc.assert(
        fc.asyncProperty(
          fc.nat(),
          // The leaf mostly; the intermediate (where there is one) and the trust anchor too.
          fc.constantFrom('leaf', 'leaf', 'leaf', 'intermediate', 'root'),
          fc.boolean(),
          derMutations,
          textMutations,
          async (n, target, asText, der, text) => {
            const chain = pick(chains, n)
            const victim =
              target === 'root' ? chain.root : target === 'intermediate' ? chain.intermediates[0] : undefined
            const mutate = (i: Item) => (asText ? mutateText(i.pem, text, []) : mutateDer(i.der, der))
            const input = mutate(victim ?? chain.leaf)
            const leaf = victim ? chain.leaf.der : input
            const intermediates = chain.intermediates.map((i) => (i === victim ? input : i.der))
            const roots = [victim === chain.root ? input : chain.root.der]
            tally.inputs++
            tally.calls++
            const context = `${victim ? `\nleaf: ${showInput(leaf)}` : ''}${chainContext({ roots, intermediates })}`
            await checkAsync(
              `verifyChain (${target} mutated, ${chain.name})`,
              input,
              () => verifyChain(leaf, { roots, intermediates }),
              context,
            )
          },
        ),
        params(part),
      )
      report(env, `verifyChain${part.label}`, tally, started, part)
    })
  }

  for (const part of parts('signed')) {
    test(`signed again after mutation: verifyChain, verifyCsr fail only with PkiErrors${part.label}`, async (env) => {
      const { chains, csrs } = await corpus()
      const tally: Tally = { inputs: 0, calls: 0 }
      const started = performance.now()
      await fc.assert(
        fc.asyncProperty(
          fc.nat(),
          fc.boolean(),
          // What the leaf is checked for, besides its path: nothing, a host name, an IP address, a usage.
          fc.constantFrom<Pick<VerifyChainOptions, 'dnsName' | 'ip' | 'usage'>>(
            {},
            { dnsName: 'api.example.com' },
            { ip: '192.0.2.7' },
            { usage: ['serverAuth', 'clientAuth'] },
          ),
          treeMutations,
          async (n, csr, purpose, mutations) => {
            tally.inputs++
            if (csr) {
              const { item: original, keys } = pick(csrs, n)
              const input = await resign(original.der, mutations, keys.privateKey)
              tally.calls += readAll(input) + 1
              await checkAsync('verifyCsr (signed again)', input, () => verifyCsr(input))
              return
            }
            const chain = pick(chains, n)
            const input = await resign(chain.leaf.der, mutations, chain.issuer.privateKey)
            tally.calls += readAll(input) + 1
            const roots = [chain.root.der]
            const intermediates = chain.intermediates.map((i) => i.der)
            await checkAsync(
              `verifyChain (leaf signed again, ${JSON.stringify(purpose)})`,
              input,
              () => verifyChain(input, { roots, intermediates, ...purpose }),
              chainContext({ roots, intermediates }),
            )
          },
        ),
        params(part),
      )
      report(env, `signed again${part.label}`, tally, started, part)
    })
  }

  test('outcomes (a summary for the log)', (env) => {
    for (const [call, byOutcome] of outcomes) {
      const list = [...byOutcome].sort((a, b) => b[1] - a[1]).map(([o, n]) => `${o} ${n}`)
      console.log(`fuzz [${env.runtime}] ${call}: ${list.join(', ')}`)
    }
  })
})
