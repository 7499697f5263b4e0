/**
 * Two jobs in one file:
 * - the demo build: `demo/` -> `demo-dist/` (static, `base: './'` so the page works offline from any folder, and
 *   the script inlined into index.html so it also works opened as a file: Chromium refuses module scripts from
 *   file:// URLs); `npm start` builds it and serves it with `vite preview` on 127.0.0.1;
 * - the vitest projects: `node` (conformance adapter, unit and interop tests on Node) and `chromium` (runs the
 *   conformance suites in headless Chromium through Playwright; see test/browser/chromium.test.ts).
 */
import { resolve } from 'node:path'
import type { Plugin } from 'vite'
import { defineConfig } from 'vitest/config'

const repoRoot = import.meta.dirname

// Generous: RSA 4096 keygen and openssl / certtool calls are slow, and CI has 2 cores.
const testTimeout = 120_000

/** Moves the single entry chunk into index.html as an inline module script (file:// pages cannot load modules). */
function inlineEntryScript(): Plugin {
  return {
    name: 'pocket-ca:inline-entry-script',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((o) => o.type === 'chunk')
      const html = bundle['index.html']
      const entry = chunks[0]
      if (chunks.length !== 1 || !entry || html?.type !== 'asset') {
        this.warn('demo: not exactly one script chunk, leaving the scripts external (the page needs http://)')
        return
      }
      const tag = new RegExp(`<script type="module" crossorigin src="[^"]*${entry.fileName}"></script>`)
      const source = String(html.source)
      if (!tag.test(source)) return this.warn(`demo: no <script> tag for ${entry.fileName} in index.html`)
      // `</script` inside the code would end the element early; `<\/script` means the same in JS strings.
      const code = entry.code.replaceAll('</script', '<\\/script')
      html.source = source.replace(tag, () => `<script type="module">\n${code}</script>`)
      delete bundle[entry.fileName]
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
