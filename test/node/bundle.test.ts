/**
 * What a frontend bundle of pocket-ca costs: an app that only makes keys and CSRs must not pull in the rich reader
 * (@peculiar/x509 with tsyringe and our Reflect metadata polyfill). Bundled with esbuild, minified, from the
 * package's own source, so `"sideEffects": false` in package.json decides what is dropped, as it will in a user's
 * bundler. A bundle that does read CSRs is then run in plain Node, which has no Reflect metadata of its own: the
 * polyfill must have survived the tree shaking, and must leave an app's own polyfill alone.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'

const root = new URL('../../', import.meta.url).pathname

/** The README quotes the keygen + CSR bundle size; this bound keeps the quote honest. */
const MAX_LEAN_GZIPPED = 12_000

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
  return { code, minified: Buffer.byteLength(code), gzipped: gzipSync(code, { level: 9 }).length }
}

/** Strings only the rich reader's dependency tree contains. */
const X509_MARKERS = ['tsyringe requires a reflect polyfill', 'Pkcs10CertificateRequest', 'X509CertificateGenerator']
/** A string only our Reflect metadata polyfill (src/lib/reflect.ts) contains. */
const POLYFILL_MARKER = 'Reflect metadata: the target must be an object'

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

/** Script text: makes a P-256 key and a CSR with the bundle's functions, parses it, sets `cn`. */
const MAKE_AND_PARSE = `
  const keys = await m.generateKeyPair('EC256')
  const csr = await m.createCsr(keys, { commonName: 'bundle.example', altName: 'bundle.example' })
  const cn = m.parseCsr(csr).subject.commonName`

describe('bundle size', () => {
  it('generateKeyPair + createCsr + encodePem bundle without @peculiar/x509, under 12,000 bytes gzipped', async () => {
    const lean = await bundle(['generateKeyPair', 'createCsr', 'encodePem'])
    for (const marker of [...X509_MARKERS, POLYFILL_MARKER]) expect(lean.code).not.toContain(marker)
    console.log(`keygen + CSR bundle: ${lean.minified} bytes minified, ${lean.gzipped} bytes gzipped`)
    expect(lean.gzipped).toBeGreaterThan(1000)
    expect(lean.gzipped).toBeLessThan(MAX_LEAN_GZIPPED)
  })

  it('a bundle with parseCsr does pull in the reader and our polyfill (so the checks above can fail)', async () => {
    const rich = await bundle(['generateKeyPair', 'createCsr', 'encodePem', 'parseCsr'])
    expect(rich.code).toContain('tsyringe requires a reflect polyfill')
    expect(rich.code).toContain(POLYFILL_MARKER)
    console.log(`with parseCsr: ${rich.minified} bytes minified, ${rich.gzipped} bytes gzipped`)
  })
})

describe('the Reflect metadata polyfill in a minified bundle', () => {
  it('survives tree shaking: the bundle makes and parses a CSR in a Node without any polyfill', async () => {
    const url = await writeBundle(['parseCsr', 'createCsr', 'generateKeyPair'], 'csr.mjs')
    const result = runNode(`
      const before = typeof Reflect.getMetadata
      const m = await import(${JSON.stringify(url)})
      ${MAKE_AND_PARSE}
      console.log(JSON.stringify({ before, after: typeof Reflect.getMetadata, cn }))`)
    expect(result).toEqual({ before: 'undefined', after: 'function', cn: 'bundle.example' })
  })

  it("leaves an app's own Reflect.getMetadata (installed before the import) untouched, and it is used", async () => {
    const url = await writeBundle(['parseCsr', 'createCsr', 'generateKeyPair'], 'csr-app-polyfill.mjs')
    const result = runNode(`
      // The app's own (fake) polyfill: just what tsyringe calls, counting the calls.
      const store = new Map()
      let calls = 0
      const own = (target) => store.get(target) ?? store.set(target, new Map()).get(target)
      const fake = {
        getMetadata(key, target) { calls++; return own(target).get(key) },
        getOwnMetadata(key, target) { calls++; return own(target).get(key) },
        defineMetadata(key, value, target) { calls++; own(target).set(key, value) },
      }
      Object.assign(Reflect, fake)
      const m = await import(${JSON.stringify(url)})
      ${MAKE_AND_PARSE}
      console.log(JSON.stringify({
        untouched: Object.keys(fake).every((name) => Reflect[name] === fake[name]),
        added: ['metadata', 'hasMetadata', 'hasOwnMetadata'].filter((name) => name in Reflect),
        used: calls > 0,
        cn,
      }))`)
    expect(result).toEqual({ untouched: true, added: [], used: true, cn: 'bundle.example' })
  })
})
