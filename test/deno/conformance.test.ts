/**
 * Runs the conformance suites (test/conformance/index.ts) on Deno: one `Deno.test` per case, named `suite > case`.
 *
 *   deno test --allow-read --allow-env --no-prompt test/deno/
 *
 * npm packages imported by src/ resolve from node_modules (deno.json: "nodeModulesDir": "manual"), so this runs
 * offline after `npm ci`. Type-checked with deno.json's libs (deno.window + dom). tsconfig.json excludes this folder:
 * tsc has no Deno types.
 */
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openFileStore } from '../../src/index.ts'
import { suites } from '../conformance/index.ts'
import { CASE_TIMEOUT_MS, checkDataPath, withTimeout } from '../env.ts'
import type { Env } from '../harness.ts'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const fromEnv = Deno.env.get('PKI_TESTDATA')
const dataDir = resolve(fromEnv || join(repoRoot, '..', 'shared', 'testdata'))

try {
  if (!(await Deno.stat(dataDir)).isDirectory) throw new Error('not a directory')
} catch (error) {
  throw new Error(
    `test data folder not found: ${dataDir} ` +
      `(${fromEnv ? 'from PKI_TESTDATA' : 'default <repo>/../shared/testdata'}: ${(error as Error).message}); ` +
      'set PKI_TESTDATA to the folder holding pkits/, wycheproof/, pyca-csr/ and boringssl-parse/',
  )
}

const storeRoot = await Deno.makeTempDir({ prefix: 'pocket-ca-conformance-' })

const env: Env = {
  runtime: 'deno',
  readText: (path) => Deno.readTextFile(join(dataDir, checkDataPath(path))),
  listFiles: async (folder) => {
    const names: string[] = []
    for await (const entry of Deno.readDir(join(dataDir, checkDataPath(folder)))) {
      if (entry.isFile) names.push(entry.name)
    }
    return names.sort()
  },
  // A fresh file store per call (removed by the last test below); 1000 PBKDF2 iterations keep it quick.
  openStore: async () =>
    openFileStore(await Deno.makeTempDir({ dir: storeRoot, prefix: 'store-' }), {
      passphrase: 'conformance',
      iterations: 10_000,
    }),
}

for (const s of suites) {
  for (const c of s.cases) {
    const name = `${s.name} > ${c.name}`
    Deno.test(name, () => withTimeout(() => c.fn(env), CASE_TIMEOUT_MS, name))
  }
}

Deno.test('remove the conformance stores', () => Deno.remove(storeRoot, { recursive: true }))
