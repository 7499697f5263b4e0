/**
 * The `pocket-ca` command (src/cli.ts), bundled with esbuild and run by `node` as a separate process: `serve` on a
 * file store made here, one route answered over HTTP, stopped with SIGTERM; and its usage errors and exit codes.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CertificateAuthority } from '../../src/ca/types.ts'
import { createSubordinateCa } from '../../src/index.ts'
import { openFileStore } from '../../src/store/file.ts'
import { repoRoot } from './testdata.ts'

const passphrase = 'correct horse battery staple'
let out: string
let cli: string
const stores = mkdtempSync(join(tmpdir(), 'pocket-ca-cli-'))
let dir: string
let pending: CertificateAuthority
const running = new Set<ChildProcess>()

beforeAll(async () => {
  // Inside the checkout, so nothing is written outside it but the store; removed afterwards.
  mkdirSync(join(repoRoot, 'node_modules/.cache'), { recursive: true })
  out = mkdtempSync(join(repoRoot, 'node_modules/.cache/cli-'))
  cli = join(out, 'pocket-ca.mjs')
  await build({
    entryPoints: [join(repoRoot, 'src/cli.ts')],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  })
  dir = join(stores, 'store')
  const store = await openFileStore(dir, { passphrase, iterations: 10_000 })
  pending = await createSubordinateCa({ subject: { commonName: 'CLI Pending CA' }, store })
}, 60_000)

afterAll(() => {
  for (const child of running) child.kill('SIGKILL')
  rmSync(stores, { recursive: true, force: true })
  if (out) rmSync(out, { recursive: true, force: true })
})

interface Run {
  child: ChildProcess
  /** Resolves with the first stdout line. */
  firstLine: Promise<string>
  exit: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>
}

function run(args: string[], env: Record<string, string> = { POCKET_CA_PASSPHRASE: passphrase }): Run {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let stdout = ''
  let stderr = ''
  let onLine: (line: string) => void = () => {}
  const firstLine = new Promise<string>((resolve) => {
    onLine = resolve
  })
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8')
    if (stdout.includes('\n')) onLine(stdout.slice(0, stdout.indexOf('\n')))
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
  })
  const exit = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve) => {
      child.on('close', (code, signal) => {
        running.delete(child)
        onLine('')
        resolve({ code, signal, stdout, stderr })
      })
    },
  )
  return { child, firstLine, exit }
}

describe('pocket-ca serve', () => {
  it('serves the store on 127.0.0.1 (port 0: a free one), answers a route, stops on SIGTERM', async () => {
    const r = run(['serve', '--dir', dir, '--port', '0'])
    const line = await r.firstLine
    const url = /on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)?.[1]
    expect(url, `first line: ${line}`).toBeDefined()
    const response = await fetch(`${url}/api/v1/ca/${pending.id}/sub/csr`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ code: 'SUCCESS', msg: 'Success', data: { csrPem: pending.csr } })
    r.child.kill('SIGTERM')
    const exit = await r.exit
    expect(exit.code).toBe(0)
    expect(exit.stdout).toContain('pocket-ca: stopped')
    expect(exit.stderr).toBe('')
  }, 60_000)

  it('takes --flag=value and --host', async () => {
    const r = run(['serve', `--dir=${dir}`, '--port=0', '--host=127.0.0.1'])
    const url = /on (http:\/\/127\.0\.0\.1:\d+)$/.exec(await r.firstLine)?.[1]
    const response = await fetch(`${url}/v1/private-certificate-authorities/${pending.id}/csr`, {
      headers: { 'X-Auth-Token': 'x' },
    })
    expect(response.status).toBe(200)
    r.child.kill('SIGINT')
    expect((await r.exit).code).toBe(0)
  }, 60_000)

  it.each([
    ['no command', [], 'no command given'],
    ['an unknown command', ['start'], 'unknown command start'],
    ['no --dir', ['serve', '--port', '0'], '--dir is required'],
    ['a bad port', ['serve', '--dir', 'x', '--port', '70000'], '--port must be'],
    ['an unknown flag', ['serve', '--dir', 'x', '--verbose'], 'unknown argument --verbose'],
  ])('exits 2 with the usage for %s', async (_, args, message) => {
    const exit = await run(args).exit
    expect(exit.code).toBe(2)
    expect(exit.stderr).toContain(message)
    expect(exit.stderr).toContain('usage: pocket-ca serve')
  })

  it('exits 2 without POCKET_CA_PASSPHRASE', async () => {
    const exit = await run(['serve', '--dir', dir, '--port', '0'], {}).exit
    expect(exit.code).toBe(2)
    expect(exit.stderr).toContain('POCKET_CA_PASSPHRASE')
  })

  it('exits 1 when the store does not open (wrong passphrase)', async () => {
    const exit = await run(['serve', '--dir', dir, '--port', '0'], { POCKET_CA_PASSPHRASE: 'wrong' }).exit
    expect(exit.code).toBe(1)
    expect(exit.stderr).toContain('could not start')
  }, 60_000)

  it('prints the usage for --help', async () => {
    const exit = await run(['--help']).exit
    expect(exit.code).toBe(0)
    expect(exit.stdout).toContain('usage: pocket-ca serve --dir')
  })
})
