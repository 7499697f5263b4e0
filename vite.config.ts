/**
 * Two jobs in one file:
 * - the demo build: `demo/` -> `demo-dist/` (static, `base: './'` so the page works offline from any folder, and
 *   the script inlined into index.html so it also works opened as a file: Chromium refuses module scripts from
 *   file:// URLs); `npm start` builds it and serves it with `vite preview` on 127.0.0.1;
 * - the vitest projects: `node` (conformance adapter, unit and interop tests on Node) and `chromium` (runs the
 *   conformance suites in headless Chromium through Playwright; see test/browser/chromium.test.ts).
 */
import { createHash } from 'node:crypto'
import { resolve } from 'node:path'
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
  plugins: [inlineEntryScript()],
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
