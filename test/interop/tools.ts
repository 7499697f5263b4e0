/**
 * Shared helpers for the interop tests that hand our output to external tools (OpenSSL, GnuTLS certtool, NSS,
 * dumpasn1): a temporary folder per test file, and running a tool without a shell. A tool that cannot be started at
 * all (missing from the system) fails the test rather than skipping it.
 */
import { execFile, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodePem } from '../../src/index.ts'

/** How long one tool run may take. */
export const TOOL_TIMEOUT = 60_000

export interface ToolResult {
  status: number | null
  stdout: string
  stderr: string
  /** stdout and stderr together (OpenSSL and vfychain print their verdicts on stderr). */
  all: string
}

/** Runs an external tool synchronously, without a shell; throws only if it cannot be started. */
export function tool(command: string, args: string[], o: { input?: string } = {}): ToolResult {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: TOOL_TIMEOUT, input: o.input ?? '' })
  if (r.error) throw r.error
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, all: `${r.stdout}\n${r.stderr}` }
}

/** Runs a tool that must succeed (exit 0) and returns its result. */
export function mustRun(command: string, args: string[]): ToolResult {
  const r = tool(command, args)
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}:\n${r.all}`)
  return r
}

/**
 * Runs a tool asynchronously, so that this process keeps serving while it runs (a TLS server under test lives in
 * the same event loop as the `openssl s_client` talking to it). Its stdin gets `input` and is then closed.
 */
export function toolAsync(command: string, args: string[], o: { input?: string } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { encoding: 'utf8', timeout: TOOL_TIMEOUT }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code
      // A non-zero exit is a result; failing to start (ENOENT) or being killed by the timeout is an error.
      if (error && typeof code !== 'number') return reject(error)
      resolve({ status: error ? (code as number) : 0, stdout, stderr, all: `${stdout}\n${stderr}` })
    })
    child.stdin?.end(o.input ?? '')
  })
}

/** A temporary folder for one test file's inputs and outputs. */
export interface TempDir {
  path: string
  /** Writes `data` to a new file (a unique name built from `name`) and returns its path. */
  file(name: string, data: string | Uint8Array): string
  /** A new, unique path for a tool to write to. */
  out(name: string): string
  /** A new, empty sub-folder (e.g. an NSS database). */
  subdir(name: string): string
  remove(): void
}

/** Makes a temporary folder; call `remove()` in `afterAll`. */
export function makeTempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `pocket-ca-${prefix}-`))
  let count = 0
  const out = (name: string) => join(path, `${count++}-${name}`)
  return {
    path,
    out,
    file(name, data) {
      const p = out(name)
      writeFileSync(p, data)
      return p
    },
    subdir(name) {
      const p = out(name)
      mkdirSync(p)
      return p
    },
    remove() {
      rmSync(path, { recursive: true, force: true })
    },
  }
}

/** The DER of the one `label` block in a PEM text. */
export function pemDer(pem: string, label: string): Uint8Array {
  const blocks = decodePem(pem, { label })
  if (blocks.length !== 1 || !blocks[0]) throw new Error(`expected one ${label}, found ${blocks.length}`)
  return blocks[0].der
}

/** The DER of the one certificate in a PEM text. */
export function certificateDer(pem: string): Uint8Array {
  return pemDer(pem, 'CERTIFICATE')
}
