/**
 * A runner-agnostic test registry: the conformance suites are written once against this and run by three thin
 * adapters (vitest on Node, Playwright in Chromium, `deno test`), so the same test bodies run on every runtime.
 */
import type { CaStore } from '../src/store/types.ts'

/** What a runtime adapter gives each test. */
export interface Env {
  runtime: 'node' | 'chromium' | 'deno'
  /** Reads a file of `../shared/testdata/` (path relative to that folder) as text. */
  readText(path: string): Promise<string>
  /** Lists the file names (not paths) in a folder of `../shared/testdata/`. */
  listFiles(folder: string): Promise<string[]>
  /**
   * Opens a fresh, empty store of this runtime's persistent back end (IndexedDB in Chromium, the file store on
   * Node and Deno), for the CaStore contract suite.
   */
  openStore(): Promise<CaStore>
}

export type TestFn = (env: Env) => Promise<void> | void

export interface TestCase {
  name: string
  fn: TestFn
}

export interface Suite {
  name: string
  cases: TestCase[]
}

/**
 * Declares a suite.
 *
 * @example
 * export default suite('pem', (test) => {
 *   test('round-trips', () => { equal(1, 1) })
 * })
 */
export function suite(name: string, define: (test: (name: string, fn: TestFn) => void) => void): Suite {
  const cases: TestCase[] = []
  define((caseName, fn) => {
    if (cases.some((c) => c.name === caseName)) throw new Error(`duplicate test name in ${name}: ${caseName}`)
    cases.push({ name: caseName, fn })
  })
  return { name, cases }
}
