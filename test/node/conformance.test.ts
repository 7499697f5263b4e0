/** Runs the conformance suites (test/conformance/index.ts) on Node under vitest: one `describe` per suite. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, it } from 'vitest'
import { suites } from '../conformance/index.ts'
import { nodeEnv } from './testdata.ts'

// Throws (failing this file with the reason) if the test-data folder is missing.
const storeRoot = mkdtempSync(join(tmpdir(), 'pocket-ca-conformance-'))
afterAll(() => rmSync(storeRoot, { recursive: true, force: true }))
const env = nodeEnv(storeRoot)

for (const s of suites) {
  describe(s.name, () => {
    for (const c of s.cases) it(c.name, () => c.fn(env))
  })
}
