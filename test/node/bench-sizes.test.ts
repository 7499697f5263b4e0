/**
 * `npm run bench:sizes` (bench/sizes.ts) keeps working and keeps its point: each job module bundles, runs and passes
 * pocket-ca's checks of its output (the script exits non-zero otherwise), and for both jobs pocket-ca's bundle is
 * the smallest of the five libraries. Sizes are deterministic for a given lockfile; no timing is involved.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot } from './testdata.ts'

mkdirSync(join(repoRoot, 'node_modules/.cache'), { recursive: true })
const out = mkdtempSync(join(repoRoot, 'node_modules/.cache/bench-sizes-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

const LIBRARIES = ['pocket-ca', '@peculiar/x509', 'pkijs + asn1js', 'node-forge', 'jsrsasign']
const JOBS = ['keygen + CSR', 'CA issuance path']

describe('npm run bench:sizes', () => {
  it('every job bundles and works, and pocket-ca is the smallest for both jobs', async () => {
    const script = join(out, 'sizes.mjs')
    // As the npm script builds it.
    await build({
      entryPoints: [join(repoRoot, 'bench/sizes.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: script,
      logLevel: 'warning',
    })
    // Throws (and fails the test) when the script exits non-zero: a job that failed to bundle, run or check.
    const stdout = execFileSync(process.execPath, [script], { cwd: repoRoot, encoding: 'utf8' })
    const rows = new Map<string, number>()
    for (const line of stdout.split('\n')) {
      const library = LIBRARIES.find((l) => line.startsWith(`${l} `))
      const job = JOBS.find((j) => line.includes(` ${j} `))
      const sizes = /\s([\d,]+)\s+([\d,]+)\s+[\d.]+x\s+yes/.exec(line)
      if (library && job && sizes) rows.set(`${library} / ${job}`, Number((sizes[2] as string).replaceAll(',', '')))
    }
    expect(rows.size, stdout).toBe(LIBRARIES.length * JOBS.length)
    for (const job of JOBS) {
      const ours = rows.get(`pocket-ca / ${job}`) as number
      for (const library of LIBRARIES.slice(1)) {
        expect(ours, `${job}: pocket-ca vs ${library}`).toBeLessThan(rows.get(`${library} / ${job}`) as number)
      }
    }
  }, 120_000)
})
