#!/usr/bin/env node
/**
 * The `pocket-ca` command (package.json "bin"): serves the cloud private-CA APIs (createPrivateCaHandler) from a
 * file store, on 127.0.0.1 unless told otherwise.
 *
 *   POCKET_CA_PASSPHRASE=... pocket-ca serve --dir ./ca [--port 8443] [--host 127.0.0.1]
 *
 * The passphrase comes from the environment only (a command-line argument would show in `ps`). `--port 0` picks a
 * free port; the first line on stdout says where it listens. SIGINT / SIGTERM stop it. Exit codes: 0 stopped, 1 could
 * not start (wrong passphrase, port taken), 2 bad usage.
 */
import { createPrivateCaHandler } from './compat/handler.ts'
import { servePrivateCa } from './compat/node.ts'
import { openFileStore } from './store/file.ts'

/** The parts of Node's `process` used, typed here: the package is built without Node's types. */
interface Process {
  argv: string[]
  env: Record<string, string | undefined>
  exitCode?: number
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
  once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown
}

const USAGE = `usage: pocket-ca serve --dir <store directory> [--port 8443] [--host 127.0.0.1]

Serves the NCP, Huawei CCM PCA, Lenovo XClarity and AWS Private CA APIs from the file store in <store directory>
(created if missing). The store passphrase is read from the environment variable POCKET_CA_PASSPHRASE.
No credentials are checked: keep the default host, 127.0.0.1, unless you know who can reach the port.
`

interface ServeArgs {
  dir: string
  port: number
  host: string
}

class UsageError extends Error {}

/** Reads `serve --dir D [--port N] [--host H]`, each as `--flag value` or `--flag=value`. */
function parseArgs(args: readonly string[]): ServeArgs | 'help' {
  if (args.includes('--help') || args.includes('-h') || args[0] === 'help') return 'help'
  const [command, ...rest] = args
  if (command !== 'serve') throw new UsageError(command ? `unknown command ${command}` : 'no command given')
  const values: Record<string, string> = {}
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string
    const match = /^--(dir|port|host)(?:=(.*))?$/.exec(arg)
    if (!match) throw new UsageError(`unknown argument ${arg}`)
    const name = match[1] as string
    const value = match[2] ?? rest[++i]
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`)
    if (name in values) throw new UsageError(`--${name} given twice`)
    values[name] = value
  }
  if (!values.dir) throw new UsageError('--dir is required')
  const port = values.port === undefined ? 8443 : Number(values.port)
  if (!/^\d+$/.test(values.port ?? '8443') || !(port >= 0 && port <= 65535)) {
    throw new UsageError('--port must be a number 0..65535')
  }
  return { dir: values.dir, port, host: values.host ?? '127.0.0.1' }
}

const LOCAL = new Set(['127.0.0.1', 'localhost', '::1'])

async function main(proc: Process): Promise<void> {
  let args: ServeArgs | 'help'
  try {
    args = parseArgs(proc.argv.slice(2))
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    proc.stderr.write(`pocket-ca: ${e.message}\n\n${USAGE}`)
    proc.exitCode = 2
    return
  }
  if (args === 'help') {
    proc.stdout.write(USAGE)
    return
  }
  const passphrase = proc.env.POCKET_CA_PASSPHRASE
  if (!passphrase) {
    proc.stderr.write('pocket-ca: set POCKET_CA_PASSPHRASE to the passphrase of the store\n')
    proc.exitCode = 2
    return
  }
  try {
    const store = await openFileStore(args.dir, { passphrase })
    const server = await servePrivateCa({
      handler: createPrivateCaHandler({ store }),
      host: args.host,
      port: args.port,
    })
    proc.stdout.write(`pocket-ca: serving ${args.dir} on ${server.url}\n`)
    if (!LOCAL.has(args.host)) {
      proc.stderr.write(`pocket-ca: warning: listening on ${args.host}; the emulated APIs check no credentials\n`)
    }
    const stop = () => {
      void server.close().then(() => proc.stdout.write('pocket-ca: stopped\n'))
    }
    proc.once('SIGINT', stop)
    proc.once('SIGTERM', stop)
  } catch (e) {
    proc.stderr.write(`pocket-ca: could not start: ${e instanceof Error ? e.message : String(e)}\n`)
    proc.exitCode = 1
  }
}

await main((globalThis as unknown as { process: Process }).process)
