/**
 * The NCP-style Private CA routes (src/compat/ncp.ts) over HTTP, against the Node adapter on 127.0.0.1: Get Sub Csr
 * and Issue End Cert, with and without the /api/v1 prefix, every key type NCP lists, the field limits, and every
 * error status (400, 404, 405, 409, 500) in the {code, msg} envelope. CSRs and certificates are checked with OpenSSL.
 */
import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPrivateCaHandler } from '../../src/compat/handler.ts'
import { MAX_BODY_BYTES } from '../../src/compat/http.ts'
import type { PrivateCaServer } from '../../src/compat/node.ts'
import { parseCertificate } from '../../src/index.ts'
import { makeTempDir } from '../interop/tools.ts'
import {
  failingStore,
  type Hierarchy,
  makeHierarchy,
  opensslVerifyCertificate,
  opensslVerifyCsr,
  serve,
} from './compat-helpers.ts'

const tmp = makeTempDir('compat-ncp')
let h: Hierarchy
let server: PrivateCaServer
let broken: PrivateCaServer

beforeAll(async () => {
  h = await makeHierarchy()
  server = await serve(h.store)
  broken = await serve(failingStore(h.store))
})
afterAll(async () => {
  await server?.close()
  await broken?.close()
  tmp.remove()
})

interface Envelope {
  code: string
  msg: string
  data?: Record<string, string>
}

async function call(
  path: string,
  init: RequestInit = {},
  base = server.url,
): Promise<{ status: number; body: Envelope }> {
  const response = await fetch(`${base}${path}`, init)
  expect(response.headers.get('content-type')).toContain('application/json')
  return { status: response.status, body: (await response.json()) as Envelope }
}

const post = (path: string, body: unknown, base?: string) =>
  call(
    path,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ncp-apigw-timestamp': String(Date.now()) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
    base,
  )

describe('GET /ca/{caTag}/sub/csr', () => {
  it.each(['/api/v1', ''])('answers the CSR of a pending CA (prefix %j), which OpenSSL verifies', async (prefix) => {
    const { status, body } = await call(`${prefix}/ca/${h.pending.id}/sub/csr`)
    expect(status).toBe(200)
    expect(body.code).toBe('SUCCESS')
    expect(body.msg).toBe('Success')
    expect(body.data?.csrPem).toBe(h.pending.csr)
    expect(opensslVerifyCsr(tmp, body.data?.csrPem as string)).toContain('verify OK')
  })

  it.each([
    ['an active subordinate CA', () => h.issuing.id],
    ['a root CA', () => h.root.id],
    ['a disabled CA', () => h.disabled.id],
  ])('refuses %s with 409 (its signature is complete)', async (_, id) => {
    const { status, body } = await call(`/api/v1/ca/${id()}/sub/csr`)
    expect(status).toBe(409)
    expect(body).toMatchObject({ code: 'INVALID_CA_STATE' })
    expect(body.msg).toContain('PENDING_CERTIFICATE')
    expect(body.data).toBeUndefined()
  })

  it.each([
    ['an unknown UUID', '00000000-0000-4000-8000-000000000000'],
    ['a tag that is not one of our ids', 'abcd1234-abcd1234'],
    ['a tag with a path in it', '..%2F..%2Fetc'],
  ])('answers 404 for %s', async (_, tag) => {
    const { status, body } = await call(`/api/v1/ca/${tag}/sub/csr`)
    expect(status).toBe(404)
    expect(body.code).toBe('CA_NOT_FOUND')
  })

  it('answers 405 for another method', async () => {
    const response = await fetch(`${server.url}/api/v1/ca/${h.pending.id}/sub/csr`, { method: 'DELETE' })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET')
    expect(await response.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED' })
  })

  it('answers 500 when the store fails, without its details', async () => {
    const { status, body } = await call(`/api/v1/ca/${h.pending.id}/sub/csr`, {}, broken.url)
    expect(status).toBe(500)
    expect(body.code).toBe('INTERNAL_ERROR')
    expect(body.msg).not.toContain('/secret/path')
  })
})

describe('POST /ca/{caTag}/cert', () => {
  const x509Parameters = {
    commonName: 'api.example.com',
    altName: 'www.example.com, ops@example.com',
    organization: 'Example Ltd',
    organizationUnit: 'Platform',
    locality: 'Seoul',
    stateProvince: 'Gyeonggi-do',
    streetAddress: '1 Example Street',
    country: 'KR',
    ip: '10.0.0.5',
  }

  it('issues a certificate for a new key, in the NCP response shape; OpenSSL verifies it against the root', async () => {
    const { status, body } = await post(`/api/v1/ca/${h.issuing.id}/cert`, {
      keyType: 'EC256',
      period: 30,
      x509Parameters,
    })
    expect(status).toBe(200)
    expect(body.code).toBe('SUCCESS')
    const data = body.data as Record<string, string>
    expect(Object.keys(data).sort()).toEqual(
      ['caChain', 'certificate', 'issuer', 'ocspResponder', 'privateKey', 'serialNo'].sort(),
    )
    expect(data.privateKey).toContain('-----BEGIN PRIVATE KEY-----')
    expect(data.issuer).toBe(h.issuing.certificate)
    expect(data.caChain).toBe(`${h.issuing.certificate}${h.root.certificate}`)
    expect(data.ocspResponder).toBe('')
    expect(data.serialNo).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2})+$/)
    const verdict = opensslVerifyCertificate(
      tmp,
      data.certificate as string,
      h.root.certificate as string,
      data.caChain as string,
    )
    expect(verdict).toContain(': OK')
    const info = parseCertificate(data.certificate as string)
    expect(info.subjectDn).toBe(
      'CN=api.example.com,OU=Platform,O=Example Ltd,STREET=1 Example Street,L=Seoul,ST=Gyeonggi-do,C=KR',
    )
    const days = (Date.parse(info.notAfter) - Date.parse(info.notBefore)) / 86_400_000
    expect(days).toBe(30)
    // Recorded in the CA's registry, as every issuance through the store is.
    const entry = await h.store.getIssued(h.issuing.id, data.serialNo as string)
    expect(entry.status).toBe('ISSUED')
  })

  it.each([
    ['RSA2048 when keyType is absent', undefined, 'RSA2048'],
    ['RSA4096', 'RSA4096', 'RSA4096'],
    ['EC256', 'EC256', 'EC256'],
    ['EC521', 'EC521', 'EC521'],
  ])('makes %s', { timeout: 60_000 }, async (_, keyType, made) => {
    const { status, body } = await post(`/ca/${h.issuing.id}/cert`, {
      ...(keyType ? { keyType } : {}),
      x509Parameters: { commonName: 'k.example' },
    })
    expect(status).toBe(200)
    const cert = body.data?.certificate as string
    expect(opensslVerifyCertificate(tmp, cert, h.root.certificate as string, body.data?.caChain as string)).toContain(
      ': OK',
    )
    expect(parseCertificate(cert).keyType).toBe(made)
  })

  it.each([
    ['"MAX"', 'MAX'],
    ['a string of days', '90'],
    ['a number of days', 3],
  ])('takes period as %s', async (_, period) => {
    const { status, body } = await post(`/ca/${h.issuing.id}/cert`, { period, keyType: 'EC256', x509Parameters })
    expect(status).toBe(200)
    const info = parseCertificate(body.data?.certificate as string)
    if (period === 'MAX') {
      expect(info.notAfter).toBe(parseCertificate(h.issuing.certificate as string).notAfter)
    } else {
      expect((Date.parse(info.notAfter) - Date.parse(info.notBefore)) / 86_400_000).toBe(Number(period))
    }
  })

  const long = (n: number) => 'a'.repeat(n)
  it.each([
    ['a body that is not JSON', '{"x509Parameters":', 'not valid JSON'],
    ['a body that is a JSON array', '[]', 'JSON object'],
    ['no x509Parameters', {}, 'x509Parameters are missing.'],
    ['no commonName', { x509Parameters: { organization: 'x' } }, 'common name is missing.'],
    ['a commonName that is a number', { x509Parameters: { commonName: 42 } }, 'x509Parameters.commonName'],
    ['a commonName of 65 characters', { x509Parameters: { commonName: long(65) } }, 'commonName'],
    [
      'an organization of 65 characters',
      { x509Parameters: { ...x509Parameters, organization: long(65) } },
      'organization',
    ],
    [
      'an organizationUnit of 129',
      { x509Parameters: { ...x509Parameters, organizationUnit: long(129) } },
      'organizationUnit',
    ],
    ['a locality of 129', { x509Parameters: { ...x509Parameters, locality: long(129) } }, 'locality'],
    ['a stateProvince of 129', { x509Parameters: { ...x509Parameters, stateProvince: long(129) } }, 'stateProvince'],
    ['a streetAddress of 129', { x509Parameters: { ...x509Parameters, streetAddress: long(129) } }, 'streetAddress'],
    ['an unassigned country code', { x509Parameters: { ...x509Parameters, country: 'XX' } }, 'country'],
    ['an ip that is no address', { x509Parameters: { ...x509Parameters, ip: '10.0.0.256' } }, 'ip'],
    ['an altName that is no name', { x509Parameters: { ...x509Parameters, altName: 'exa mple.com' } }, 'altName'],
    ['keyType EC384 (not an NCP key type)', { keyType: 'EC384', x509Parameters }, 'keyType'],
    ['keyType Ed25519', { keyType: 'Ed25519', x509Parameters }, 'keyType'],
    ['period 0', { period: 0, x509Parameters }, 'period'],
    ['period 3651', { period: 3651, x509Parameters }, 'period'],
    ['period 1.5', { period: 1.5, x509Parameters }, 'period'],
    ['period "forever"', { period: 'forever', x509Parameters }, 'period'],
    ['a period past the CA certificate', { period: 3650, x509Parameters }, 'period'],
  ])('answers 400 for %s, naming the field', async (_, body, message) => {
    const result = await post(`/api/v1/ca/${h.issuing.id}/cert`, body)
    expect(result.status).toBe(400)
    expect(result.body.code).toBe('INVALID_REQUEST')
    expect(result.body.msg).toContain(message)
  })

  it.each([
    ['a pending CA', () => h.pending.id, 'PENDING_CERTIFICATE'],
    ['a disabled CA', () => h.disabled.id, 'DISABLED'],
  ])('answers 409 for %s', async (_, id, status) => {
    const result = await post(`/api/v1/ca/${id()}/cert`, { keyType: 'EC256', x509Parameters })
    expect(result.status).toBe(409)
    expect(result.body).toMatchObject({ code: 'INVALID_CA_STATE' })
    expect(result.body.msg).toContain(status)
  })

  it('answers 404 for an unknown CA', async () => {
    const result = await post('/api/v1/ca/00000000-0000-4000-8000-000000000000/cert', { x509Parameters })
    expect(result.status).toBe(404)
    expect(result.body.code).toBe('CA_NOT_FOUND')
  })

  it('answers 405 for GET', async () => {
    const response = await fetch(`${server.url}/api/v1/ca/${h.issuing.id}/cert`)
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
  })

  it('answers 500 when the store fails', async () => {
    const result = await post(`/api/v1/ca/${h.issuing.id}/cert`, { keyType: 'EC256', x509Parameters }, broken.url)
    expect(result.status).toBe(500)
    expect(result.body.code).toBe('INTERNAL_ERROR')
    expect(result.body.msg).not.toContain('/secret/path')
  })
})

/** A raw node:http request, so the Host header can be set (fetch always sends the URL's host). */
function rawRequest(
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port: server.port, path, method: o.method ?? 'GET', headers: o.headers },
      (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          body += chunk
        })
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      },
    )
    request.on('error', reject)
    request.end(o.body)
  })
}

describe('requests from other sites (Node adapter and body checks)', () => {
  const csrPath = () => `/api/v1/ca/${h.pending.id}/sub/csr`

  it.each(['127.0.0.1', 'localhost', '[::1]'])('answers a Host of %s with the bound port', async (host) => {
    const { status } = await rawRequest(csrPath(), { headers: { host: `${host}:${server.port}` } })
    expect(status).toBe(200)
  })

  it.each([
    ['a foreign name (DNS rebinding)', () => `evil.example:${server.port}`],
    ['another port', () => `127.0.0.1:${server.port + 1}`],
  ])('refuses a Host of %s with 403', async (_, host) => {
    const { status, body } = await rawRequest(csrPath(), { headers: { host: host() } })
    expect(status).toBe(403)
    expect(JSON.parse(body)).toHaveProperty('message')
  })

  it('refuses a request with a foreign Origin with 403 and takes one with its own origin', async () => {
    const foreign = await fetch(`${server.url}${csrPath()}`, { headers: { origin: 'http://evil.example' } })
    expect(foreign.status).toBe(403)
    expect(await foreign.json()).toHaveProperty('message')
    const own = await fetch(`${server.url}${csrPath()}`, { headers: { origin: `http://localhost:${server.port}` } })
    expect(own.status).toBe(200)
  })

  it('refuses a text/plain POST (a cross-site form needs no preflight) with 415, issuing nothing', async () => {
    const response = await fetch(`${server.url}/api/v1/ca/${h.issuing.id}/cert`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ keyType: 'EC256', x509Parameters: { commonName: 'x.example.com' } }),
    })
    expect(response.status).toBe(415)
    expect(((await response.json()) as Envelope).code).toBe('INVALID_REQUEST')
  })

  it('answers 413 for a body over MAX_BODY_BYTES when the handler is served without the Node adapter', async () => {
    const handler = createPrivateCaHandler({ store: h.store })
    const response = await handler(
      new Request(`http://127.0.0.1/api/v1/ca/${h.issuing.id}/cert`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"x": "${'a'.repeat(MAX_BODY_BYTES)}"}`,
      }),
    )
    expect(response.status).toBe(413)
    expect(((await response.json()) as Envelope).code).toBe('INVALID_REQUEST')
  })
})
