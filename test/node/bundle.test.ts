/**
 * What a frontend bundle of pocket-ca costs: an app that only makes keys and CSRs must not pull in the rich reader
 * (@peculiar/x509 with tsyringe and its polyfill). Bundled with esbuild, minified, from the package's own source,
 * so `"sideEffects": false` in package.json decides what is dropped, as it will in a user's bundler.
 */
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const root = new URL('../../', import.meta.url).pathname

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

describe('bundle size', () => {
  it('generateKeyPair + createCsr + encodePem bundle without @peculiar/x509', async () => {
    const lean = await bundle(['generateKeyPair', 'createCsr', 'encodePem'])
    for (const marker of X509_MARKERS) expect(lean.code).not.toContain(marker)
    console.log(`keygen + CSR bundle: ${lean.minified} bytes minified, ${lean.gzipped} bytes gzipped`)
    expect(lean.gzipped).toBeGreaterThan(1000)
  })

  it('a bundle with parseCsr does pull in the reader (so the check above can fail)', async () => {
    const rich = await bundle(['generateKeyPair', 'createCsr', 'encodePem', 'parseCsr'])
    expect(rich.code).toContain('tsyringe requires a reflect polyfill')
    console.log(`with parseCsr: ${rich.minified} bytes minified, ${rich.gzipped} bytes gzipped`)
  })
})
