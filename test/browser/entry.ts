/**
 * The browser side of the Chromium adapter: bundled by esbuild and loaded by the page chromium.test.ts serves.
 * Runs every conformance case in order with a per-case time limit and publishes the results on
 * `globalThis.__conformance` (see protocol.ts).
 */
import { openIndexedDbStore } from '../../src/index.ts'
import { suites } from '../conformance/index.ts'
import { CASE_TIMEOUT_MS, checkDataPath, withTimeout } from '../env.ts'
import type { Env } from '../harness.ts'
import { type ConformanceState, DATA_PREFIX, LIST_PREFIX } from './protocol.ts'

async function get(url: string): Promise<Response> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`)
  return response
}

const env: Env = {
  runtime: 'chromium',
  readText: async (path) => (await get(DATA_PREFIX + encodeURI(checkDataPath(path)))).text(),
  listFiles: async (folder) => (await get(LIST_PREFIX + encodeURI(checkDataPath(folder)))).json(),
  openStore: () => openIndexedDbStore({ name: `pocket-ca-conformance-${crypto.randomUUID()}` }),
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const head = `${error.name}: ${error.message}`
    return error.stack?.includes(error.message) ? error.stack : `${head}\n${error.stack ?? ''}`
  }
  return `non-Error thrown: ${String(error)}`
}

const state: ConformanceState = {
  manifest: suites.map((s) => ({ suite: s.name, cases: s.cases.map((c) => c.name) })),
  results: [],
  done: false,
}
;(globalThis as { __conformance?: ConformanceState }).__conformance = state

for (const s of suites) {
  for (const c of s.cases) {
    const label = `${s.name} > ${c.name}`
    state.running = label
    const start = performance.now()
    try {
      await withTimeout(() => c.fn(env), CASE_TIMEOUT_MS, label)
      state.results.push({ suite: s.name, name: c.name, ok: true, ms: performance.now() - start })
    } catch (error) {
      state.results.push({
        suite: s.name,
        name: c.name,
        ok: false,
        ms: performance.now() - start,
        error: describe(error),
      })
    }
  }
}
state.running = undefined
state.done = true
