/** The two console lines by which the benchmark page (bench/page.ts) tells bench/browser.ts that it has finished. */

/** Logged by the page when every table has been printed. */
export const DONE = 'pocket-ca-bench:done'

/** Logged by the page, followed by the error's stack, when the benchmark threw. */
export const FAILED = 'pocket-ca-bench:failed'
