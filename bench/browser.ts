/**
 * `npm run bench:browser`: the benchmark (bench/suite.ts) in headless Chromium, printed to the terminal. Bundles
 * bench/page.ts for the browser with esbuild, writes it and a small HTML page into
 * node_modules/.cache/pocket-ca-bench-browser/, serves that folder on 127.0.0.1 (a free port), opens it in Debian's
 * Chromium through playwright-core and forwards every console line of the page to stdout as it comes. Exits non-zero
 * on a page error, a crash, a failure the page reports, or after TIMEOUT_MS.
 *
 * Chromium: as the browser tests find it (test/browser/chromium.ts). BENCH_MEMORY_N sets the memory
 * loop's length as for `npm run bench` (default 100,000). Run from the repository root (npm does).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { type Browser, chromium } from 'playwright-core'
import { CHROMIUM_ARGS, findChromium } from '../test/browser/chromium.ts'
import { DONE, FAILED } from './protocol.ts'

/** Generous: the Node run takes about 2.5 minutes, and node-forge makes its RSA keys in JavaScript in a page. */
const TIMEOUT_MS = 20 * 60_000
const CACHE = 'node_modules/.cache/pocket-ca-bench-browser'
const LAUNCH_ARGS = [...CHROMIUM_ARGS, '--js-flags=--expose-gc', '--enable-precise-memory-info']
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>pocket-ca bench</title></head>
<body><script type="module" src="/page.js"></script></body></html>
`

/** Bundles the page script and writes it with the HTML page into `dir`. */
async function writePage(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  await build({
    entryPoints: ['bench/page.ts'],
    outfile: join(dir, 'page.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    logLevel: 'warning',
  })
  await writeFile(join(dir, 'index.html'), PAGE)
}

/** Serves `/` (index.html) and `/page.js` from `dir` on 127.0.0.1, a free port. */
function serve(dir: string): Promise<Server> {
  const files: Record<string, [string, string]> = {
    '/': ['index.html', 'text/html; charset=utf-8'],
    '/page.js': ['page.js', 'text/javascript; charset=utf-8'],
  }
  const server = createServer(async (request, response) => {
    const file = files[new URL(request.url ?? '/', 'http://127.0.0.1').pathname]
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    const body = await readFile(join(dir, file[0]))
    response.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-store' }).end(body)
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

/** Opens the page and forwards its console to stdout until it logs DONE; rejects on any failure or the time limit. */
async function runPage(browser: Browser, url: string): Promise<void> {
  const page = await browser.newPage()
  let timer: ReturnType<typeof setTimeout> | undefined
  const finished = new Promise<void>((resolve, reject) => {
    page.on('console', (message) => {
      const text = message.text()
      if (text === DONE) resolve()
      else if (text.startsWith(FAILED))
        reject(new Error(`the benchmark failed in the page: ${text.slice(FAILED.length)}`))
      else process.stdout.write(`${text}\n`)
    })
    page.on('pageerror', (error) => reject(new Error(`page error: ${error.stack ?? error.message}`)))
    page.on('crash', () => reject(new Error('the page crashed')))
    timer = setTimeout(() => reject(new Error(`no result after ${TIMEOUT_MS / 60_000} minutes`)), TIMEOUT_MS)
  })
  try {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 })
    await finished
  } finally {
    clearTimeout(timer)
  }
}

async function main(): Promise<number> {
  const executablePath = findChromium()
  const dir = join(process.cwd(), CACHE)
  await writePage(dir)
  const server = await serve(dir)
  // Chromium's own temporary files go to a private folder, removed at the end.
  const tmp = mkdtempSync(join(tmpdir(), 'pocket-ca-bench-chromium-'))
  let browser: Browser | undefined
  try {
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: LAUNCH_ARGS,
      env: { ...process.env, TMPDIR: tmp },
      timeout: 60_000,
    })
    const memoryN = process.env.BENCH_MEMORY_N
    const query = memoryN ? `?memoryN=${encodeURIComponent(memoryN)}` : ''
    process.stdout.write(`Chromium ${browser.version()} (${executablePath}), headless\n`)
    await runPage(browser, `http://127.0.0.1:${(server.address() as AddressInfo).port}/${query}`)
    return 0
  } catch (error) {
    process.stderr.write(`bench:browser: ${(error as Error).message}\n`)
    return 1
  } finally {
    await browser?.close().catch(() => undefined)
    await new Promise((resolve) => server.close(resolve))
    rmSync(tmp, { recursive: true, force: true })
  }
}

process.exitCode = await main()
