/**
 * Small helpers shared by the runtime adapters (Node, Chromium, Deno); runtime-neutral, no imports.
 */

/** How long one conformance case may take before an adapter fails it (RSA 4096 keygen is slow on 2 cores). */
export const CASE_TIMEOUT_MS = 120_000

/**
 * Checks a path handed to `Env.readText` / `Env.listFiles`: relative to the test-data folder, `/`-separated, never
 * leaving it. Throws a TypeError otherwise, so every runtime rejects the same paths.
 */
export function checkDataPath(path: string): string {
  const parts = path.split('/')
  if (path === '' || path.startsWith('/') || path.includes('\\') || parts.some((p) => p === '..' || p === '')) {
    throw new TypeError(`test-data path must be relative, '/'-separated and stay inside the folder: ${path}`)
  }
  return path
}

/** Runs `fn`, failing with a clear message if it does not settle within `ms`; clears its timer either way. */
export async function withTimeout<T>(fn: () => Promise<T> | T, ms: number, label: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: timed out after ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([Promise.resolve().then(fn), timeout])
  } finally {
    clearTimeout(timer)
  }
}
