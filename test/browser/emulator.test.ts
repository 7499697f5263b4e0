/**
 * The demo's emulator page and Service Worker (issue 7, last point), in Debian's Chromium through playwright-core:
 * the worker answers the cloud CA routes (NCP, Huawei, XClarity, AWS) inside the browser from the demo's IndexedDB,
 * on a page whose CSP allows `connect-src 'self'` and nothing else, and no API request reaches the server: its log
 * holds the static files only.
 *
 * The demo is built with Vite's JS API into a temporary folder and served on 127.0.0.1 (demo-server.ts). The tests
 * run in order and build on each other (one browser context: one Service Worker, one IndexedDB).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseCertificate, parseCsr } from '../../src/index.ts'
import { buildDemo, type DemoBuild, type StaticServer, serveStatic } from './demo-server.ts'
import { treeNode } from './demo-ui.ts'
import { type LaunchedChromium, launchChromium, watchPage } from './page.ts'

const STEP_TIMEOUT = 120_000
const EMULATOR_HEADER = 'x-pocket-ca-emulator'

let demo: DemoBuild
let site: StaticServer
let chromium: LaunchedChromium
let context: BrowserContext
let page: Page
/** Console errors, uncaught exceptions, crashes, failed requests, CSP violations: each test fails on any. */
const problems: string[] = []
/** Every response the pages of the context got, as `METHOD url` -> answered by the Service Worker. */
const responses: { line: string; fromServiceWorker: boolean }[] = []
/** The CAs made on the page. */
const ids = { root: '', sub: '' }

/** The directives of a CSP, whitespace normalised. */
function directives(policy: string): string[] {
  return policy
    .split(';')
    .map((d) => d.trim().replace(/\s+/g, ' '))
    .filter(Boolean)
}

/** The policy of the CSP <meta> of a built page. */
function builtCsp(file: string): string[] {
  const html = readFileSync(join(demo.dir, file), 'utf8')
  const meta = html.match(/<meta\b[^>]*http-equiv="Content-Security-Policy"[^>]*>/i)?.[0] ?? ''
  return directives(meta.match(/content="([^"]*)"/i)?.[1] ?? '')
}

/** What a fetch() from the page got. */
interface Answer {
  status: number
  type: string
  emulator: string | null
  text: string
}

/** fetch() from the page (the path is relative to the page's folder, the worker's scope). */
function call(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return page.evaluate(
    async ({ path, init, header }): Promise<Answer> => {
      const response = await fetch(new URL(`.${path}`, location.href), init)
      return {
        status: response.status,
        type: response.headers.get('content-type') ?? '',
        emulator: response.headers.get(header),
        text: await response.text(),
      }
    },
    { path, init, header: EMULATOR_HEADER },
  )
}

async function callJson<T>(path: string, init: Parameters<typeof call>[1] = {}): Promise<Answer & { body: T }> {
  const answer = await call(path, init)
  expect(answer.emulator, `${path}: ${EMULATOR_HEADER}`).toBe('service-worker')
  expect(answer.type, `${path}: ${answer.text.slice(0, 200)}`).toMatch(/^application\/(x-amz-)?json/)
  return { ...answer, body: JSON.parse(answer.text) as T }
}

/** The worker controls the page (it claims it on activation; one reload if it did not). */
async function controlled(): Promise<boolean> {
  return page.evaluate(() => navigator.serviceWorker.controller !== null)
}

beforeAll(async () => {
  demo = await buildDemo()
  site = await serveStatic(demo.dir)
  chromium = await launchChromium()
  context = await chromium.browser.newContext()
  context.on('response', (response) =>
    responses.push({
      line: `${response.request().method()} ${response.url()}`,
      fromServiceWorker: response.fromServiceWorker(),
    }),
  )
  await context.exposeBinding('__reportCspViolation', (_source, text: string) => problems.push(`CSP: ${text}`))
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (globalThis as unknown as { __reportCspViolation?: (t: string) => void }).__reportCspViolation
      report?.(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`)
    })
  })
  page = await context.newPage()
  watchPage(page, problems)
}, 180_000)

afterAll(async () => {
  await chromium?.close()
  await site?.close()
  demo?.remove()
})

afterEach(() => {
  const found = problems.splice(0)
  if (found.length > 0) throw new Error(found.join('\n'))
})

describe('the demo build', () => {
  it("has an emulator page with connect-src 'self' and nothing else, while index.html keeps connect-src 'none'", () => {
    for (const file of ['/emulator.html', '/emulator.js', '/emulator.css', '/sw.js', '/index.html']) {
      expect(demo.files).toContain(file)
    }
    const emulator = builtCsp('emulator.html')
    expect(emulator).toContain("default-src 'none'")
    expect(emulator.filter((d) => d.startsWith('connect-src'))).toEqual(["connect-src 'self'"])
    expect(emulator).toContain("worker-src 'self'")
    const sources = emulator.flatMap((d) => d.split(' ').slice(1))
    expect(sources.filter((s) => !["'none'", "'self'", 'data:'].includes(s))).toEqual([])
    expect(builtCsp('index.html')).toContain("connect-src 'none'")
    const html = readFileSync(join(demo.dir, 'emulator.html'), 'utf8')
    expect(html.match(/\b(?:src|href)=["']?(?:https?:)?\/\/[^"' >]+/gi) ?? []).toEqual([])
  })
})

describe('the emulator page', { timeout: STEP_TIMEOUT }, () => {
  it('registers the Service Worker, which takes control of the page', async () => {
    const started = Date.now()
    await page.goto(`${site.origin}/emulator.html`, { waitUntil: 'load' })
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', undefined, { timeout: 60_000 })
    if (!(await controlled())) {
      await page.reload({ waitUntil: 'load' })
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })
    }
    expect(await controlled()).toBe(true)
    const status = page.getByRole('status', { name: 'Service Worker status', exact: true })
    await expect.poll(() => status.textContent()).toMatch(/^Active/)
    const csp = await page.evaluate(
      () => document.querySelector('meta[http-equiv="Content-Security-Policy" i]')?.getAttribute('content') ?? '',
    )
    expect(directives(csp)).toContain("connect-src 'self'")
    expect(context.serviceWorkers().map((w) => new URL(w.url()).pathname)).toEqual(['/sw.js'])
    console.log(`emulator: Service Worker in control after ${Date.now() - started} ms`)
  })

  it('creates a root CA and a pending subordinate CA in the shared IndexedDB, with the library on the page', async () => {
    await page.getByRole('button', { name: 'Create example CAs', exact: true }).click()
    const rows = page.locator('#cas-table tbody tr')
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(2)
    const listed = await rows.evaluateAll((trs) =>
      trs.map((tr) => ({ id: (tr as HTMLElement).dataset.caId ?? '', text: tr.textContent ?? '' })),
    )
    ids.root = listed.find((r) => r.text.includes('Emulator Example Root CA'))?.id ?? ''
    ids.sub = listed.find((r) => r.text.includes('Emulator Example Issuing CA'))?.id ?? ''
    expect(ids.root).toMatch(/^[0-9a-f-]{36}$/)
    expect(ids.sub).toMatch(/^[0-9a-f-]{36}$/)
    expect(listed.find((r) => r.id === ids.sub)?.text).toContain('Pending certificate')
  })

  it('answers NCP, Huawei, XClarity and AWS requests from the Service Worker', async () => {
    const timings: string[] = []
    const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const t = Date.now()
      const result = await run()
      timings.push(`${name} ${Date.now() - t} ms`)
      return result
    }

    // NCP: Get Sub CSR (pending CA), the same with the optional /api/v1 left out, and its error envelope.
    type Ncp<T> = { code: string; msg: string; data: T }
    const csr = await timed('NCP csr', () => callJson<Ncp<{ csrPem: string }>>(`/api/v1/ca/${ids.sub}/sub/csr`))
    expect(csr.status).toBe(200)
    expect(csr.body).toMatchObject({ code: 'SUCCESS', msg: 'Success' })
    expect(csr.body.data.csrPem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/)
    expect(parseCsr(csr.body.data.csrPem).subject.commonName).toBe('Emulator Example Issuing CA')
    const short = await callJson<Ncp<{ csrPem: string }>>(`/ca/${ids.sub}/sub/csr`)
    expect(short.body.data.csrPem).toBe(csr.body.data.csrPem)
    const signed = await callJson<Ncp<unknown>>(`/api/v1/ca/${ids.root}/sub/csr`)
    expect(signed.status).toBe(409)
    expect(signed.body).toMatchObject({ code: 'INVALID_CA_STATE' })

    // NCP: Issue End Cert from the active root.
    type Issued = { certificate: string; privateKey: string; serialNo: string; caChain: string; issuer: string }
    const issued = await timed('NCP issue', () =>
      callJson<Ncp<Issued>>(`/api/v1/ca/${ids.root}/cert`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          keyType: 'EC256',
          period: 30,
          x509Parameters: { commonName: 'emu.example.test', altName: 'emu.example.test', ip: '10.0.0.7' },
        }),
      }),
    )
    expect(issued.status, issued.text).toBe(200)
    expect(issued.body.code).toBe('SUCCESS')
    const cert = parseCertificate(issued.body.data.certificate)
    expect(cert.subject.commonName).toBe('emu.example.test')
    expect(cert.issuer.commonName).toBe('Emulator Example Root CA')
    expect(issued.body.data.privateKey).toMatch(/-----BEGIN PRIVATE KEY-----/)
    expect(issued.body.data.serialNo).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2})*$/)

    // Huawei CCM PCA: the CSR of the CA pending activation, with CRLF line ends; 401 without a token.
    const huawei = await timed('Huawei csr', () =>
      callJson<{ csr: string }>(`/v1/private-certificate-authorities/${ids.sub}/csr`, {
        headers: { 'X-Auth-Token': 'local-token' },
      }),
    )
    expect(huawei.status).toBe(200)
    expect(huawei.body.csr).toContain('-----BEGIN CERTIFICATE REQUEST-----\r\n')
    expect(huawei.body.csr.replaceAll('\r\n', '\n')).toBe(csr.body.data.csrPem.replaceAll('\r\n', '\n'))
    const noToken = await callJson<{ error_code: string }>(`/v1/private-certificate-authorities/${ids.sub}/csr`)
    expect(noToken.status).toBe(401)
    expect(noToken.body.error_code).toMatch(/^PCA\./)

    // XClarity: generate a CSR, then get it with and without details.
    type Made = { response: { path: string }; result: string }
    const made = await timed('XClarity generate', () =>
      callJson<Made>('/certificateSigningRequest', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ CommonName: 'xcc.example.test', Country: 'GB', Organization: 'Example' }),
      }),
    )
    expect(made.status, made.text).toBe(200)
    expect(made.body.result).toBe('success')
    const id = made.body.response.path
    type Got = { response: { CSR: string }; result: string; messages: { id: string }[] }
    const details = await callJson<Got>(`/certificateSigningRequest?path=${encodeURIComponent(id)}&details=true`)
    expect(details.status).toBe(200)
    expect(parseCsr(details.body.response.CSR).subject).toMatchObject({ commonName: 'xcc.example.test', country: 'GB' })
    const bare = await call(`/certificateSigningRequest?path=${encodeURIComponent(id)}`)
    expect(bare).toMatchObject({ status: 200, emulator: 'service-worker' })
    expect(bare.text.trim()).toBe(details.body.response.CSR.trim())
    const unknown = await callJson<{ result: string }>('/certificateSigningRequest?path=nope&details=true')
    expect(unknown.status).toBe(404)

    // AWS Private CA (JSON 1.1 on POST /, the page's own folder URL): ListCertificateAuthorities.
    type Listed = { CertificateAuthorities: { Arn: string; Status: string; Type: string }[] }
    const aws = await timed('AWS list', () =>
      callJson<Listed>('/', {
        method: 'POST',
        headers: {
          'x-amz-target': 'ACMPrivateCA.ListCertificateAuthorities',
          'content-type': 'application/x-amz-json-1.1',
        },
        body: '{}',
      }),
    )
    expect(aws.status, aws.text).toBe(200)
    const arns = aws.body.CertificateAuthorities.map((c) => c.Arn)
    expect(arns.some((a) => a.endsWith(ids.root))).toBe(true)
    expect(arns.some((a) => a.endsWith(ids.sub))).toBe(true)
    console.log(`emulator: ${timings.join(', ')}`)
    // Chromium logs each deliberate error status (409, 401, 404 above) as a console error; nothing else may be.
    const logged = /^console\.error: Failed to load resource: the server responded with a status of (401|404|409)\b/
    expect(problems.splice(0).filter((p) => !logged.test(p))).toEqual([])
  })

  it("answers from the Try a route form, and refuses other origins (connect-src 'self')", async () => {
    await page.getByLabel('Route', { exact: true }).selectOption({ label: 'NCP: Get Sub CSR' })
    await expect.poll(() => page.getByLabel('Path', { exact: true }).inputValue()).toBe(`/api/v1/ca/${ids.sub}/sub/csr`)
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    const status = page.getByRole('status', { name: 'Answer status', exact: true })
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toBe('HTTP 200, answered by the Service Worker')
    expect(await page.locator('#try-answer').textContent()).toContain('"code": "SUCCESS"')
    // Another origin (the same server by another name) is refused by the CSP before any request is made.
    const other = site.origin.replace('127.0.0.1', 'localhost')
    const outcome = await page.evaluate(
      (url) =>
        fetch(url).then(
          () => 'fetched',
          (e: Error) => `refused (${e.name})`,
        ),
      `${other}/api/v1/ca/x/sub/csr`,
    )
    expect(outcome).toBe('refused (TypeError)')
    await expect.poll(() => problems.filter((p) => p.startsWith('CSP: connect-src')).length).toBe(1)
    expect(problems.splice(0).filter((p) => !p.includes(other))).toEqual([])
  })

  it('the CA page (connect-src none) shows the CAs the emulator works on: one IndexedDB', async () => {
    const main = await context.newPage()
    watchPage(main, problems)
    await main.goto(`${site.origin}/index.html`, { waitUntil: 'load' })
    await treeNode(main, 'Emulator Example Root CA', /Active/)
    await treeNode(main, 'Emulator Example Issuing CA', /Pending certificate/)
    await main.close()
  })

  it('sent no API request to the server: only static files were served', () => {
    const api = /\/(api\/v1|ca|v1\/private-certificate-authorities|certificateSigningRequest)\b/
    const isApi = (line: string) => api.test(new URL(line.split(' ')[1] ?? '', site.origin).pathname)
    // The page did make these requests, and the worker answered every one of them.
    const apiResponses = responses.filter((r) => isApi(r.line) || r.line.startsWith('POST '))
    expect(apiResponses.length).toBeGreaterThanOrEqual(12)
    expect(apiResponses.filter((r) => !r.fromServiceWorker)).toEqual([])
    // The server saw GETs of built files only: no API path, no POST (the AWS call is a POST to /).
    expect(site.log.length).toBeGreaterThan(0)
    expect(site.log.filter((l) => !demo.files.some((f) => l === `GET ${f}`))).toEqual([])
    console.log(`emulator: the server saw ${site.log.join(', ')}`)
  })
})
