/** What the Chromium page (entry.ts) publishes on `globalThis.__conformance` for chromium.test.ts to read. */
export interface CaseResult {
  suite: string
  name: string
  ok: boolean
  ms: number
  /** The error's `name: message` and stack, when the case failed. */
  error?: string
}

export interface ConformanceState {
  /** Every suite and case, published before the first case runs, so missing results can be named. */
  manifest: { suite: string; cases: string[] }[]
  results: CaseResult[]
  /** `suite > case` while a case runs. */
  running?: string
  done: boolean
}

/** The HTTP paths the server serves: the test data under `data/`, folder listings (JSON) under `list/`. */
export const DATA_PREFIX = '/data/'
export const LIST_PREFIX = '/list/'
