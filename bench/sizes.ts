/**
 * Bundle size of two jobs done with pocket-ca and with four other JS PKI libraries, side by side: (a) keygen + CSR,
 * (b) the CA issuance path (root CA, checked CSR signing, revocation, CRL). Each job module in bench/size-jobs is
 * bundled with esbuild (minified ESM for the browser), measured (minified bytes, gzip level 9 bytes), then written out,
 * imported in Node and run once; its output is checked with pocket-ca (verifyCsr / parseCsr, verifyChain,
 * parseCertificate, parseCrl), so every size printed is that of a bundle that does the job. Failures are printed in
 * the table, and the script then exits non-zero.
 *
 * Run from the package root: `npm run bench:sizes`.
 */
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, version as esbuildVersion, type Metafile } from 'esbuild'
import {
  createCsr,
  generateKeyPair,
  type KeyType,
  parseCertificate,
  parseCrl,
  parseCsr,
  verifyChain,
  verifyCsr,
} from '../src/index.ts'

/** One library of the comparison. */
interface Library {
  /** The prefix of its modules in bench/size-jobs. */
  id: string
  label: string
  /** The key type its jobs use (and that the CSR given to its CA job has). */
  keyType: KeyType
  /** Its CA job cannot write a CRL (it returns `crl: null`), by the library's design. */
  noCrl?: string
  /** esbuild `define` for this library's bundles, and why (printed). */
  define?: { values: Record<string, string>; why: string }
}

/** One job. */
interface Job {
  id: 'keygen-csr' | 'ca'
  label: string
}

/** One row of the table. */
interface Row {
  library: Library
  job: Job
  minified?: number
  gzipped?: number
  /** 'yes', 'yes (...)' or 'no (...)'. */
  works: string
  ok: boolean
  /** The npm packages the bundle holds. */
  packages: string[]
}

const LIBRARIES: readonly Library[] = [
  { id: 'ours', label: 'pocket-ca', keyType: 'EC256' },
  { id: 'x509', label: '@peculiar/x509', keyType: 'EC256' },
  { id: 'pkijs', label: 'pkijs + asn1js', keyType: 'EC256' },
  {
    id: 'forge',
    label: 'node-forge',
    keyType: 'RSA2048',
    noCrl: 'no revocation/CRL: node-forge has no CRL writer',
    define: {
      values: { process: 'undefined', self: 'globalThis' },
      why: "so that this browser bundle also runs as in a browser when Node imports it: node-forge takes `typeof process` for Node and then calls require('crypto'), which its browser field empties (randomBytes is not a function), and reads its global scope from `self`, which Node lacks",
    },
  },
  { id: 'jsrsasign', label: 'jsrsasign', keyType: 'EC256' },
]

const JOBS: readonly Job[] = [
  { id: 'keygen-csr', label: 'keygen + CSR' },
  { id: 'ca', label: 'CA issuance path' },
]

const NAME = 'size.example'

/** esbuild options for every bundle (a library's `define` is added to them). */
const BUILD_OPTIONS = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  metafile: true,
  logLevel: 'silent',
} as const

function message(e: unknown): string {
  const text = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e)
  return text.replace(/\s+/g, ' ').slice(0, 160)
}

function packagesOf(metafile: Metafile): string[] {
  const names = new Set<string>()
  for (const input of Object.keys(metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)
    if (match) names.add(match[1] as string)
    else if (input.startsWith('src/')) names.add('pocket-ca (src/)')
  }
  return [...names].sort()
}

/** Checks the output of a keygen + CSR job with pocket-ca; throws on the first problem. */
async function checkCsrJob(output: unknown, library: Library): Promise<void> {
  const csr = (output as { csr?: unknown } | undefined)?.csr
  if (typeof csr !== 'string') throw new Error('job() did not return { csr: string }')
  await verifyCsr(csr)
  const info = parseCsr(csr)
  if (info.subject.commonName !== NAME) throw new Error(`CSR CN is ${info.subject.commonName}`)
  if (!info.dnsNames.includes(NAME)) throw new Error(`CSR SANs are [${info.dnsNames.join(', ')}]`)
  if (info.keyType !== library.keyType) throw new Error(`CSR key is ${info.keyType}, expected ${library.keyType}`)
}

/** Checks the output of a CA job with pocket-ca; returns a remark for a declared limitation, throws on a problem. */
async function checkCaJob(output: unknown, library: Library): Promise<string | undefined> {
  const { root, certificate, crl } = (output ?? {}) as { root?: unknown; certificate?: unknown; crl?: unknown }
  if (typeof root !== 'string' || typeof certificate !== 'string') {
    throw new Error('job() did not return { root: string, certificate: string, crl }')
  }
  const rootInfo = parseCertificate(root)
  if (!rootInfo.isCa || !rootInfo.selfIssued) throw new Error('the root is not a self-issued CA certificate')
  const rootUsage = rootInfo.keyUsage ?? []
  if (!rootUsage.includes('keyCertSign') || !rootUsage.includes('cRLSign')) {
    throw new Error(`root keyUsage is [${rootUsage.join(', ')}]`)
  }
  if (rootInfo.keyType !== library.keyType) throw new Error(`root key is ${rootInfo.keyType}`)
  await verifyChain(certificate, { roots: [root], usage: ['serverAuth'] })
  const info = parseCertificate(certificate)
  if (info.isCa) throw new Error('the issued certificate is a CA')
  if (info.subject.commonName !== NAME) throw new Error(`certificate CN is ${info.subject.commonName}`)
  if (!info.dnsNames.includes(NAME)) throw new Error(`certificate SANs are [${info.dnsNames.join(', ')}]`)
  if (!info.extKeyUsage?.includes('serverAuth')) throw new Error('certificate has no serverAuth EKU')
  if (!info.subjectKeyId || !info.authorityKeyId) throw new Error('certificate lacks SKI or AKI')
  if (rootInfo.subjectKeyId && info.authorityKeyId !== rootInfo.subjectKeyId) {
    throw new Error('certificate AKI is not the root SKI')
  }
  if (crl === null && library.noCrl) return library.noCrl
  if (typeof crl !== 'string') throw new Error('job() returned no CRL')
  const crlInfo = parseCrl(crl)
  if (crlInfo.issuerDn !== rootInfo.subjectDn) throw new Error(`CRL issuer is ${crlInfo.issuerDn}`)
  if (!crlInfo.revoked.some((e) => e.serialNo === info.serialNo)) {
    throw new Error(`CRL does not list serial ${info.serialNo}`)
  }
  return undefined
}

/** Bundles, measures, writes, imports and runs one job module; never throws (a failure is the row's `works`). */
async function measure(root: string, outDir: string, library: Library, job: Job, csrs: Map<KeyType, string>) {
  const row: Row = { library, job, works: '', ok: false, packages: [] }
  const name = `${library.id}-${job.id}`
  let code: Uint8Array
  try {
    const result = await build({
      ...BUILD_OPTIONS,
      ...(library.define ? { define: library.define.values } : {}),
      entryPoints: [path.join(root, 'bench', 'size-jobs', `${name}.ts`)],
    })
    const file = result.outputFiles[0]
    if (!file) throw new Error('esbuild wrote no output')
    code = file.contents
    row.packages = packagesOf(result.metafile)
  } catch (e) {
    row.works = `no (bundle failed: ${message(e)})`
    return row
  }
  row.minified = code.byteLength
  row.gzipped = gzipSync(code, { level: 9 }).byteLength
  try {
    const bundlePath = path.join(outDir, `${name}.mjs`)
    await writeFile(bundlePath, code)
    const module = (await import(pathToFileURL(bundlePath).href)) as { job?: (csr?: string) => Promise<unknown> }
    if (typeof module.job !== 'function') throw new Error('the bundle exports no job()')
    if (job.id === 'keygen-csr') {
      await checkCsrJob(await module.job(), library)
      row.works = 'yes'
    } else {
      const remark = await checkCaJob(await module.job(csrs.get(library.keyType)), library)
      row.works = remark ? `yes (${remark})` : 'yes'
    }
    row.ok = true
  } catch (e) {
    row.works = `no (${message(e)})`
  }
  return row
}

function formatTable(rows: readonly Row[]): string {
  const ours = new Map(rows.filter((r) => r.library.id === 'ours').map((r) => [r.job.id, r.gzipped]))
  const header = ['library', 'job', 'minified B', 'gzip -9 B', 'x pocket-ca', 'works']
  const cells = rows.map((r) => {
    const base = ours.get(r.job.id)
    const ratio = r.gzipped !== undefined && base ? `${(r.gzipped / base).toFixed(2)}x` : 'n/a'
    return [
      r.library.label,
      r.job.label,
      r.minified?.toLocaleString('en-US') ?? '-',
      r.gzipped?.toLocaleString('en-US') ?? '-',
      ratio,
      r.works,
    ]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)))
  const right = new Set([2, 3, 4])
  const line = (c: readonly string[]) =>
    c
      .map((v, i) => (i === c.length - 1 ? v : right.has(i) ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n')
}

/**
 * Measures and checks every library's bundle for both jobs and prints the table; sets a non-zero exit code when any
 * job failed to bundle, run or pass the checks.
 *
 * @example
 * await main()
 */
async function main(): Promise<void> {
  const root = process.cwd()
  if (!existsSync(path.join(root, 'bench', 'size-jobs'))) {
    throw new Error('run this from the pocket-ca package root (npm run bench:sizes)')
  }
  const outDir = path.join(root, 'node_modules', '.cache', 'pocket-ca-sizes')
  await mkdir(outDir, { recursive: true })

  // The CSRs the CA jobs sign, made by pocket-ca: EC P-256, and RSA 2048 for node-forge.
  const csrs = new Map<KeyType, string>()
  for (const keyType of new Set(LIBRARIES.map((l) => l.keyType))) {
    csrs.set(keyType, await createCsr(await generateKeyPair(keyType), { commonName: NAME, altName: NAME }))
  }

  const rows: Row[] = []
  for (const job of JOBS) {
    for (const library of LIBRARIES) rows.push(await measure(root, outDir, library, job, csrs))
  }

  const options = Object.entries(BUILD_OPTIONS)
    .filter(([k]) => k !== 'logLevel' && k !== 'metafile')
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ')
  console.log(`Bundle sizes of two PKI jobs (esbuild ${esbuildVersion}, Node ${process.versions.node})`)
  console.log(`esbuild: { ${options} }, gzip level 9 (node:zlib).`)
  for (const l of LIBRARIES) {
    if (l.define) console.log(`Tweak for ${l.label}: define ${JSON.stringify(l.define.values)}: ${l.define.why}.`)
  }
  console.log('No other define/alias tweaks.')
  console.log('Each bundle was imported in Node and run once; "works" is pocket-ca checking its output.\n')
  console.log(formatTable(rows))
  console.log('\nPackages in each bundle:')
  for (const r of rows) console.log(`  ${r.library.id}-${r.job.id}: ${r.packages.join(', ') || '-'}`)
  console.log(`
Notes:
  (a) keygen + CSR: a key pair and a PKCS#10 CSR (CN and DNS SAN ${NAME}), as PEM.
  (b) CA issuance path: self-signed root (basicConstraints CA, keyUsage keyCertSign/cRLSign), read and verify the
      CSR, issue a TLS server certificate (CSR subject + SAN, serverAuth, SKI/AKI), revoke it, CRL as PEM.
      Checked: verifyChain(cert, { roots: [root], usage: ['serverAuth'] }), CN/SAN/SKI/AKI, and parseCrl lists
      the serial (the CRL signature itself is not checked here).
  EC P-256 everywhere except node-forge, which cannot make or read EC keys: RSA 2048 keys and CSR there.
  pocket-ca, @peculiar/x509 and pkijs use WebCrypto; node-forge and jsrsasign do the crypto in JavaScript.
  node-forge: imported as its README shows (import forge from 'node-forge'), so the whole library is bundled;
    platform 'browser' applies its package.json browser field (buffer, crypto, process: false). No CRL writer.
  jsrsasign: one prebuilt CommonJS file, not tree-shakeable: both jobs bundle all of it.
  @peculiar/x509 needs reflect-metadata, imported first in its modules and counted in its size.`)

  const failed = rows.filter((r) => !r.ok)
  if (failed.length > 0) {
    console.error(`\n${failed.length} job(s) failed: ${failed.map((r) => `${r.library.id}-${r.job.id}`).join(', ')}`)
    process.exitCode = 1
  }
}

await main()
