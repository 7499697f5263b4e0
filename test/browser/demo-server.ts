/**
 * The demo page as the e2e tests see it (test/browser/demo.test.ts): built once per run with Vite's JS API into a
 * temporary folder (the repository's demo-dist/ is never touched), and served by a tiny static server on 127.0.0.1
 * that logs every request it gets.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, relative, resolve, sep } from 'node:path'
import { build } from 'vite'
import { repoRoot } from '../node/testdata.ts'

/** A build of demo/ in a temporary folder. */
export interface DemoBuild {
  /** The folder holding index.html and the other built files. */
  dir: string
  /** Every built file, as URL paths (`/index.html`, `/assets/x.js`). */
  files: string[]
  remove(): void
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? listFiles(path, base) : [`/${relative(base, path).split(sep).join('/')}`]
  })
}

/**
 * Builds demo/ with the repository's vite.config.ts into a new temporary folder.
 *
 * @example
 * const demo = await buildDemo()
 * try { ... } finally { demo.remove() }
 */
export async function buildDemo(): Promise<DemoBuild> {
  const dir = mkdtempSync(join(tmpdir(), 'pocket-ca-demo-build-'))
  try {
    await build({
      configFile: join(repoRoot, 'vite.config.ts'),
      build: { outDir: dir, emptyOutDir: true },
      logLevel: 'warn',
    })
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`vite build of demo/ failed: ${(error as Error).message}`, { cause: error })
  }
  return { dir, files: listFiles(dir), remove: () => rmSync(dir, { recursive: true, force: true }) }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
}

/** A static server of a folder, with the log of what it was asked for. */
export interface StaticServer {
  server: Server
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  origin: string
  /** Every request received, as `METHOD /path` (with the query), in order. */
  log: string[]
  close(): Promise<void>
}

/**
 * Serves `dir` on 127.0.0.1 (a free port): GET/HEAD of its files, `/` as index.html, 404 for anything else. The files
 * may be cached for an hour (the offline test loads the page once, then again without a network).
 *
 * @example
 * const site = await serveStatic(demo.dir)
 * await page.goto(`${site.origin}/`)
 */
export function serveStatic(dir: string): Promise<StaticServer> {
  const root = resolve(dir)
  const log: string[] = []
  const server = createServer(async (request, response) => {
    log.push(`${request.method} ${request.url}`)
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const path = resolve(root, `.${decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)}`)
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !path.startsWith(root + sep)) {
      response.writeHead(405, { 'content-type': 'text/plain' })
      return response.end('not allowed')
    }
    try {
      const body = await readFile(path)
      response.writeHead(200, {
        'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
        'cache-control': 'max-age=3600',
      })
      response.end(request.method === 'HEAD' ? undefined : body)
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' })
      response.end(`not found: ${url.pathname}`)
    }
  })
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolvePromise({
        server,
        origin: `http://127.0.0.1:${port}`,
        log,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
  })
}
