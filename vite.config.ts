/**
 * Two jobs in one file:
 * - the demo build: `demo/` -> `demo-dist/` (static, `base: './'` so the page works offline from any folder, and
 *   the script inlined into index.html so it also works opened as a file: Chromium refuses module scripts from
 *   file:// URLs); `npm start` builds it and serves it with `vite preview` on 127.0.0.1. Next to it, the emulator
 *   page (emulator.html, emulator.js, emulator.css) and its Service Worker (sw.js), built by esbuild outside Vite's
 *   module graph so that index.html stays one self-contained file;
 * - the vitest projects: `node` (conformance adapter, unit and interop tests on Node) and `chromium` (runs the
 *   conformance suites in headless Chromium through Playwright; see test/browser/chromium.test.ts).
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { type BuildOptions, build as esbuild } from 'esbuild'
import type { Plugin } from 'vite'
import { defineConfig } from 'vitest/config'

const repoRoot = import.meta.dirname

// Generous: RSA 4096 keygen and openssl / certtool calls are slow, and CI has 2 cores.
const testTimeout = 120_000

/** The CSP source for an inline element's exact text: `'sha256-<base64>'`. */
function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`
}

/**
 * The demo page's Content-Security-Policy: nothing from anywhere (no fetch, no XHR, no WebSocket: `connect-src
 * 'none'`), the one inline script and the one inline style allowed by their hashes, images only as data: URLs.
 */
function demoCsp(scriptHash: string, styleHash: string | undefined): string {
  return [
    "default-src 'none'",
    `script-src ${scriptHash}`,
    `style-src ${styleHash ?? "'none'"}`,
    'img-src data:',
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join('; ')
}

/**
 * Moves the single entry chunk into index.html as an inline module script (file:// pages cannot load modules) and
 * the single stylesheet into an inline <style>, then puts a CSP <meta> first in <head> that allows exactly those two
 * by their SHA-256 hashes (computed here, over the text as written into the page).
 */
function inlineEntryScript(): Plugin {
  return {
    name: 'pocket-ca:inline-entry-script',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((o) => o.type === 'chunk')
      const styles = Object.values(bundle).filter((o) => o.type === 'asset' && o.fileName.endsWith('.css'))
      const html = bundle['index.html']
      const entry = chunks[0]
      if (chunks.length !== 1 || !entry || html?.type !== 'asset' || styles.length > 1) {
        this.error('demo: expected one script chunk and at most one stylesheet (the page must work from file://)')
      }
      const tag = new RegExp(`<script type="module" crossorigin src="[^"]*${entry.fileName}"></script>`)
      let source = String(html.source)
      if (!tag.test(source)) this.error(`demo: no <script> tag for ${entry.fileName} in index.html`)
      // `</script` inside the code would end the element early; `<\/script` means the same in JS strings.
      const code = `\n${entry.code.replaceAll('</script', '<\\/script')}`
      source = source.replace(tag, () => `<script type="module">${code}</script>`)
      delete bundle[entry.fileName]
      let styleHash: string | undefined
      const sheet = styles[0]
      if (sheet?.type === 'asset') {
        const link = new RegExp(`<link rel="stylesheet" crossorigin href="[^"]*${sheet.fileName}">`)
        if (!link.test(source)) this.error(`demo: no <link> for ${sheet.fileName} in index.html`)
        const css = `\n${String(sheet.source).replaceAll('</style', '<\\/style')}`
        source = source.replace(link, () => `<style>${css}</style>`)
        styleHash = cspHash(css)
        delete bundle[sheet.fileName]
      }
      const meta = `<meta http-equiv="Content-Security-Policy" content="${demoCsp(cspHash(code), styleHash)}" />`
      if (!source.includes('<meta charset="utf-8" />')) this.error('demo: index.html needs <meta charset="utf-8" />')
      html.source = source.replace('<meta charset="utf-8" />', () => `<meta charset="utf-8" />\n    ${meta}`)
    },
  }
}

/**
 * The emulator page's Content-Security-Policy: its own script, stylesheet and Service Worker ('self'), fetch() to its
 * own origin only (`connect-src 'self'`: the routes the worker answers), nothing else.
 */
function emulatorCsp(): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    'img-src data:',
    "connect-src 'self'",
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join('; ')
}

/**
 * Adds the emulator page to the build: demo/emulator.html with its CSP <meta>, emulator.js (demo/emulator.ts, a
 * module), emulator.css (demo/styles.css) and sw.js (demo/sw.ts, a classic Service Worker script), each bundled by
 * esbuild into one file. Runs after inlineEntryScript, which must see only the CA page's chunk and stylesheet.
 */
function emulatorPage(): Plugin {
  const demo = resolve(repoRoot, 'demo')
  const common: BuildOptions = {
    bundle: true,
    write: false,
    minify: true,
    platform: 'browser',
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'silent',
    // Never written (write: false): only names the outputs.
    outdir: resolve(demo, '.emulator-build'),
  }
  return {
    name: 'pocket-ca:emulator-page',
    apply: 'build',
    enforce: 'post',
    async generateBundle() {
      const results = await Promise.all([
        esbuild({ ...common, entryPoints: [{ in: resolve(demo, 'emulator.ts'), out: 'emulator' }], format: 'esm' }),
        esbuild({ ...common, entryPoints: [{ in: resolve(demo, 'styles.css'), out: 'emulator' }] }),
        esbuild({ ...common, entryPoints: [{ in: resolve(demo, 'sw.ts'), out: 'sw' }], format: 'iife' }),
      ])
      const files = results.flatMap((r) => r.outputFiles ?? [])
      for (const file of files) this.emitFile({ type: 'asset', fileName: basename(file.path), source: file.contents })
      const names = files.map((f) => basename(f.path))
      for (const name of ['emulator.js', 'emulator.css', 'sw.js']) {
        if (!names.includes(name)) this.error(`demo: esbuild made no ${name} for the emulator page`)
      }
      let html = await readFile(resolve(demo, 'emulator.html'), 'utf8')
      const meta = `<meta http-equiv="Content-Security-Policy" content="${emulatorCsp()}" />`
      if (!html.includes('<meta charset="utf-8" />')) this.error('demo: emulator.html needs <meta charset="utf-8" />')
      html = html.replace('<meta charset="utf-8" />', () => `<meta charset="utf-8" />\n    ${meta}`)
      this.emitFile({ type: 'asset', fileName: 'emulator.html', source: html })
    },
  }
}

export default defineConfig({
  root: resolve(repoRoot, 'demo'),
  base: './',
  build: {
    outDir: resolve(repoRoot, 'demo-dist'),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    // One stylesheet and no asset files: everything ends up inline in index.html.
    cssCodeSplit: false,
    assetsInlineLimit: Number.POSITIVE_INFINITY,
    reportCompressedSize: true,
  },
  // In this order: the CA page is inlined before the emulator page's files join the bundle.
  plugins: [inlineEntryScript(), emulatorPage()],
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  test: {
    root: repoRoot,
    maxWorkers: 2,
    projects: [
      {
        root: repoRoot,
        test: {
          name: 'node',
          include: ['test/node/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/interop/**/*.test.ts'],
          environment: 'node',
          testTimeout,
          hookTimeout: testTimeout,
        },
      },
      {
        root: repoRoot,
        test: {
          name: 'chromium',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          // The page runs every case (with its own per-case and global time limits) while the file is collected;
          // the `it`s only report the results.
          testTimeout,
          hookTimeout: testTimeout,
        },
      },
    ],
  },
})
