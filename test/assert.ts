/**
 * A few assertions that run unchanged on Node, in Chromium and on Deno (node:assert does not exist in a browser).
 */

export class AssertionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AssertionError'
  }
}

function show(value: unknown): string {
  if (value instanceof Uint8Array)
    return `Uint8Array[${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('')}]`
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? show(v) : v))
  } catch {
    return String(value)
  }
}

export function ok(value: unknown, message = 'expected a truthy value'): asserts value {
  if (!value) throw new AssertionError(message)
}

export function equal<T>(actual: T, expected: T, message?: string): void {
  if (!Object.is(actual, expected))
    throw new AssertionError(message ?? `expected ${show(expected)}, got ${show(actual)}`)
}

function deepEq(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false
    return a.every((x, i) => x === b[i])
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every((k) => deepEq((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

export function deepEqual(actual: unknown, expected: unknown, message?: string): void {
  if (!deepEq(actual, expected)) throw new AssertionError(message ?? `expected ${show(expected)}, got ${show(actual)}`)
}

export function match(actual: string, pattern: RegExp, message?: string): void {
  if (!pattern.test(actual)) throw new AssertionError(message ?? `expected ${show(actual)} to match ${pattern}`)
}

/** What a thrown error must have: its `code` (PkiError), and optionally any other fields (e.g. `field`). */
export type ErrorShape = { code: string } & Record<string, unknown>

function checkError(error: unknown, shape: ErrorShape, where: string): void {
  if (!(error instanceof Error)) throw new AssertionError(`${where}: threw a non-Error ${show(error)}`)
  for (const [key, value] of Object.entries(shape)) {
    const got = (error as unknown as Record<string, unknown>)[key]
    if (!Object.is(got, value)) {
      throw new AssertionError(
        `${where}: expected ${key} ${show(value)}, got ${show(got)} (${error.name}: ${error.message})`,
      )
    }
  }
}

/** Asserts that `fn` throws an error with the given fields; returns the error. */
export function throws(fn: () => unknown, shape: ErrorShape, where = 'throws'): Error {
  try {
    fn()
  } catch (error) {
    checkError(error, shape, where)
    return error as Error
  }
  throw new AssertionError(`${where}: expected an error with ${show(shape)}, nothing was thrown`)
}

/** Asserts that `fn` (or the promise) rejects with an error with the given fields; returns the error. */
export async function rejects(
  fn: (() => Promise<unknown>) | Promise<unknown>,
  shape: ErrorShape,
  where = 'rejects',
): Promise<Error> {
  try {
    await (typeof fn === 'function' ? fn() : fn)
  } catch (error) {
    checkError(error, shape, where)
    return error as Error
  }
  throw new AssertionError(`${where}: expected a rejection with ${show(shape)}, it resolved`)
}
