/**
 * What the Chromium tests share: finding Chromium, bundling a page script with esbuild (with a source map to turn
 * the page's stack traces back into repository paths), serving it on 127.0.0.1, launching headless Chromium through
 * playwright-core and collecting what goes wrong in a page.
 *
 * Chromium: `$CHROMIUM_PATH`, else /usr/bin/chromium, else `chromium` / `chromium-browser` on PATH.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { SourceMap } from 'node:module'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { build } from 'esbuild'
import { type Browser, chromium, type Page } from 'playwright-core'
import { repoRoot } from '../node/testdata.ts'
import { CHROMIUM_ARGS, findChromium } from './chromium.ts'

/** A page script bundled by {@link bundleScript}. */
export interface Bundle {
  /** The URL path the page loads it from, e.g. `/entry.js`. */
  path: string
  script: string
  /** Rewrites `http://127.0.0.1:<port>/<name>.js:line:col` in a stack to the source file and line (repo-relative). */
  mapStack: (text: string) => string
}

/**
 * Bundles one page script (a repository-relative `.ts` path) for the browser, in memory.
 *
 * @example
 * const { script, mapStack } = await bundleScript('test/browser/entry.ts')
 */
export async function bundleScript(entry: string, o: { define?: Record<string, string> } = {}): Promise<Bundle> {
  const name = `${basename(entry).replace(/\.ts$/, '')}.js`
  // Never written: `outfile` only names the bundle so that the source map's paths are relative to it.
  const outfile = join(repoRoot, 'test/browser/.bundle', name)
  const result = await build({
    entryPoints: [join(repoRoot, entry)],
    outfile,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: 'external',
    write: false,
    logLevel: 'silent',
    define: o.define ?? {},
  })
  const script = result.outputFiles.find((f) => f.path.endsWith('.js'))?.text
  const map = result.outputFiles.find((f) => f.path.endsWith('.js.map'))?.text
  if (!script || !map) throw new Error(`esbuild produced no output for ${entry}`)
  const sourceMap = new SourceMap(JSON.parse(map))
  const pattern = new RegExp(`https?://127\\.0\\.0\\.1:\\d+/${name.replaceAll('.', '\\.')}:(\\d+):(\\d+)`, 'g')
  const mapStack = (text: string) =>
    text.replace(pattern, (whole, line: string, column: string) => {
      const found = sourceMap.findEntry(Number(line) - 1, Number(column) - 1) as {
        originalSource?: string
        originalLine?: number
        originalColumn?: number
      }
      if (found.originalSource === undefined || found.originalLine === undefined) return whole
      const file = resolve(dirname(outfile), found.originalSource.replace(/^file:\/\//, ''))
      return `${relative(repoRoot, file)}:${found.originalLine + 1}:${(found.originalColumn ?? 0) + 1}`
    })
  return { path: `/${name}`, script, mapStack }
}

/** What a route of {@link serve} answers: a content type and a body. */
export interface Reply {
  type: string
  body: string
}

/**
 * Serves on 127.0.0.1 (a free port) `/` as an HTML page that loads the bundle, the bundle itself, and whatever
 * `route` answers for other paths (404 when it answers undefined; ENOENT is a 404, a TypeError a 400).
 *
 * @example
 * const server = await serve(bundle, 'pocket-ca store tests')
 * const { port } = server.address() as AddressInfo
 */
export function serve(
  bundle: Bundle,
  title: string,
  route: (url: URL) => Promise<Reply | undefined> = async () => undefined,
): Promise<Server> {
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title></head>
<body><script type="module" src="${bundle.path}"></script></body></html>`
  const server = createServer(async (request, response) => {
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
      response.end(body)
    }
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    try {
      if (url.pathname === '/') return send(200, 'text/html; charset=utf-8', html)
      if (url.pathname === bundle.path) return send(200, 'text/javascript; charset=utf-8', bundle.script)
      const reply = await route(url)
      if (reply) return send(200, reply.type, reply.body)
      send(404, 'text/plain', `not found: ${url.pathname}`)
    } catch (error) {
      const code = (error as { code?: string }).code
      send(code === 'ENOENT' ? 404 : error instanceof TypeError ? 400 : 500, 'text/plain', String(error))
    }
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

/**
 * The URL of a server made by {@link serve}.
 *
 * @example
 * await page.goto(serverUrl(server))
 */
export function serverUrl(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

/**
 * Closes a server made by {@link serve}.
 *
 * @example
 * await closeServer(server)
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}

/** A headless Chromium and how to get rid of it. */
export interface LaunchedChromium {
  browser: Browser
  /** Closes the browser and removes its temporary files; never throws. */
  close: () => Promise<void>
}

/**
 * Launches headless Chromium with a fresh temporary profile (playwright removes it on close) and a private TMPDIR for
 * Chromium's own temporary files (removed by `close`).
 *
 * @example
 * const chromium = await launchChromium()
 * try { const page = await chromium.browser.newPage() } finally { await chromium.close() }
 */
export async function launchChromium(): Promise<LaunchedChromium> {
  const executablePath = findChromium()
  const tmp = mkdtempSync(join(tmpdir(), 'pocket-ca-chromium-'))
  try {
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      env: { ...process.env, TMPDIR: tmp },
      timeout: 60_000,
    })
    return {
      browser,
      close: async () => {
        await browser.close().catch(() => {})
        rmSync(tmp, { recursive: true, force: true })
      },
    }
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true })
    throw new Error(`could not launch ${executablePath}: ${(error as Error).message}`, { cause: error })
  }
}

/**
 * Records in `problems` what goes wrong in a page: console errors, uncaught exceptions, crashes, failed requests.
 * Console logs are echoed, tagged `[chromium]`, so that what a page logs on purpose shows as it would on Node.
 *
 * @example
 * const problems: string[] = []
 * watchPage(page, problems)
 */
export function watchPage(page: Page, problems: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`)
    else if (message.type() === 'log') console.log(`[chromium] ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.stack ?? error.message}`))
  page.on('crash', () => problems.push('the page crashed'))
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
  )
}
