/**
 * The Chromium adapter: bundles entry.ts with esbuild, serves it and the shared test data on 127.0.0.1, opens it in
 * headless Chromium through playwright-core, waits for every conformance case to run in the page, then reports one
 * vitest `it` per case (`describe` per suite), so a failure names the suite, the case and the page's error.
 * Console errors and uncaught exceptions in the page fail the run too.
 *
 * Chromium: `$CHROMIUM_PATH`, else /usr/bin/chromium, else `chromium` / `chromium-browser` on PATH.
 * Global time limit: `$PKI_BROWSER_TIMEOUT_MS` (default 10 minutes); per case: CASE_TIMEOUT_MS (in the page).
 */
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { SourceMap } from 'node:module'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, relative, resolve } from 'node:path'
import { build } from 'esbuild'
import { type Browser, chromium } from 'playwright-core'
import { describe, it } from 'vitest'
import { listTestdata, readTestdata, repoRoot, testdataDir } from '../node/testdata.ts'
import { type CaseResult, type ConformanceState, DATA_PREFIX, LIST_PREFIX } from './protocol.ts'

const GLOBAL_TIMEOUT_MS = Number(process.env.PKI_BROWSER_TIMEOUT_MS) || 600_000

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv
    throw new Error(`CHROMIUM_PATH=${fromEnv} is not an executable file`)
  }
  if (isExecutable('/usr/bin/chromium')) return '/usr/bin/chromium'
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (dir && isExecutable(join(dir, name))) return join(dir, name)
    }
  }
  throw new Error(
    'no Chromium found for the browser conformance run: install Debian\'s "chromium" package ' +
      '(apt-get install chromium) or set CHROMIUM_PATH to a Chromium executable',
  )
}

interface Bundle {
  script: string
  /** Rewrites `http://127.0.0.1:<port>/entry.js:line:col` in a stack to the source file and line (repo-relative). */
  mapStack: (text: string) => string
}

async function bundle(): Promise<Bundle> {
  // Never written: `outfile` only names the bundle so that the source map's paths are relative to it.
  const outfile = join(repoRoot, 'test/browser/.bundle/entry.js')
  const result = await build({
    entryPoints: [join(repoRoot, 'test/browser/entry.ts')],
    outfile,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: 'external',
    write: false,
    logLevel: 'silent',
    // The fuzz suite's settings (test/conformance/fuzz.spec.ts): a page has no environment, so they go in the bundle.
    define: {
      'globalThis.PKI_FUZZ_ENV': JSON.stringify({
        PKI_FUZZ_RUNS: process.env.PKI_FUZZ_RUNS,
        PKI_FUZZ_SEED: process.env.PKI_FUZZ_SEED,
      }),
    },
  })
  const script = result.outputFiles.find((f) => f.path.endsWith('.js'))?.text
  const map = result.outputFiles.find((f) => f.path.endsWith('.js.map'))?.text
  if (!script || !map) throw new Error('esbuild produced no output for test/browser/entry.ts')
  const sourceMap = new SourceMap(JSON.parse(map))
  const mapStack = (text: string) =>
    text.replace(/https?:\/\/127\.0\.0\.1:\d+\/entry\.js:(\d+):(\d+)/g, (whole, line: string, column: string) => {
      const entry = sourceMap.findEntry(Number(line) - 1, Number(column) - 1) as {
        originalSource?: string
        originalLine?: number
        originalColumn?: number
      }
      if (entry.originalSource === undefined || entry.originalLine === undefined) return whole
      const file = resolve(dirname(outfile), entry.originalSource.replace(/^file:\/\//, ''))
      return `${relative(repoRoot, file)}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`
    })
  return { script, mapStack }
}

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>pocket-ca conformance</title></head>
<body><script type="module" src="/entry.js"></script></body></html>`

function serve(script: string): Promise<Server> {
  const server = createServer(async (request, response) => {
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
      response.end(body)
    }
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    try {
      if (url.pathname === '/') return send(200, 'text/html; charset=utf-8', PAGE)
      if (url.pathname === '/entry.js') return send(200, 'text/javascript; charset=utf-8', script)
      if (url.pathname.startsWith(DATA_PREFIX)) {
        const path = decodeURIComponent(url.pathname.slice(DATA_PREFIX.length))
        return send(200, 'text/plain; charset=utf-8', await readTestdata(path))
      }
      if (url.pathname.startsWith(LIST_PREFIX)) {
        const folder = decodeURIComponent(url.pathname.slice(LIST_PREFIX.length))
        return send(200, 'application/json', JSON.stringify(await listTestdata(folder)))
      }
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

interface Run {
  state?: ConformanceState
  mapStack: (text: string) => string
  /** Console errors, uncaught exceptions, crashes, failed requests and time-outs, in order. */
  problems: string[]
}

async function runInChromium(): Promise<Run> {
  testdataDir() // fail early and clearly if the data is missing
  const executablePath = findChromium()
  const { script, mapStack } = await bundle()
  const server = await serve(script)
  // launch() gives the browser a fresh temporary profile (user-data dir), removed on close; Chromium's own temporary
  // files go to a private TMPDIR that we remove too.
  const tmp = mkdtempSync(join(tmpdir(), 'pocket-ca-chromium-'))
  let browser: Browser | undefined
  const run: Run = { problems: [], mapStack }
  try {
    browser = await chromium
      .launch({
        executablePath,
        headless: true,
        args: LAUNCH_ARGS,
        env: { ...process.env, TMPDIR: tmp },
        timeout: 60_000,
      })
      .catch((error: Error) => {
        throw new Error(`could not launch ${executablePath}: ${error.message}`, { cause: error })
      })
    const page = await browser.newPage()
    page.on('console', (message) => {
      if (message.type() === 'error') run.problems.push(`console.error: ${message.text()}`)
      // What a suite logs on purpose (the fuzz suite's seed and counts) shows as it would on Node and Deno.
      else if (message.type() === 'log') console.log(`[chromium] ${message.text()}`)
    })
    page.on('pageerror', (error) => run.problems.push(`uncaught exception: ${error.stack ?? error.message}`))
    page.on('crash', () => run.problems.push('the page crashed'))
    page.on('requestfailed', (request) =>
      run.problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
    )
    const { port } = server.address() as AddressInfo
    await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'load', timeout: 60_000 })
    const deadline = Date.now() + GLOBAL_TIMEOUT_MS
    for (;;) {
      run.state = await page.evaluate(() => (globalThis as { __conformance?: ConformanceState }).__conformance)
      if (run.state?.done) break
      if (!run.state && run.problems.length > 0) break // the bundle did not even start: nothing more will come
      if (Date.now() > deadline) {
        run.problems.push(
          `global time limit of ${GLOBAL_TIMEOUT_MS} ms reached` +
            (run.state?.running ? ` while running ${run.state.running}` : ''),
        )
        break
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  } finally {
    await browser?.close().catch(() => {})
    await new Promise((resolve) => server.close(resolve))
    rmSync(tmp, { recursive: true, force: true })
  }
  return run
}

const run = await runInChromium()

it('the page ran without console errors or uncaught exceptions', () => {
  if (run.problems.length > 0) throw new Error(run.mapStack(run.problems.join('\n')))
})

it('the page published its suites', () => {
  if (!run.state) throw new Error('the page never published its results (did test/browser/entry.js load?)')
})

const results = new Map<string, CaseResult>()
for (const r of run.state?.results ?? []) results.set(`${r.suite}\u0000${r.name}`, r)

for (const s of run.state?.manifest ?? []) {
  describe(s.suite, () => {
    for (const name of s.cases) {
      it(name, () => {
        const result = results.get(`${s.suite}\u0000${name}`)
        if (!result)
          throw new Error(
            run.state?.running === `${s.suite} > ${name}`
              ? 'did not finish in Chromium: the run stopped while this case was running (global time limit?)'
              : 'did not run in Chromium: the run stopped before reaching this case',
          )
        if (!result.ok) {
          const error = new Error(`in Chromium: ${result.error?.split('\n')[0]}`)
          error.stack = `in Chromium: ${run.mapStack(result.error ?? '')}`
          throw error
        }
      })
    }
  })
}
