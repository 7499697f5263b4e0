/**
 * The demo page end to end (issue 6), in Debian's Chromium through playwright-core: a new user clicks through
 * items 1-9 of the issue, every file the page downloads is checked by OpenSSL, the page is reloaded in the middle,
 * the network is watched (nothing but the page's own static files), the page works offline and from file://, and
 * the run writes screenshots of the main screens to docs/screenshots/.
 *
 * The page is built once per run with Vite's JS API into a temporary folder (demo-dist/ is not touched) and served
 * by a static server on 127.0.0.1 (demo-server.ts). Everything is found the way the UI contract
 * (/work/notes/demo-contract.md) names it: roles, labels, button names (demo-ui.ts).
 *
 * The tests of the "new user" block run in order and build on each other (one browser context, one IndexedDB).
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir, type TempDir, type ToolResult, tool } from '../interop/tools.ts'
import { repoRoot } from '../node/testdata.ts'
import { buildDemo, type DemoBuild, type StaticServer, serveStatic } from './demo-server.ts'
import {
  act,
  button,
  download,
  field,
  fillSubject,
  form,
  type Saved,
  type Subject,
  section,
  selectCa,
  shown,
  shownErrors,
  treeNode,
  treeNodes,
} from './demo-ui.ts'
import { type LaunchedChromium, launchChromium, watchPage } from './page.ts'

const DESKTOP = { width: 1280, height: 900 }
const PHONE = { width: 375, height: 812 }
const SCREENSHOTS = join(repoRoot, 'docs', 'screenshots')
/** Per test: RSA key generation and 600,000-iteration PBKDF2 are slow on 2 shared cores. */
const STEP_TIMEOUT = 120_000

let demo: DemoBuild
let site: StaticServer
let chromium: LaunchedChromium
let tmp: TempDir
/** Console errors, uncaught exceptions, crashes, failed requests: each test fails on any. */
const problems: string[] = []
/** Content-Security-Policy violations reported by any page of any context (each test fails on any). */
const cspViolations: string[] = []
/** Every request any page of the contexts made, as `METHOD url`, by context. */
const requests = new Map<BrowserContext, string[]>()
const contexts: BrowserContext[] = []

async function newContext(): Promise<BrowserContext> {
  const context = await chromium.browser.newContext({ viewport: DESKTOP, acceptDownloads: true })
  contexts.push(context)
  const log: string[] = []
  requests.set(context, log)
  context.on('request', (request) => log.push(`${request.method()} ${request.url()}`))
  await context.exposeBinding('__reportCspViolation', (_source, text: string) => cspViolations.push(text))
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (globalThis as unknown as { __reportCspViolation?: (t: string) => void }).__reportCspViolation
      report?.(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} in ${e.sourceFile}:${e.lineNumber}`)
    })
  })
  return context
}

async function newPage(context: BrowserContext, url = `${site.origin}/`): Promise<Page> {
  const page = await context.newPage()
  watchPage(page, problems)
  await page.goto(url, { waitUntil: 'load', timeout: 60_000 })
  await pageReady(page)
  return page
}

/** The script has rendered the forms (the section headings are static HTML). */
async function pageReady(page: Page): Promise<void> {
  try {
    await page.getByRole('button', { name: 'Create root CA', exact: true }).waitFor({ timeout: 30_000 })
  } catch (error) {
    const body =
      (await page
        .locator('main')
        .textContent()
        .catch(() => '')) ?? ''
    throw new Error(
      `the page did not render its forms and tree: ${(error as Error).message.split('\n')[0]}\n` +
        `problems: ${problems.join(' | ') || 'none'}\n<main> text: ${body.replace(/\s+/g, ' ').slice(0, 600)}`,
      { cause: error },
    )
  }
}

/** The requests of a context that are not GETs of the built files on the page's own origin. */
function foreignRequests(context: BrowserContext, allowFile = false): string[] {
  return (requests.get(context) ?? []).filter((line) => {
    const [method, url = ''] = line.split(' ')
    if (url.startsWith('data:') || url.startsWith('blob:')) return false
    if (allowFile && url === pathToFileURL(join(demo.dir, 'index.html')).href) return false
    const parsed = new URL(url)
    const path = parsed.pathname === '/' ? '/index.html' : parsed.pathname
    return parsed.origin !== site.origin || method !== 'GET' || !demo.files.includes(path)
  })
}

beforeAll(async () => {
  tmp = makeTempDir('demo-e2e')
  demo = await buildDemo()
  site = await serveStatic(demo.dir)
  chromium = await launchChromium()
}, 180_000)

afterAll(async () => {
  await chromium?.close()
  await site?.close()
  demo?.remove()
  tmp?.remove()
})

afterEach(() => {
  // The network test's deliberate fetch of /csp-probe is refused and reported; nothing else may be.
  const found = [...problems.splice(0), ...cspViolations.splice(0).map((v) => `CSP violation: ${v}`)].filter(
    (p) => !p.includes('/csp-probe'),
  )
  if (found.length > 0) throw new Error(found.join('\n'))
})

// ---------------------------------------------------------------------------------------------------------------
// OpenSSL

function openssl(args: string[], input?: string): ToolResult {
  return tool('openssl', args, input === undefined ? {} : { input })
}

/** Runs openssl, which must exit 0; returns stdout + stderr. */
function ok(args: string[], input?: string): string {
  const r = openssl(args, input)
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} exited ${r.status}:\n${r.all}`)
  return r.all
}

/** `openssl verify -CAfile root [-untrusted chain] [...] leaf` must say OK. */
function expectVerifies(root: string, leaf: string, o: { untrusted?: string; extra?: string[] } = {}): void {
  const args = ['verify', '-CAfile', root, ...(o.untrusted ? ['-untrusted', o.untrusted] : []), ...(o.extra ?? [])]
  const r = openssl([...args, leaf])
  expect(r.status, r.all).toBe(0)
  expect(r.stdout).toContain(`${leaf}: OK`)
}

const text = (path: string) => readFileSync(path, 'utf8')
const certText = (path: string, inform = 'PEM') => ok(['x509', '-inform', inform, '-in', path, '-noout', '-text'])
const pubkeyOfCert = (path: string) => ok(['x509', '-in', path, '-noout', '-pubkey']).trim()
const pubkeyOfKey = (path: string, pass?: string) =>
  ok(['pkey', '-in', path, '-pubout', ...(pass ? ['-passin', `pass:${pass}`] : [])]).trim()
const fingerprint = (path: string, inform = 'PEM') =>
  ok(['x509', '-inform', inform, '-in', path, '-noout', '-fingerprint', '-sha256']).trim()
const serialHex = (path: string) =>
  ok(['x509', '-in', path, '-noout', '-serial'])
    .trim()
    .replace(/^serial=/, '')
const notAfter = (path: string) =>
  new Date(
    ok(['x509', '-in', path, '-noout', '-enddate'])
      .trim()
      .replace(/^notAfter=/, ''),
  )
const countCerts = (path: string) => (text(path).match(/-----BEGIN CERTIFICATE-----/g) ?? []).length
/** A serial as bare lower-case hex without leading zeros ("7A:3F", "0x7a3f", "007A3F" are all "7a3f"). */
const normSerial = (s: string) =>
  s
    .replace(/^0x/i, '')
    .replace(/[^0-9a-f]/gi, '')
    .toLowerCase()
    .replace(/^0+/, '')
const daysFromNow = (date: Date) => (date.getTime() - Date.now()) / 86_400_000

/** An OpenSSL config for the CA made outside the page (a root, and the extensions of a subordinate CA). */
const OPENSSL_CA_CONFIG = `[req]
distinguished_name = dn
x509_extensions = v3_root
prompt = no
[dn]
O = OpenSSL Demo
CN = OpenSSL Root CA
[v3_root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_sub]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`

// ---------------------------------------------------------------------------------------------------------------
// What a user does on the page

async function createRoot(
  page: Page,
  o: {
    subject: Subject
    keyType?: string
    validity?: string
    pathLen?: string
    permitted?: string
    excluded?: string
    crlUrl?: string
    ocspUrl?: string
    backup?: boolean
    expectErrors?: boolean
  },
): Promise<Locator> {
  const s = await section(page, 'Create a root CA')
  await fillSubject(s, o.subject)
  await field(s, 'Key type').selectOption(o.keyType ?? 'EC256')
  await field(s, 'Validity (days)').fill(o.validity ?? '3650')
  await field(s, 'Path length').fill(o.pathLen ?? '')
  await field(s, 'Permitted DNS subtrees').fill(o.permitted ?? '')
  await field(s, 'Excluded DNS subtrees').fill(o.excluded ?? '')
  await field(s, 'CRL URL').fill(o.crlUrl ?? '')
  await field(s, 'OCSP URL').fill(o.ocspUrl ?? '')
  await field(s, 'Allow encrypted backups').setChecked(o.backup ?? false)
  await act(button(s, 'Create root CA'), s, { expectErrors: o.expectErrors ?? false })
  return s
}

async function createSubordinate(page: Page, subject: Subject, keyType = 'EC256', backup = false): Promise<void> {
  const s = await section(page, 'Create a subordinate CA')
  await fillSubject(s, subject)
  await field(s, 'Key type').selectOption(keyType)
  await field(s, 'Allow encrypted backups').setChecked(backup)
  await act(button(s, 'Create subordinate CA'), s)
}

interface IssueForm {
  ca: string
  keyType: string
  period?: string
  subject: Subject
  profile?: string
  expectErrors?: boolean
}

/** Fills and submits "Issue a certificate"; returns the section and the result region. */
async function issue(page: Page, o: IssueForm): Promise<{ s: Locator; result: Locator }> {
  const s = await section(page, 'Issue a certificate')
  await field(s, 'Issuing CA').selectOption({ label: o.ca })
  await field(s, 'Key type').selectOption(o.keyType)
  await field(s, 'Period (days or MAX)').fill(o.period ?? '365')
  await fillSubject(s, o.subject)
  await field(s, 'Profile').selectOption(o.profile ?? 'tls-server')
  await act(button(s, 'Issue certificate'), s, { expectErrors: o.expectErrors ?? false })
  const result = page.getByRole('region', { name: 'Issued certificate', exact: true })
  if (!o.expectErrors) await expect.poll(() => shown(result)).toContain(o.subject.commonName ?? '')
  return { s, result }
}

/** Selects the option of a select whose value or text is `reason` in any spelling (keyCompromise, Key compromise). */
async function selectReason(select: Locator, reason: string): Promise<void> {
  const squash = (t: string) => t.toLowerCase().replace(/[^a-z]/g, '')
  const options = await select
    .locator('option')
    .evaluateAll((els) => els.map((e) => ({ value: (e as HTMLOptionElement).value, text: e.textContent ?? '' })))
  const match = options.find((o) => squash(o.value) === squash(reason) || squash(o.text) === squash(reason))
  if (!match) throw new Error(`no revocation reason ${reason} among ${JSON.stringify(options)}`)
  await select.selectOption(match.value)
}

async function clipboard(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText())
}

/**
 * Screenshots at desktop and phone width, scrolled to `target` (to the top of the page without one):
 * docs/screenshots/<name>-{desktop,phone}.png.
 */
async function screenshots(page: Page, name: string, target?: Locator): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  for (const [kind, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport)
    if (target) await target.evaluate((el) => el.scrollIntoView({ block: 'start' }))
    else await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${kind}.png`), animations: 'disabled', caret: 'hide' })
    if (kind === 'phone') {
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      expect.soft(width, `${name}: the page scrolls sideways at 375 px`).toBeLessThanOrEqual(PHONE.width)
    }
  }
  await page.setViewportSize(DESKTOP)
}

/** A root (EC256) and a leaf from it, both downloaded and checked by OpenSSL: what "the page works" means below. */
async function rootAndLeaf(page: Page, prefix: string): Promise<{ root: string; leaf: string }> {
  const rootName = `${prefix} Root CA`
  const leafName = `${prefix.toLowerCase()}.demo.test`
  await createRoot(page, { subject: { commonName: rootName } })
  await treeNode(page, rootName, /Active/)
  const details = await selectCa(page, rootName)
  const root = await download(button(details, 'Download certificate (PEM)'), tmp.path)
  await issue(page, { ca: rootName, keyType: 'EC256', period: '30', subject: { commonName: leafName } })
  const result = page.getByRole('region', { name: 'Issued certificate', exact: true })
  const leaf = await download(button(result, 'Download certificate (PEM)'), tmp.path)
  expect(leaf.name).toBe(`${leafName.replaceAll('.', '-')}.pem`)
  expectVerifies(root.path, leaf.path, { extra: ['-verify_hostname', leafName] })
  return { root: root.path, leaf: leaf.path }
}

// ---------------------------------------------------------------------------------------------------------------

describe('the demo build', () => {
  it("is one static page with a Content-Security-Policy of connect-src 'none' and nothing third-party", () => {
    expect(demo.files).toContain('/index.html')
    const html = text(join(demo.dir, 'index.html'))
    const meta = html.match(/<meta\b[^>]*http-equiv=["']?Content-Security-Policy["']?[^>]*>/i)?.[0]
    expect(meta, 'a <meta http-equiv="Content-Security-Policy"> in index.html').toBeDefined()
    const policy = meta?.match(/content=(["'])(.*?)\1/i)?.[2] ?? meta?.match(/content="([^"]*)"/i)?.[1] ?? ''
    const directives = policy
      .split(';')
      .map((d) => d.trim().replace(/\s+/g, ' '))
      .filter(Boolean)
    expect(directives).toContain("connect-src 'none'")
    const sources = directives.flatMap((d) => d.split(' ').slice(1))
    expect(sources.filter((s) => /^(https?:|wss?:|\*|[a-z0-9.-]+\.[a-z]{2,})/i.test(s))).toEqual([])
    expect(html.match(/\b(?:src|href)=["']?(?:https?:)?\/\/[^"' >]+/gi) ?? []).toEqual([])
    const js = demo.files.filter((f) => f.endsWith('.js'))
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1] ?? '')
    const total = [...scripts, ...js.map((f) => text(join(demo.dir, f)))].join('\n')
    console.log(
      `demo build: ${demo.files.join(', ')}; JavaScript ${total.length} bytes, ${gzipSync(total).length} gzipped`,
    )
  })
})

describe('network', { timeout: STEP_TIMEOUT }, () => {
  it('requests nothing but its own static files while a user works, and its CSP refuses connections', async () => {
    const context = await newContext()
    const page = await newPage(context)
    const csp = await page.evaluate(
      () => document.querySelector('meta[http-equiv="Content-Security-Policy" i]')?.getAttribute('content') ?? '',
    )
    expect(csp.split(';').map((d) => d.trim().replace(/\s+/g, ' '))).toContain("connect-src 'none'")
    const { leaf } = await rootAndLeaf(page, 'Net')
    const s = await section(page, 'Inspect and verify')
    await field(s, 'PEM or DER input').fill(text(leaf))
    await act(button(s, 'Inspect'), s)
    await field(s, 'Host name').fill('net.demo.test')
    await act(button(s, 'Verify chain'), s)
    expect(await shown(page.getByRole('status', { name: 'Chain result', exact: true }))).toMatch(/^Chain is valid/)
    // The CSP really applies: even a same-origin fetch is refused before it reaches the server.
    const probe = await page.evaluate(async (url) => {
      const seen: string[] = []
      document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective))
      const outcome = await fetch(url).then(
        () => 'fetched',
        (e: Error) => `refused (${e.name})`,
      )
      await new Promise((r) => setTimeout(r, 200))
      return { outcome, seen }
    }, `${site.origin}/csp-probe`)
    expect(probe.outcome).toBe('refused (TypeError)')
    expect(probe.seen).toContain('connect-src')
    expect(site.log.some((l) => l.includes('csp-probe'))).toBe(false)
    // The probe's own reports are expected; nothing else may have been.
    const isProbe = (t: string) => t.includes('csp-probe')
    expect(problems.filter((p) => !isProbe(p))).toEqual([])
    expect(cspViolations.filter((v) => !isProbe(v))).toEqual([])
    problems.splice(0)
    cspViolations.splice(0)
    requests.set(
      context,
      (requests.get(context) ?? []).filter((r) => !isProbe(r)),
    )
    // The recording works (it saw the page itself), and saw nothing else.
    expect(requests.get(context)).toContain(`GET ${site.origin}/`)
    expect(foreignRequests(context)).toEqual([])
    expect(
      site.log.filter((l) => !/^GET \/(index\.html)?$/.test(l) && !demo.files.some((f) => l === `GET ${f}`)),
    ).toEqual([])
    await context.close()
  })

  it('works offline after the first load: opened again without a network, it creates a root CA and issues', async () => {
    const context = await newContext()
    const page = await newPage(context)
    const served = site.log.length
    await context.setOffline(true)
    // A reload (F5) always asks the server whether the page changed, which no page survives offline without a
    // service worker; opening the page again, as a user without a network does, is answered by the browser's cache.
    await page.goto(`${site.origin}/`, { waitUntil: 'load' })
    await pageReady(page)
    await rootAndLeaf(page, 'Offline')
    expect(site.log.length, 'requests reached the server while offline').toBe(served)
    expect(foreignRequests(context)).toEqual([])
    await context.close()
  })

  it('runs opened as a file (file://) with no CSP violation and no console error', async () => {
    const context = await newContext()
    const url = pathToFileURL(join(demo.dir, 'index.html')).href
    const page = await newPage(context, url)
    await rootAndLeaf(page, 'File')
    expect(foreignRequests(context, true)).toEqual([])
    await context.close()
  })
})

describe('a new user, items 1-9 of the issue', { timeout: STEP_TIMEOUT }, () => {
  let context: BrowserContext
  let page: Page
  const files: Record<string, Saved> = {}
  const dir = () => join(tmp.path, 'user')
  /** Saves a download under a name of ours, checking the page's file name. */
  const save = async (key: string, action: Locator, expectedName: string) => {
    const saved = await download(action, dir())
    expect(saved.name).toBe(expectedName)
    files[key] = saved
    return saved.path
  }
  const path = (key: string) => {
    const saved = files[key]
    if (!saved) throw new Error(`no ${key}: an earlier step failed`)
    return saved.path
  }
  let external: { rootKey: string; rootCert: string; cnf: string } | undefined

  beforeAll(async () => {
    context = await newContext()
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin })
    page = await newPage(context)
  }, 60_000)

  afterAll(async () => {
    await context?.close()
  })

  it('1. creates a root CA (EC384, path length 2, permitted DNS subtree, CRL URL, backups allowed)', async () => {
    expect(await treeNodes(page)).toEqual([])
    await createRoot(page, {
      subject: { commonName: 'Demo Root CA', organization: 'Pocket Demo', country: 'GB' },
      keyType: 'EC384',
      validity: '3650',
      pathLen: '2',
      permitted: 'demo.test',
      crlUrl: 'http://pki.demo.test/root.crl',
      backup: true,
    })
    const node = await treeNode(page, 'Demo Root CA', /Active/)
    expect(node.parent).toBeNull()
    const details = await selectCa(page, 'Demo Root CA')
    const root = await save('root', button(details, 'Download certificate (PEM)'), 'demo-root-ca.pem')
    const der = await save('rootDer', button(details, 'Download certificate (DER)'), 'demo-root-ca.der')
    expect(fingerprint(der, 'DER')).toBe(fingerprint(root))
    const dump = certText(root)
    expect(dump).toContain('NIST CURVE: P-384')
    expect(dump).toMatch(/CA:TRUE, pathlen:2/)
    expect(dump).toMatch(/X509v3 Name Constraints: critical\s+Permitted:\s+DNS:demo\.test/)
    expect(dump).toMatch(/Subject: C ?= ?GB, O ?= ?Pocket Demo, CN ?= ?Demo Root CA/)
    expectVerifies(root, root)
    expect(node.text).toContain(`expires ${notAfter(root).toISOString().slice(0, 10)}`)
    expect(Math.round(daysFromNow(notAfter(root)))).toBe(3650)
  })

  it('2. creates a subordinate CA: pending, its CSR verifies with OpenSSL, signed here by the root it is active', async () => {
    await createSubordinate(page, { commonName: 'Demo Issuing CA', organization: 'Pocket Demo', country: 'GB' })
    const pending = await treeNode(page, 'Demo Issuing CA', /Pending certificate/)
    expect(pending.text).not.toMatch(/expires/)
    const details = await selectCa(page, 'Demo Issuing CA')
    const csr = await save('subCsr', button(details, 'Download CSR'), 'demo-issuing-ca.csr.pem')
    expect(ok(['req', '-in', csr, '-noout', '-verify'])).toContain('verify OK')
    expect(ok(['req', '-in', csr, '-noout', '-subject'])).toMatch(/CN ?= ?Demo Issuing CA/)
    await button(details, 'Copy CSR').click()
    await expect.poll(() => clipboard(page)).toBe(text(csr))

    const signHere = form(details, 'Sign here')
    await field(signHere, 'Parent CA').selectOption({ label: 'Demo Root CA' })
    await field(signHere, 'Validity (days or MAX)').fill('1825')
    await field(signHere, 'Path length').fill('0')
    await act(button(signHere, 'Sign and import'), details)

    const active = await treeNode(page, 'Demo Issuing CA', /Active/)
    expect(active.parent).toContain('Demo Root CA')
    const after = await selectCa(page, 'Demo Issuing CA')
    await expect.poll(() => button(after, 'Download CSR').count()).toBe(0)
    expect(await button(after, 'Copy CSR').count()).toBe(0)
    expect(await button(after, 'Sign and import').count()).toBe(0)
    expect(await button(after, 'Import certificate').count()).toBe(0)
    const cert = await save('sub', button(after, 'Download certificate (PEM)'), 'demo-issuing-ca.pem')
    await save('subChain', button(after, 'Download chain (PEM)'), 'demo-issuing-ca-chain.pem')
    expectVerifies(path('root'), cert)
    expect(certText(cert)).toMatch(/CA:TRUE, pathlen:0/)
    expect(certText(cert)).toContain('URI:http://pki.demo.test/root.crl') // the root's CRL URL, in what it signs
    expect(pubkeyOfCert(cert)).toBe(ok(['req', '-in', csr, '-noout', '-pubkey']).trim())
    expect(Math.round(daysFromNow(notAfter(cert)))).toBe(1825)
    expect(active.text).toContain(`expires ${notAfter(cert).toISOString().slice(0, 10)}`)
  })

  it('2b. imports a certificate made by an OpenSSL root for a second subordinate CA, with its issuer chain', async () => {
    await createSubordinate(page, { commonName: 'External Issuing CA', organization: 'Pocket Demo' }, 'EC256')
    await treeNode(page, 'External Issuing CA', /Pending certificate/)
    const details = await selectCa(page, 'External Issuing CA')
    const csr = await save('extCsr', button(details, 'Download CSR'), 'external-issuing-ca.csr.pem')
    expect(ok(['req', '-in', csr, '-noout', '-verify'])).toContain('verify OK')

    const cnf = tmp.file('openssl-ca.cnf', OPENSSL_CA_CONFIG)
    const rootKey = tmp.out('openssl-root.key')
    const rootCert = tmp.out('openssl-root.pem')
    ok([
      'req',
      '-x509',
      '-config',
      cnf,
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      rootKey,
      '-out',
      rootCert,
      '-days',
      '3650',
      '-sha256',
    ])
    external = { rootKey, rootCert, cnf }
    const subCert = tmp.out('external-issuing-ca.pem')
    ok([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      rootCert,
      '-CAkey',
      rootKey,
      '-set_serial',
      '0x5a17e0c0ffee',
      '-days',
      '1825',
      '-sha256',
      '-extfile',
      cnf,
      '-extensions',
      'v3_sub',
      '-out',
      subCert,
    ])

    const importForm = form(details, 'Import a signed certificate')
    await field(importForm, 'Signed certificate (PEM)').fill(text(subCert))
    await field(importForm, 'Issuer chain (PEM)').fill(text(rootCert))
    await act(button(importForm, 'Import certificate'), details)

    await treeNode(page, 'External Issuing CA', /Active.*expires \d{4}-\d{2}-\d{2}/)
    const after = await selectCa(page, 'External Issuing CA')
    await expect.poll(() => button(after, 'Download CSR').count()).toBe(0)
    const cert = await save('ext', button(after, 'Download certificate (PEM)'), 'external-issuing-ca.pem')
    expect(fingerprint(cert)).toBe(fingerprint(subCert))
    const chain = await save('extChain', button(after, 'Download chain (PEM)'), 'external-issuing-ca-chain.pem')
    expect(text(chain)).toContain(text(rootCert).trim().split('\n')[1])
  })

  it('8. after a reload the hierarchy is all there: CAs with status and expiry, selectable by keyboard', async () => {
    await page.reload({ waitUntil: 'load' })
    await pageReady(page)
    const root = await treeNode(page, 'Demo Root CA', /Active.*expires \d{4}-\d{2}-\d{2}/)
    const sub = await treeNode(page, 'Demo Issuing CA', /Active.*expires \d{4}-\d{2}-\d{2}/)
    const ext = await treeNode(page, 'External Issuing CA', /Active.*expires \d{4}-\d{2}-\d{2}/)
    expect(root.parent).toBeNull()
    expect(sub.parent).toContain('Demo Root CA')
    expect(ext.parent ?? '').not.toContain('Demo Root CA')
    const item = page
      .getByRole('tree', { name: 'CA hierarchy' })
      .getByRole('treeitem')
      .filter({ hasText: 'External Issuing CA' })
      .last()
    await item.focus()
    await page.keyboard.press('Enter')
    const details = page.getByRole('region', { name: 'CA details', exact: true })
    await expect.poll(() => shown(details.getByRole('heading', { level: 3 }))).toBe('External Issuing CA')
  })

  it('3, 7. issues an EC256 certificate with DNS, e-mail and IP SANs; every download checks out with OpenSSL', async () => {
    const { result } = await issue(page, {
      ca: 'Demo Issuing CA',
      keyType: 'EC256',
      period: '90',
      profile: 'tls-server',
      subject: {
        commonName: 'www.demo.test',
        altNames: 'www.demo.test, demo.test, ops@demo.test',
        ips: '10.0.0.5, 2001:db8::5',
        organization: 'Pocket Demo',
        unit: 'Web',
        locality: 'London',
        state: 'England',
        street: '1 Demo Street',
        country: 'GB',
      },
    })
    const leaf = await save('www', button(result, 'Download certificate (PEM)'), 'www-demo-test.pem')
    const der = await save('wwwDer', button(result, 'Download certificate (DER)'), 'www-demo-test.der')
    const chain = await save('wwwChain', button(result, 'Download chain (PEM)'), 'www-demo-test-chain.pem')
    const full = await save('wwwFull', button(result, 'Download full chain (PEM)'), 'www-demo-test-fullchain.pem')
    const key = await save('wwwKey', button(result, 'Download private key (PEM)'), 'www-demo-test.key.pem')
    await field(result, 'Key passphrase').fill('key pass 1')
    const encKey = await save(
      'wwwEncKey',
      button(result, 'Download encrypted private key'),
      'www-demo-test.key.enc.pem',
    )
    await field(result, 'PKCS#12 passphrase').fill('p12 pass 2')
    const p12 = await save('wwwP12', button(result, 'Download PKCS#12'), 'www-demo-test.p12')

    const serial = serialHex(leaf)
    expect(normSerial(await shown(result))).toContain(normSerial(serial))
    // The certificate: subject, SANs, profile, period; the chain verifies, for the host name and the IP address.
    const dump = certText(leaf)
    for (const part of ['C = GB', 'ST = England', 'L = London', 'street = 1 Demo Street', 'O = Pocket Demo']) {
      expect(dump).toContain(part)
    }
    expect(dump).toMatch(/OU = Web, CN = www\.demo\.test/)
    expect(dump).toContain('DNS:www.demo.test')
    expect(dump).toContain('DNS:demo.test')
    expect(dump).toContain('email:ops@demo.test')
    expect(dump).toContain('IP Address:10.0.0.5')
    expect(dump).toMatch(/IP Address:2001:DB8(:0)*:5\b/i)
    expect(dump).toContain('TLS Web Server Authentication')
    expect(dump).toContain('NIST CURVE: P-256')
    expect(Math.round(daysFromNow(notAfter(leaf)))).toBe(90)
    expectVerifies(path('root'), leaf, { untrusted: chain })
    expectVerifies(path('root'), leaf, { untrusted: chain, extra: ['-verify_hostname', 'www.demo.test'] })
    expectVerifies(path('root'), leaf, {
      untrusted: chain,
      extra: ['-verify_ip', '10.0.0.5', '-purpose', 'sslserver'],
    })
    expectVerifies(path('root'), leaf, { untrusted: full })
    expect(countCerts(full)).toBe(countCerts(chain) + 1)
    expect(fingerprint(full)).toBe(fingerprint(leaf)) // the full chain starts with the leaf
    // DER is the same certificate.
    expect(fingerprint(der, 'DER')).toBe(fingerprint(leaf))
    // The keys: plain PKCS#8, encrypted PKCS#8 (right passphrase only), PKCS#12 with the key and the chain.
    expect(text(key)).toContain('-----BEGIN PRIVATE KEY-----')
    expect(pubkeyOfKey(key)).toBe(pubkeyOfCert(leaf))
    expect(text(encKey)).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----')
    expect(pubkeyOfKey(encKey, 'key pass 1')).toBe(pubkeyOfCert(leaf))
    expect(openssl(['pkey', '-in', encKey, '-passin', 'pass:wrong', '-noout']).status).not.toBe(0)
    const info = ok(['pkcs12', '-in', p12, '-info', '-nodes', '-passin', 'pass:p12 pass 2'])
    expect(info).toContain('-----BEGIN PRIVATE KEY-----')
    expect((info.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length).toBeGreaterThanOrEqual(2)
    expect(info).toMatch(/subject=.*CN ?= ?www\.demo\.test/)
    expect(info).toMatch(/subject=.*CN ?= ?Demo Issuing CA/)
    const p12Key = tmp.out('p12.key.pem')
    ok(['pkcs12', '-in', p12, '-nocerts', '-nodes', '-passin', 'pass:p12 pass 2', '-out', p12Key])
    expect(pubkeyOfKey(p12Key)).toBe(pubkeyOfCert(leaf))
    // Copy buttons.
    await button(result, 'Copy certificate').click()
    await expect.poll(() => clipboard(page)).toBe(text(leaf))
    await button(result, 'Copy private key').click()
    await expect.poll(async () => (await clipboard(page)).trim()).toBe(text(key).trim())
    // The hierarchy shows the certificate under its CA.
    const node = await treeNode(page, 'www.demo.test', /Valid/)
    expect(node.parent).toContain('Demo Issuing CA')
    expect(node.text).toContain(`expires ${notAfter(leaf).toISOString().slice(0, 10)}`)
    await screenshots(page, 'issued', result)
  })

  it('3. issues an RSA2048 certificate from the OpenSSL-signed CA; it verifies against the OpenSSL root', async () => {
    const { result } = await issue(page, {
      ca: 'External Issuing CA',
      keyType: 'RSA2048',
      period: '30',
      profile: 'tls-server-client',
      subject: { commonName: 'rsa.demo.test', altNames: 'rsa.demo.test', ips: '192.0.2.7', country: 'DE' },
    })
    const leaf = await save('rsa', button(result, 'Download certificate (PEM)'), 'rsa-demo-test.pem')
    const chain = await save('rsaChain', button(result, 'Download chain (PEM)'), 'rsa-demo-test-chain.pem')
    await field(result, 'PKCS#12 passphrase').fill('rsa p12')
    const p12 = await save('rsaP12', button(result, 'Download PKCS#12'), 'rsa-demo-test.p12')
    const root = external?.rootCert
    if (!root) throw new Error('no OpenSSL root: step 2b failed')
    const dump = certText(leaf)
    expect(dump).toContain('Public-Key: (2048 bit)')
    expect(dump).toContain('IP Address:192.0.2.7')
    expect(dump).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/)
    expectVerifies(root, leaf, { untrusted: chain, extra: ['-purpose', 'sslserver', '-verify_ip', '192.0.2.7'] })
    expectVerifies(root, leaf, { untrusted: chain, extra: ['-purpose', 'sslclient'] })
    const info = ok(['pkcs12', '-in', p12, '-info', '-nodes', '-passin', 'pass:rsa p12'])
    expect(info).toContain('-----BEGIN PRIVATE KEY-----')
    expect(info).toMatch(/subject=.*CN ?= ?External Issuing CA/)
    await treeNode(page, 'rsa.demo.test', /Valid/)
  })

  it('4. generates a key and CSR only, and signs a CSR made by OpenSSL', async () => {
    const s = await section(page, 'Key and CSR')
    const gen = form(s, 'Generate a key and CSR')
    await field(gen, 'Key type').selectOption('EC256')
    await fillSubject(gen, { commonName: 'device-1.demo.test', altNames: 'device-1.demo.test', country: 'FR' })
    await act(button(gen, 'Generate key and CSR'), gen)
    const generated = page.getByRole('region', { name: 'Generated CSR', exact: true })
    const csr = await save('deviceCsr', button(generated, 'Download CSR'), 'device-1-demo-test.csr.pem')
    const key = await save('deviceKey', button(generated, 'Download private key (PEM)'), 'device-1-demo-test.key.pem')
    expect(ok(['req', '-in', csr, '-noout', '-verify'])).toContain('verify OK')
    expect(ok(['req', '-in', csr, '-noout', '-subject'])).toMatch(/C ?= ?FR, CN ?= ?device-1\.demo\.test/)
    expect(ok(['req', '-in', csr, '-noout', '-pubkey']).trim()).toBe(pubkeyOfKey(key))
    await button(generated, 'Copy CSR').click()
    await expect.poll(() => clipboard(page)).toBe(text(csr))

    const clientKey = tmp.out('client.key')
    const clientCsr = tmp.out('client.csr')
    ok([
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      clientKey,
      '-out',
      clientCsr,
      '-subj',
      '/O=Client Org/CN=client.demo.test',
    ])
    const sign = form(s, 'Sign a CSR')
    await field(sign, 'CSR (PEM)').fill(text(clientCsr))
    await field(sign, 'Issuing CA').selectOption({ label: 'Demo Issuing CA' })
    await field(sign, 'Profile').selectOption('tls-client')
    await field(sign, 'Period (days or MAX)').fill('30')
    await act(button(sign, 'Sign CSR'), sign)
    const signed = page.getByRole('region', { name: 'Signed certificate', exact: true })
    await expect.poll(() => shown(signed)).toContain('client.demo.test')
    const cert = await save('client', button(signed, 'Download certificate (PEM)'), 'client-demo-test.pem')
    const chain = await save('clientChain', button(signed, 'Download chain (PEM)'), 'client-demo-test-chain.pem')
    const full = await save('clientFull', button(signed, 'Download full chain (PEM)'), 'client-demo-test-fullchain.pem')
    expect(pubkeyOfCert(cert)).toBe(pubkeyOfKey(clientKey))
    expect(certText(cert)).toContain('TLS Web Client Authentication')
    expect(certText(cert)).not.toContain('TLS Web Server Authentication')
    expect(Math.round(daysFromNow(notAfter(cert)))).toBe(30)
    expectVerifies(path('root'), cert, { untrusted: chain, extra: ['-purpose', 'sslclient'] })
    expectVerifies(path('root'), cert, { untrusted: full })
    await button(signed, 'Copy certificate').click()
    await expect.poll(() => clipboard(page)).toBe(text(cert))
    await treeNode(page, 'client.demo.test', /Valid/)
  })

  it('5. inspects certificates (PEM, DER file, CSR) and verifies chains, with the reason when one fails', async () => {
    const s = await section(page, 'Inspect and verify')
    const input = field(s, 'PEM or DER input')
    const decoded = page.getByRole('region', { name: 'Decoded', exact: true })
    const chainResult = page.getByRole('status', { name: 'Chain result', exact: true })
    const verify = async (host: string, roots = '') => {
      await field(s, 'Extra trusted roots (PEM)').fill(roots)
      await field(s, 'Host name').fill(host)
      await act(button(s, 'Verify chain'), s, { expectErrors: true })
      return await shown(chainResult)
    }

    await input.fill(text(path('www')))
    await act(button(s, 'Inspect'), s)
    await expect.poll(() => shown(decoded)).toContain('www.demo.test')
    const decodedText = await shown(decoded)
    expect(decodedText).toContain('Demo Issuing CA')
    expect(normSerial(decodedText)).toContain(normSerial(serialHex(path('www'))))
    expect(await verify('www.demo.test')).toMatch(/^Chain is valid/)
    // From "Host name" down: the verify button, the chain result and the decoded certificate.
    await screenshots(page, 'inspect', s.getByText('Host name', { exact: true }))
    expect(await verify('wrong.demo.test')).toMatch(/^Chain is not valid: name_mismatch/)

    // A DER file opened with the file input.
    await input.fill('')
    await field(s, 'Open a file').setInputFiles(path('wwwDer'))
    await expect.poll(() => input.inputValue()).toContain('-----BEGIN CERTIFICATE-----')
    await act(button(s, 'Inspect'), s)
    await expect.poll(() => shown(decoded)).toContain('www.demo.test')

    // The RSA leaf chains to the OpenSSL root, which is not a CA of this page until it is given as an extra root.
    await input.fill(text(path('rsa')))
    await act(button(s, 'Inspect'), s)
    await expect.poll(() => shown(decoded)).toContain('rsa.demo.test')
    expect(await verify('rsa.demo.test')).toMatch(/^Chain is not valid: unknown_authority/)
    expect(await verify('rsa.demo.test', text(external?.rootCert ?? ''))).toMatch(/^Chain is valid/)

    // A CSR.
    await input.fill(text(path('deviceCsr')))
    await act(button(s, 'Inspect'), s)
    await expect.poll(() => shown(decoded)).toContain('device-1.demo.test')
  })

  it('6. revokes a certificate: the CRL verifies and OpenSSL rejects the revoked leaf, not the others', async () => {
    const details = await selectCa(page, 'Demo Issuing CA')
    const table = details.getByRole('table', { name: 'Issued certificates', exact: true })
    const row = table.getByRole('row').filter({ hasText: 'www.demo.test' })
    await expect.poll(() => row.count()).toBe(1)
    const serialCell = await shown(row.getByRole('cell').first())
    expect(normSerial(serialCell)).toBe(normSerial(serialHex(path('www'))))
    await selectReason(row.getByLabel(`Revocation reason for ${serialCell}`, { exact: true }), 'keyCompromise')
    await act(row.getByRole('button', { name: `Revoke ${serialCell}`, exact: true }), details)
    await expect.poll(() => shown(row)).toMatch(/Revoked/)
    expect(await row.getByRole('button', { name: /^Revoke / }).count()).toBe(0)
    const node = await treeNode(page, 'www.demo.test', /Revoked/)
    expect(node.parent).toContain('Demo Issuing CA')
    await treeNode(page, 'client.demo.test', /Valid/)

    const crl = await save('crl', button(details, 'Download CRL'), 'demo-issuing-ca.crl.pem')
    const issuers = tmp.file('issuers.pem', text(path('sub')) + text(path('root')))
    expect(ok(['crl', '-in', crl, '-noout', '-verify', '-CAfile', issuers])).toContain('verify OK')
    const listed = ok(['crl', '-in', crl, '-noout', '-text'])
    expect(listed).toContain(`Serial Number: ${serialHex(path('www'))}`)
    expect(listed).toContain('Key Compromise')
    expect(listed).toMatch(/Issuer: .*CN ?= ?Demo Issuing CA/)
    const revoked = openssl([
      'verify',
      '-crl_check',
      '-CRLfile',
      crl,
      '-CAfile',
      path('root'),
      '-untrusted',
      path('subChain'),
      path('www'),
    ])
    expect(revoked.status, revoked.all).not.toBe(0)
    expect(revoked.all).toContain('certificate revoked')
    expectVerifies(path('root'), path('client'), {
      untrusted: path('subChain'),
      extra: ['-crl_check', '-CRLfile', crl],
    })
  })

  it('errors: Country "XYZ" and a 4000-day period show next to their fields (aria-invalid); a name outside the constraints is refused', async () => {
    const s = await createRoot(page, {
      subject: { commonName: 'Bad Country Root', country: 'XYZ' },
      expectErrors: true,
    })
    const country = field(s, 'Country')
    await expect.poll(() => country.getAttribute('aria-invalid')).toBe('true')
    const describedBy = (await country.getAttribute('aria-describedby')) ?? ''
    const messages = await Promise.all(
      describedBy
        .split(/\s+/)
        .filter(Boolean)
        .map((id) =>
          page.evaluate((i) => {
            const el = document.getElementById(i)
            return el?.classList.contains('field-error') ? (el.textContent ?? '').trim() : null
          }, id),
        ),
    )
    const message = messages.find((m) => m)
    expect(message, `a .field-error that aria-describedby of Country (${describedBy}) points at`).toBeTruthy()
    expect(message).toMatch(/country/i)
    expect(await s.locator('.field-error').first().isVisible()).toBe(true)
    expect(await field(s, 'Common name').getAttribute('aria-invalid')).not.toBe('true')
    expect((await treeNodes(page)).filter((n) => n.text.includes('Bad Country Root'))).toEqual([])

    const { s: issueSection } = await issue(page, {
      ca: 'Demo Issuing CA',
      keyType: 'EC256',
      period: '4000',
      subject: { commonName: 'too-long.demo.test' },
      expectErrors: true,
    })
    const period = field(issueSection, 'Period (days or MAX)')
    await expect.poll(() => period.getAttribute('aria-invalid')).toBe('true')
    expect((await shownErrors(issueSection)).join(' ')).toMatch(/period/i)
    expect((await treeNodes(page)).filter((n) => n.text.includes('too-long.demo.test'))).toEqual([])

    // The root's name constraints (permitted DNS demo.test) bind the CA below it: a name outside is refused.
    const { s: again } = await issue(page, {
      ca: 'Demo Issuing CA',
      keyType: 'EC256',
      period: '30',
      subject: { commonName: 'www.example.org', altNames: 'www.example.org' },
      expectErrors: true,
    })
    expect((await shownErrors(again)).join(' '), 'an error for a name outside the permitted subtree').not.toBe('')
    expect((await treeNodes(page)).filter((n) => n.text.includes('www.example.org'))).toEqual([])
  })

  it('8. disables a CA (the tree says so, it is no longer offered for issuing) and enables it again', async () => {
    let details = await selectCa(page, 'External Issuing CA')
    await act(button(details, 'Disable CA'), details)
    await treeNode(page, 'External Issuing CA', /Disabled/)
    const issuing = field(await section(page, 'Issue a certificate'), 'Issuing CA')
    const offered = async () => (await issuing.locator('option').allInnerTexts()).map((t) => t.trim())
    await expect.poll(offered).not.toContain('External Issuing CA')
    expect(await offered()).toContain('Demo Issuing CA')
    details = await selectCa(page, 'External Issuing CA')
    await act(button(details, 'Enable CA'), details)
    await treeNode(page, 'External Issuing CA', /Active/)
    await expect.poll(offered).toContain('External Issuing CA')
  })

  it('9. backs up a CA to a file and restores it in a fresh browser context; the restored CA issues', async () => {
    const s = await section(page, 'Backup and restore')
    const choices = await field(s, 'CA to back up').locator('option').allInnerTexts()
    expect(choices.map((c) => c.trim())).toContain('Demo Root CA')
    expect(choices.map((c) => c.trim())).not.toContain('Demo Issuing CA') // made without backups allowed
    await field(s, 'CA to back up').selectOption({ label: 'Demo Root CA' })
    await field(s, 'Backup passphrase').fill('correct horse battery staple')
    const backup = await save('backup', button(s, 'Download backup'), 'demo-root-ca.pocket-ca-backup.json')
    const content = text(backup)
    expect(() => JSON.parse(content)).not.toThrow()
    expect(content).not.toContain('PRIVATE KEY')

    const fresh = await newContext()
    try {
      const other = await newPage(fresh)
      expect(await treeNodes(other)).toEqual([])
      const r = await section(other, 'Backup and restore')
      await field(r, 'Backup file').setInputFiles(backup)
      await field(r, 'Restore passphrase').fill('wrong passphrase')
      await act(button(r, 'Restore backup'), r, { expectErrors: true })
      expect((await shownErrors(r)).length, 'a wrong passphrase shows an error').toBeGreaterThan(0)
      expect(await treeNodes(other)).toEqual([])
      await field(r, 'Restore passphrase').fill('correct horse battery staple')
      await act(button(r, 'Restore backup'), r)
      await treeNode(other, 'Demo Root CA', /Active/)
      const details = await selectCa(other, 'Demo Root CA')
      const restored = await download(button(details, 'Download certificate (PEM)'), join(tmp.path, 'fresh'))
      expect(fingerprint(restored.path)).toBe(fingerprint(path('root')))
      const { result } = await issue(other, {
        ca: 'Demo Root CA',
        keyType: 'EC256',
        period: '30',
        subject: { commonName: 'restored.demo.test', altNames: 'restored.demo.test' },
      })
      const leaf = await download(button(result, 'Download certificate (PEM)'), join(tmp.path, 'fresh'))
      expect(leaf.name).toBe('restored-demo-test.pem')
      expectVerifies(path('root'), leaf.path, { extra: ['-verify_hostname', 'restored.demo.test'] })
      expect(foreignRequests(fresh)).toEqual([])
    } finally {
      await fresh.close()
    }
  })

  it('8. after a second reload the certificates are still there; screenshots; only static files were requested', async () => {
    // A second reload: the certificates and their revocation are still there.
    await page.reload({ waitUntil: 'load' })
    await pageReady(page)
    expect((await treeNode(page, 'www.demo.test', /Revoked/)).parent).toContain('Demo Issuing CA')
    expect((await treeNode(page, 'client.demo.test', /Valid/)).parent).toContain('Demo Issuing CA')
    expect((await treeNode(page, 'rsa.demo.test', /Valid/)).parent).toContain('External Issuing CA')
    await selectCa(page, 'Demo Issuing CA')
    await screenshots(page, 'hierarchy') // the page as it opens: header, sections, the tree and a CA's details
    expect(foreignRequests(context)).toEqual([])
  })
})
