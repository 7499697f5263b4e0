/**
 * What pocket-ca costs in a frontend bundle, checked in CI against the budgets of issue 8 (minified with esbuild,
 * gzipped at level 9, from the package's own source, so `"sideEffects": false` in package.json decides what is
 * dropped, as it will in a user's bundler):
 * (a) generateKeyPair + createCsr + encodePem: at most 8 KB (8,192 bytes);
 * (b) the whole CA issuance path (root and subordinate CAs, issuance from parameters and from CSRs, revocation,
 *     CRLs): at most 36,000 bytes;
 * (c) the demo page's JavaScript (the script Vite inlines into index.html): under 100 KB (100,000 bytes).
 * A bundle of everything the package exports must hold none of @peculiar/x509, tsyringe or a Reflect polyfill (the
 * package has no runtime dependencies), and must run in a plain Node with no Reflect metadata, leaving Reflect alone.
 * `npm run bench:sizes` prints the same jobs done with @peculiar/x509, PKI.js, node-forge and jsrsasign.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'
import { buildDemo } from '../browser/demo-server.ts'

const root = new URL('../../', import.meta.url).pathname

/** The budgets, gzipped bytes. */
const BUDGET = { keygenCsr: 8192, issuance: 36_000, demo: 100_000 }

/** The exports of job (a) and job (b). */
const KEYGEN_CSR = ['generateKeyPair', 'createCsr', 'encodePem']
const ISSUANCE = [
  'createRootCa',
  'createSubordinateCa',
  'getCaCsr',
  'importCaCertificate',
  'signSubordinateCa',
  'issueCertificate',
  'signCsr',
  'revokeCertificate',
  'generateCrl',
]

function gzipped(code: string): number {
  return gzipSync(code, { level: 9 }).length
}

async function bundle(names: string[]): Promise<{ code: string; minified: number; gzipped: number }> {
  const result = await build({
    stdin: {
      contents: `export { ${names.join(', ')} } from './src/index.ts'`,
      resolveDir: root,
      sourcefile: 'entry.ts',
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]?.text ?? ''
  return { code, minified: Buffer.byteLength(code), gzipped: gzipped(code) }
}

/** Every value the package exports (the names of src/index.ts's export lists). */
function allExports(): string[] {
  const index = readFileSync(join(root, 'src/index.ts'), 'utf8')
  const names = [...index.matchAll(/export\s*\{([^}]*)\}/g)].flatMap((m) =>
    (m[1] as string)
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n && !n.startsWith('type ')),
  )
  return [...new Set(names)]
}

/** Strings only @peculiar/x509, tsyringe or a Reflect metadata polyfill contain. */
const DEPENDENCY_MARKERS = [
  'tsyringe requires a reflect polyfill',
  'Pkcs10CertificateRequest',
  'X509CertificateGenerator',
  'getOwnMetadata',
]

// Inside the checkout, so nothing is written outside it; removed afterwards.
mkdirSync(join(root, 'node_modules/.cache'), { recursive: true })
const out = mkdtempSync(join(root, 'node_modules/.cache/bundle-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

/** Writes a bundle of `names` and returns its file URL. */
async function writeBundle(names: string[], file: string): Promise<string> {
  const { code } = await bundle(names)
  const path = join(out, file)
  writeFileSync(path, code)
  return pathToFileURL(path).href
}

/** Runs an ES module script in a fresh `node` (no vitest, no polyfill preloaded) and parses the JSON it prints. */
function runNode(script: string): Record<string, unknown> {
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: out,
    encoding: 'utf8',
  })
  return JSON.parse(stdout.trim().split('\n').at(-1) as string)
}

describe('bundle budgets', () => {
  it(`(a) generateKeyPair + createCsr + encodePem: at most ${BUDGET.keygenCsr} bytes gzipped`, async () => {
    const lean = await bundle(KEYGEN_CSR)
    console.log(`(a) keygen + CSR: ${lean.minified} bytes minified, ${lean.gzipped} gzipped`)
    expect(lean.gzipped).toBeGreaterThan(1000)
    expect(lean.gzipped).toBeLessThanOrEqual(BUDGET.keygenCsr)
  })

  it(`(b) the CA issuance path: at most ${BUDGET.issuance} bytes gzipped`, async () => {
    const path = await bundle(ISSUANCE)
    console.log(`(b) CA issuance path: ${path.minified} bytes minified, ${path.gzipped} gzipped`)
    expect(path.gzipped).toBeGreaterThan((await bundle(KEYGEN_CSR)).gzipped)
    expect(path.gzipped).toBeLessThanOrEqual(BUDGET.issuance)
  })

  it(`(c) the demo page's JavaScript: under ${BUDGET.demo} bytes gzipped`, async () => {
    const demo = await buildDemo()
    try {
      const html = readFileSync(join(demo.dir, 'index.html'), 'utf8')
      const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1] as string)
      // The build inlines its one script (vite.config.ts): no separate file to forget in the count.
      expect(scripts).toHaveLength(1)
      expect(html).not.toMatch(/<script\b[^>]*\bsrc=/)
      const js = scripts.join('')
      console.log(`(c) demo JS: ${Buffer.byteLength(js)} bytes minified, ${gzipped(js)} gzipped`)
      expect(gzipped(js)).toBeGreaterThan(10_000)
      expect(gzipped(js)).toBeLessThan(BUDGET.demo)
    } finally {
      demo.remove()
    }
  }, 120_000)
})

describe('no runtime dependency in any bundle', () => {
  it('a bundle of everything the package exports holds no @peculiar/x509, tsyringe or Reflect polyfill', async () => {
    const names = allExports()
    expect(names).toContain('parseCertificate')
    expect(names.length).toBeGreaterThan(40)
    const everything = await bundle(names)
    console.log(`everything: ${everything.minified} bytes minified, ${everything.gzipped} gzipped`)
    for (const marker of DEPENDENCY_MARKERS) expect(everything.code).not.toContain(marker)
  })

  it('makes and reads a CSR in a plain Node with no Reflect metadata, and leaves Reflect as it was', async () => {
    const url = await writeBundle(['parseCsr', 'createCsr', 'generateKeyPair', 'parseCertificate'], 'csr.mjs')
    const result = runNode(`
      const before = Object.getOwnPropertyNames(Reflect).sort().join()
      const m = await import(${JSON.stringify(url)})
      const keys = await m.generateKeyPair('EC256')
      const csr = await m.createCsr(keys, { commonName: 'bundle.example', altName: 'bundle.example' })
      const info = m.parseCsr(csr)
      console.log(JSON.stringify({
        same: Object.getOwnPropertyNames(Reflect).sort().join() === before,
        cn: info.subject.commonName,
        name: info.subjectName,
      }))`)
    expect(result).toEqual({ same: true, cn: 'bundle.example', name: 'CN=bundle.example' })
  })
})
