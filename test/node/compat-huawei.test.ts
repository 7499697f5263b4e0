/**
 * The Huawei CCM PCA-style route (src/compat/huawei.ts) over HTTP, against the Node adapter on 127.0.0.1:
 * ExportCertificateAuthorityCsr with `\r\n` line ends, and every status the API documents (400, 401, 403, 404,
 * 500) in the {error_code, error_msg} shape. The CSR is checked with OpenSSL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PrivateCaServer } from '../../src/compat/node.ts'
import { makeTempDir } from '../interop/tools.ts'
import { failingStore, type Hierarchy, makeHierarchy, opensslVerifyCsr, serve } from './compat-helpers.ts'

const tmp = makeTempDir('compat-huawei')
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

const token = { 'X-Auth-Token': 'MIIEhgYJKoZIhvcNAQcCoIIEdzCCBHMCAQExDTALBglghkgBZQMEAgEwggKUBgkqhkiG9w0BBwGg' }

async function exportCsr(
  caId: string,
  headers: Record<string, string> = token,
  base = server.url,
  method = 'GET',
): Promise<{ status: number; body: Record<string, string> }> {
  const response = await fetch(`${base}/v1/private-certificate-authorities/${caId}/csr`, { method, headers })
  expect(response.headers.get('content-type')).toContain('application/json')
  return { status: response.status, body: (await response.json()) as Record<string, string> }
}

describe('GET /v1/private-certificate-authorities/{ca_id}/csr', () => {
  it('answers the CSR of a CA pending activation, with \\r\\n line ends; OpenSSL verifies it', async () => {
    const { status, body } = await exportCsr(h.pending.id)
    expect(status).toBe(200)
    expect(Object.keys(body)).toEqual(['csr'])
    const csr = body.csr as string
    expect(csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\r\n/)
    expect(csr).toMatch(/-----END CERTIFICATE REQUEST-----\r\n$/)
    expect(csr.replace(/\r\n/g, '')).not.toContain('\n')
    expect(csr.replace(/\r\n/g, '\n')).toBe(h.pending.csr)
    expect(opensslVerifyCsr(tmp, csr)).toContain('verify OK')
  })

  it('takes an AK/SK-signed request (Authorization header) in place of a token', async () => {
    const { status } = await exportCsr(h.pending.id, {
      Authorization: 'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=00',
      'X-Sdk-Date': '20260101T000000Z',
    })
    expect(status).toBe(200)
  })

  it.each([
    ['no credentials at all', {}],
    ['an empty X-Auth-Token', { 'X-Auth-Token': '' }],
  ])('answers 401 for %s', async (_, headers) => {
    const { status, body } = await exportCsr(h.pending.id, headers)
    expect(status).toBe(401)
    expect(body).toMatchObject({ error_code: 'PCA.10010001' })
    expect(body.error_msg).toContain('X-Auth-Token')
  })

  it.each([
    ['35 characters', () => h.pending.id.slice(1)],
    ['37 characters', () => `${h.pending.id}0`],
    ['36 characters that are no UUID', () => 'z'.repeat(36)],
    ['a path', () => '..%2F..%2F..%2Fetc%2Fpasswd-0000000000000'],
  ])('answers 400 PCA.00020201 for a ca_id of %s', async (_, id) => {
    const { status, body } = await exportCsr(id())
    expect(status).toBe(400)
    expect(body.error_code).toBe('PCA.00020201')
    expect(body.error_msg).toContain('Invalid CA ID')
  })

  it.each([
    ['an active CA', () => h.issuing.id],
    ['a root CA', () => h.root.id],
    ['a disabled CA', () => h.disabled.id],
  ])('answers 403 for %s (not pending activation)', async (_, id) => {
    const { status, body } = await exportCsr(id())
    expect(status).toBe(403)
    expect(body.error_code).toBe('PCA.10010003')
    expect(body.error_msg).toContain('not pending activation')
  })

  it('answers 404 for an unknown CA', async () => {
    const { status, body } = await exportCsr('00000000-0000-4000-8000-000000000000')
    expect(status).toBe(404)
    expect(body.error_code).toBe('PCA.10010004')
  })

  it('answers 500 when the store fails, without its details', async () => {
    const { status, body } = await exportCsr(h.pending.id, token, broken.url)
    expect(status).toBe(500)
    expect(body.error_code).toBe('PCA.10010005')
    expect(body.error_msg).not.toContain('/secret/path')
  })

  it('answers 405 for another method', async () => {
    const { status, body } = await exportCsr(h.pending.id, token, server.url, 'POST')
    expect(status).toBe(405)
    expect(body.error_code).toBe('PCA.10010002')
  })

  it('leaves other Huawei paths to the handler (a plain 404)', async () => {
    const response = await fetch(`${server.url}/v1/private-certificate-authorities/${h.pending.id}`, { headers: token })
    expect(response.status).toBe(404)
    expect(await response.json()).toHaveProperty('message')
  })
})
