/**
 * Where the shared test data lives, for every Node-side test (conformance adapter, interop tests):
 * `$PKI_TESTDATA` if set, else `<repo root>/../shared/testdata`. The data is read from there, never copied
 * into the project (DESIGN.md).
 */
import { existsSync, statSync } from 'node:fs'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openFileStore } from '../../src/index.ts'
import { checkDataPath } from '../env.ts'
import type { Env } from '../harness.ts'

/** The repository root (this file is `<root>/test/node/testdata.ts`). */
export const repoRoot: string = resolve(fileURLToPath(new URL('../..', import.meta.url)))

/** The test-data folder; throws a clear error if it is missing (tests must fail, never skip, without their data). */
export function testdataDir(): string {
  const fromEnv = process.env.PKI_TESTDATA
  const dir = resolve(fromEnv || join(repoRoot, '..', 'shared', 'testdata'))
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(
      `test data folder not found: ${dir} (${fromEnv ? 'from PKI_TESTDATA' : 'default <repo>/../shared/testdata'}); ` +
        'set PKI_TESTDATA to the folder holding pkits/, wycheproof/, pyca-csr/ and boringssl-parse/',
    )
  }
  return dir
}

/** Absolute path of a file of the test-data folder (`path` relative to it, e.g. `pkits/pkits-subset.json`). */
export function testdataPath(path: string): string {
  return join(testdataDir(), checkDataPath(path))
}

/** Reads a test-data file as text. */
export function readTestdata(path: string): Promise<string> {
  return readFile(testdataPath(path), 'utf8')
}

/** Lists the file names (not paths, not folders) of a test-data folder, sorted. */
export async function listTestdata(folder: string): Promise<string[]> {
  const entries = await readdir(testdataPath(folder), { withFileTypes: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort()
}

/** The conformance `Env` for Node. */
export function nodeEnv(storeRoot: string): Env {
  testdataDir()
  return {
    runtime: 'node',
    readText: readTestdata,
    listFiles: listTestdata,
    // A fresh file store per call, in `storeRoot` (which the caller removes); 1000 PBKDF2 iterations keep it quick.
    openStore: async () =>
      openFileStore(await mkdtemp(join(storeRoot, 'store-')), { passphrase: 'conformance', iterations: 10_000 }),
  }
}
