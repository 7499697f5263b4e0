/**
 * The Chromium adapter: bundles entry.ts with esbuild, serves it and the shared test data on 127.0.0.1, opens it in
 * headless Chromium through playwright-core, waits for every conformance case to run in the page, then reports one
 * vitest `it` per case (`describe` per suite), so a failure names the suite, the case and the page's error.
 * Console errors and uncaught exceptions in the page fail the run too.
 *
 * Chromium: `$CHROMIUM_PATH`, else /usr/bin/chromium, else `chromium` / `chromium-browser` on PATH (page.ts).
 * Global time limit: `$PKI_BROWSER_TIMEOUT_MS` (default 10 minutes); per case: CASE_TIMEOUT_MS (in the page).
 */
import { describe, it } from 'vitest'
import { listTestdata, readTestdata, testdataDir } from '../node/testdata.ts'
import {
  bundleScript,
  closeServer,
  type LaunchedChromium,
  launchChromium,
  serve,
  serverUrl,
  watchPage,
} from './page.ts'
import { type CaseResult, type ConformanceState, DATA_PREFIX, LIST_PREFIX } from './protocol.ts'

const GLOBAL_TIMEOUT_MS = Number(process.env.PKI_BROWSER_TIMEOUT_MS) || 600_000

interface Run {
  state?: ConformanceState
  mapStack: (text: string) => string
  /** Console errors, uncaught exceptions, crashes, failed requests and time-outs, in order. */
  problems: string[]
}

async function runInChromium(): Promise<Run> {
  testdataDir() // fail early and clearly if the data is missing
  const bundle = await bundleScript('test/browser/entry.ts', {
    // The fuzz suite's settings (test/conformance/fuzz.spec.ts): a page has no environment, so they go in the bundle.
    define: {
      'globalThis.PKI_FUZZ_ENV': JSON.stringify({
        PKI_FUZZ_RUNS: process.env.PKI_FUZZ_RUNS,
        PKI_FUZZ_SEED: process.env.PKI_FUZZ_SEED,
      }),
    },
  })
  const server = await serve(bundle, 'pocket-ca conformance', async (url) => {
    if (url.pathname.startsWith(DATA_PREFIX)) {
      const path = decodeURIComponent(url.pathname.slice(DATA_PREFIX.length))
      return { type: 'text/plain; charset=utf-8', body: await readTestdata(path) }
    }
    if (url.pathname.startsWith(LIST_PREFIX)) {
      const folder = decodeURIComponent(url.pathname.slice(LIST_PREFIX.length))
      return { type: 'application/json', body: JSON.stringify(await listTestdata(folder)) }
    }
    return undefined
  })
  let chromium: LaunchedChromium | undefined
  const run: Run = { problems: [], mapStack: bundle.mapStack }
  try {
    chromium = await launchChromium()
    const page = await chromium.browser.newPage()
    watchPage(page, run.problems)
    await page.goto(serverUrl(server), { waitUntil: 'load', timeout: 60_000 })
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
    await chromium?.close()
    await closeServer(server)
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
