/**
 * `npm run bench`: the benchmark (bench/suite.ts) on Node. Node's part: the platform line (Node version, CPU model
 * and cores), memory from `process.memoryUsage()`, gc through `--expose-gc` set at run time, and the memory loop's
 * length from BENCH_MEMORY_N (default 100,000).
 *
 * The bundle leaves node-forge external (package.json's bench script): it requires Node built-ins at run time.
 */
// The Reflect metadata polyfill comes first in suite.ts, before @peculiar/x509 (a bare import of it here would be
// dropped from the bundle: the package is "sideEffects": false).
import { cpus } from 'node:os'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { runBench } from './suite.ts'

function collectGarbage(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc')
    return runInNewContext('gc') as () => void
  } catch {
    return undefined
  }
}

const cpu = cpus()
const gc = collectGarbage()
await runBench({
  log: (line) => console.log(line),
  platform: `Node ${process.version}, ${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} cores)`,
  memory: () => process.memoryUsage(),
  ...(gc ? { gc } : {}),
  ...(process.env.BENCH_MEMORY_N ? { memoryN: Number(process.env.BENCH_MEMORY_N) } : {}),
})
