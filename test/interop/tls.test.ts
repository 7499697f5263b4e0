/**
 * TLS interop (Node only): real handshakes on 127.0.0.1 with certificates from a pocket-ca hierarchy (EC P-256 root,
 * RSA 2048 issuing CA): node:https as server and client, mutual TLS with a tls-client certificate, and
 * `openssl s_client` against our server. Each server listens on port 0 and is closed after its tests.
 */
import { once } from 'node:events'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type CertificateAuthority,
  createRootCa,
  createSubordinateCa,
  getCaCsr,
  type IssuedCertificate,
  importCaCertificate,
  issueCertificate,
  signSubordinateCa,
} from '../../src/index.ts'
import { makeTempDir, type TempDir, toolAsync } from './tools.ts'

const TIMEOUT = 120_000
/** How long one request may take before it is abandoned (a hung handshake fails the test, not the run). */
const REQUEST_TIMEOUT = 10_000
const SERVER_NAME = 'tls.pocket-ca.example'

let tmp: TempDir
let root: CertificateAuthority
let sub: CertificateAuthority
let server: IssuedCertificate
let client: IssuedCertificate
/** A client certificate from a different root, with the same names as ours. */
let strangerClient: IssuedCertificate
let strangerRootPem = ''
let rootPem = ''

function pemOf(ca: CertificateAuthority): string {
  if (!ca.certificate) throw new Error(`CA ${ca.id} has no certificate`)
  return ca.certificate
}

async function hierarchy(name: string): Promise<{ root: CertificateAuthority; sub: CertificateAuthority }> {
  const root = await createRootCa({ subject: { commonName: `${name} Root` }, keyType: 'EC256', pathLen: 1 })
  const pending = await createSubordinateCa({ subject: { commonName: `${name} Issuing CA` }, keyType: 'RSA2048' })
  const certificate = await signSubordinateCa(root, await getCaCsr(pending), { period: 1825 })
  const sub = await importCaCertificate(pending, certificate, pemOf(root))
  return { root, sub }
}

beforeAll(async () => {
  tmp = makeTempDir('tls-interop')
  ;({ root, sub } = await hierarchy('TLS Interop'))
  rootPem = pemOf(root)
  server = await issueCertificate(sub, { profile: 'tls-server', x509Parameters: { commonName: SERVER_NAME } })
  client = await issueCertificate(sub, {
    profile: 'tls-client',
    x509Parameters: { commonName: 'client-1', organization: 'Pocket CA Interop' },
  })
  const stranger = await hierarchy('Stranger')
  strangerRootPem = pemOf(stranger.root)
  strangerClient = await issueCertificate(stranger.sub, {
    profile: 'tls-client',
    x509Parameters: { commonName: 'client-1', organization: 'Pocket CA Interop' },
  })
}, TIMEOUT)

afterAll(() => {
  tmp?.remove()
})

/** What the test servers answer: the client certificate's CN and what the server's TLS stack said about it. */
interface Answer {
  cn: string | null
  authorized: boolean
  authorizationError: string | null
}

/** Starts an https server on 127.0.0.1, port 0, answering 200 and an {@link Answer} as JSON. */
async function startServer(options: https.ServerOptions): Promise<{ server: https.Server; port: number }> {
  const s = https.createServer(options, (req, res) => {
    const socket = req.socket as TLSSocket
    const answer: Answer = {
      // A certificate without a peer is `{}`; a CN repeated in the subject would be an array (not here).
      cn: String(socket.getPeerCertificate()?.subject?.CN ?? '') || null,
      authorized: socket.authorized,
      authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(answer))
  })
  s.listen(0, '127.0.0.1')
  await once(s, 'listening')
  return { server: s, port: (s.address() as AddressInfo).port }
}

async function stopServer(s: https.Server | undefined): Promise<void> {
  if (!s) return
  s.closeAllConnections()
  await new Promise<void>((resolve) => s.close(() => resolve()))
}

/** One GET over a fresh connection (no agent: no session or connection reuse between cases). */
function get(port: number, options: https.RequestOptions): Promise<{ status: number; body: Answer }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, path: '/', method: 'GET', agent: false, ...options },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as Answer }))
        res.on('error', reject)
      },
    )
    req.setTimeout(REQUEST_TIMEOUT, () => req.destroy(new Error('request timed out')))
    req.on('error', reject)
    req.end()
  })
}

const serverTls = (): https.ServerOptions => ({ key: server.privateKey, cert: server.certificate + pemOf(sub) })

describe('node:https server with a pocket-ca tls-server certificate', () => {
  let s: https.Server | undefined
  let port = 0

  beforeAll(async () => {
    ;({ server: s, port } = await startServer(serverTls()))
  })

  afterAll(() => stopServer(s))

  it(
    'a client trusting only our root connects to the right name and gets 200',
    async () => {
      const r = await get(port, { ca: rootPem, servername: SERVER_NAME })
      expect(r).toEqual({ status: 200, body: { cn: null, authorized: false, authorizationError: null } })
    },
    TIMEOUT,
  )

  it(
    'with another host name, the default checkServerIdentity refuses: ERR_TLS_CERT_ALTNAME_INVALID',
    async () => {
      await expect(get(port, { ca: rootPem, servername: 'other.pocket-ca.example' })).rejects.toMatchObject({
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      })
    },
    TIMEOUT,
  )

  it(
    'a client trusting another root refuses the chain',
    async () => {
      await expect(get(port, { ca: strangerRootPem, servername: SERVER_NAME })).rejects.toMatchObject({
        code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      })
    },
    TIMEOUT,
  )

  it(
    'openssl s_client -verify_return_error with our root says "Verify return code: 0 (ok)", not with another root',
    async () => {
      const rootFile = tmp.file('root.pem', rootPem)
      const args = (caFile: string) => [
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-servername',
        SERVER_NAME,
        '-verify_hostname',
        SERVER_NAME,
        '-verify_return_error',
        '-CAfile',
        caFile,
      ]
      // Async: the server answering the handshake runs in this process. stdin is closed, so s_client quits.
      const good = await toolAsync('openssl', args(rootFile))
      expect(good.status, good.all).toBe(0)
      expect(good.stdout).toContain('Verify return code: 0 (ok)')
      expect(good.stdout).toContain(`subject=CN = ${SERVER_NAME}`)
      expect(good.stdout).toContain('issuer=CN = TLS Interop Issuing CA')
      // The server sends the leaf and the issuing CA; s_client shows both at depths 0 and 1.
      expect(good.stdout).toMatch(/ 0 s:CN = tls\.pocket-ca\.example\n\s+i:CN = TLS Interop Issuing CA\n/)
      expect(good.stdout).toMatch(/ 1 s:CN = TLS Interop Issuing CA\n\s+i:CN = TLS Interop Root\n/)

      const bad = await toolAsync('openssl', args(tmp.file('stranger-root.pem', strangerRootPem)))
      expect(bad.status).not.toBe(0)
      expect(bad.all).not.toContain('Verify return code: 0 (ok)')
      expect(bad.all).toContain('unable to get local issuer certificate')
    },
    TIMEOUT,
  )
})

/** Client credentials for the mutual TLS cases. */
const credentials = {
  ours: () => ({ key: client.privateKey, cert: client.certificate + pemOf(sub) }),
  none: () => ({}),
  stranger: () => ({ key: strangerClient.privateKey, cert: strangerClient.certificate + strangerClient.issuer }),
  serverCert: () => ({ key: server.privateKey, cert: server.certificate + pemOf(sub) }),
}

/** The error of a request that must fail. */
async function failure(p: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  const error = await p.then(
    () => null,
    (e: unknown) => e as NodeJS.ErrnoException,
  )
  if (!error) throw new Error('the request succeeded')
  return error
}

describe('mutual TLS: a server that asks for client certificates from our root', () => {
  let strict: https.Server | undefined
  let strictPort = 0
  /** Same, but it lets every client in and reports what it thought of the certificate. */
  let lenient: https.Server | undefined
  let lenientPort = 0

  beforeAll(async () => {
    const mtls = { ...serverTls(), requestCert: true, ca: rootPem }
    ;({ server: strict, port: strictPort } = await startServer({ ...mtls, rejectUnauthorized: true }))
    ;({ server: lenient, port: lenientPort } = await startServer({ ...mtls, rejectUnauthorized: false }))
  })

  afterAll(async () => {
    await stopServer(strict)
    await stopServer(lenient)
  })

  it(
    'accepts our tls-client certificate (sent with its issuing CA) and sees it as authorized',
    async () => {
      const expected = { status: 200, body: { cn: 'client-1', authorized: true, authorizationError: null } }
      const options = { ca: rootPem, servername: SERVER_NAME, ...credentials.ours() }
      expect(await get(strictPort, options)).toEqual(expected)
      expect(await get(lenientPort, options)).toEqual(expected)
    },
    TIMEOUT,
  )

  // Under TLS 1.3 the client finishes its handshake before the server has judged its certificate, so the strict
  // server's refusal reaches the client as an alert or as a closed connection; the lenient server tells why.
  it.each([
    {
      name: 'no certificate',
      creds: credentials.none,
      strictCode: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
      cn: null,
      reason: 'UNABLE_TO_GET_ISSUER_CERT',
    },
    {
      name: 'a tls-client certificate from another root',
      creds: credentials.stranger,
      strictCode: 'ECONNRESET',
      cn: 'client-1',
      reason: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    },
    {
      name: 'our tls-server certificate (no clientAuth)',
      creds: credentials.serverCert,
      strictCode: 'ECONNRESET',
      cn: SERVER_NAME,
      reason: 'INVALID_PURPOSE',
    },
  ])(
    'rejects a client with $name ($reason)',
    async ({ creds, strictCode, cn, reason }) => {
      const options = { ca: rootPem, servername: SERVER_NAME, ...creds() }
      expect((await failure(get(strictPort, options))).code).toBe(strictCode)
      expect(await get(lenientPort, options)).toEqual({
        status: 200,
        body: { cn, authorized: false, authorizationError: reason },
      })
    },
    TIMEOUT,
  )
})
