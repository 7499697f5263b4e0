/**
 * A small timing harness: calibrate each variant, then run all of them interleaved in rounds (one operation at a
 * time, sequential awaits) and keep the median per variant. It reports; it never asserts a timing.
 */

/** One thing to time: an async operation that does one unit of work (one certificate, one key+CSR). */
export interface Variant {
  name: string
  run: () => Promise<unknown>
  /** Operations one `run` performs (for a batch of requests in flight at once); default 1. */
  perRun?: number
}

/** The timing of one variant. */
export interface Timing {
  name: string
  /** Median over the rounds, milliseconds per operation. */
  ms: number
  /** Fastest and slowest round, milliseconds per operation. */
  min: number
  max: number
  /** Runs per round (each of `perRun` operations). */
  iterations: number
  /** Milliseconds per operation in each round, in round order. */
  samples: number[]
}

export interface MeasureOptions {
  rounds?: number
  /** The wall time a round of one variant aims at. */
  roundMs?: number
  /** Warm-up time per variant, also used to choose the iterations per round. */
  warmupMs?: number
  /** The fewest runs per round (default 5); lower it for operations that take a second each. */
  minIterations?: number
  /**
   * Collects garbage before each variant's round, where the runtime allows it: each round then starts from a clean
   * heap and pays for its own garbage only, not for what the variant before it left (a library that allocates
   * heavily otherwise slows whichever variant follows it).
   */
  collect?: () => void
}

async function timeLoop(run: () => Promise<unknown>, iterations: number): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < iterations; i++) await run()
  return performance.now() - start
}

/** Runs `run` for about `ms` milliseconds; returns milliseconds per operation. */
async function warmUp(run: () => Promise<unknown>, ms: number, least: number): Promise<number> {
  let count = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < ms || count < least) {
    await run()
    count++
    elapsed = performance.now() - start
  }
  return elapsed / count
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/**
 * Warms up each variant, then runs `rounds` rounds; in each round every variant runs its iterations in turn.
 *
 * @example
 * const [ours, bare] = await measure([{ name: 'ours', run: () => signCsr(ca, csr) }, bareVariant])
 */
export async function measure(variants: Variant[], o: MeasureOptions = {}): Promise<Timing[]> {
  const rounds = o.rounds ?? 5
  const roundMs = o.roundMs ?? 1000
  const warmupMs = o.warmupMs ?? 400
  const least = o.minIterations ?? 5
  const iterations: number[] = []
  for (const v of variants) {
    const perRun = await warmUp(v.run, warmupMs, Math.min(3, least))
    iterations.push(Math.max(least, Math.round(roundMs / perRun)))
  }
  const samples: number[][] = variants.map(() => [])
  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round so no variant always runs right after the same neighbour.
    for (let k = 0; k < variants.length; k++) {
      const i = (k + r) % variants.length
      const n = iterations[i] as number
      const v = variants[i] as Variant
      o.collect?.()
      const ms = await timeLoop(v.run, n)
      ;(samples[i] as number[]).push(ms / n / (v.perRun ?? 1))
    }
  }
  return variants.map((v, i) => {
    const s = samples[i] as number[]
    return {
      name: v.name,
      ms: median(s),
      min: Math.min(...s),
      max: Math.max(...s),
      iterations: iterations[i] as number,
      samples: s,
    }
  })
}

/**
 * How many times slower `a` is than `b`: the median of the per-round ratios, so that a slow spell of the machine
 * (which hits both variants of a round) cancels out.
 *
 * @example
 * ratio(ours, bare) // 1.21
 */
export function ratio(a: Timing, b: Timing): number {
  return median(a.samples.map((ms, i) => ms / (b.samples[i] as number)))
}

/**
 * Formats rows as a left-aligned first column and right-aligned others.
 *
 * @example
 * console.log(table([['variant', 'ops/s'], ['ours', '1234']]))
 */
export function table(rows: string[][]): string {
  const widths = (rows[0] as string[]).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)))
  return rows
    .map((r) =>
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('  '),
    )
    .join('\n')
}

/** `1234.5` -> `'1235'`, `12.345` -> `'12.3'`. */
export function perSecond(ms: number): string {
  const v = 1000 / ms
  return v >= 100 ? v.toFixed(0) : v.toFixed(1)
}

/** Milliseconds per operation with three significant-ish decimals. */
export function millis(ms: number): string {
  return ms.toFixed(ms >= 10 ? 2 : 3)
}

/** The spread of the rounds around the median, e.g. `±3%`. */
export function spread(t: Timing): string {
  return `±${((100 * (t.max - t.min)) / 2 / t.ms).toFixed(0)}%`
}
