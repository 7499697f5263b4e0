/**
 * The browser side of `npm run bench:browser`: bundled by bench/browser.ts (platform browser) and loaded by the page
 * it serves. Runs the benchmark (bench/suite.ts) with console.log as its output, which the script forwards to the
 * terminal, then logs {@link DONE} (or {@link FAILED} and the error). Memory from `performance.memory` (Chromium,
 * exact with --enable-precise-memory-info; there is no RSS in a page), gc from `globalThis.gc`
 * (--js-flags=--expose-gc), the memory loop's length from the page's `?memoryN=` (default 100,000).
 */
// The Reflect metadata polyfill comes first in suite.ts, before @peculiar/x509.
import { DONE, FAILED } from './protocol.ts'
import { type MemorySample, runBench } from './suite.ts'

/** Chromium's non-standard heap reading. */
interface PerformanceMemory {
  usedJSHeapSize: number
}

/** Reads `performance.memory` afresh each time: each read is a snapshot, its numbers never change. */
function memoryReader(): (() => MemorySample) | undefined {
  const read = () => (performance as { memory?: PerformanceMemory }).memory
  return read() ? () => ({ heapUsed: (read() as PerformanceMemory).usedJSHeapSize }) : undefined
}

async function main(): Promise<void> {
  const memory = memoryReader()
  const gc = (globalThis as { gc?: () => void }).gc
  const asked = new URLSearchParams(location.search).get('memoryN')
  try {
    await runBench({
      log: (line) => console.log(line),
      platform: `${navigator.userAgent} (${navigator.hardwareConcurrency} logical cores)`,
      ...(memory ? { memory } : {}),
      ...(gc ? { gc } : {}),
      ...(asked ? { memoryN: Number(asked) } : {}),
    })
    console.log(DONE)
  } catch (error) {
    console.log(`${FAILED} ${(error as Error)?.stack ?? String(error)}`)
  }
}

await main()
