/**
 * The emulated cloud APIs on Deno, served with `Deno.serve` on 127.0.0.1 (port 0, no adapter needed): one route per
 * API (NCP Get Sub Csr and Issue End Cert, Huawei ExportCertificateAuthorityCsr, XClarity generate + fetch) over
 * real HTTP, against a memory store.
 *
 *   deno test --allow-read --allow-env --allow-net=127.0.0.1 --no-prompt test/deno/compat.test.ts
 *
 * Without --allow-net (Deno asks no prompt: --no-prompt) the test is skipped, saying so, rather than failing;
 * `npm run test:deno` allows 127.0.0.1.
 */
import { createPrivateCaHandler } from '../../src/compat/handler.ts'
import {
  createMemoryStore,
  createRootCa,
  createSubordinateCa,
  importCaCertificate,
  parseCertificate,
  signSubordinateCa,
  verifyChain,
  verifyCsr,
} from '../../src/index.ts'
import { equal, match, ok } from '../assert.ts'

const netAllowed = (await Deno.permissions.query({ name: 'net', host: '127.0.0.1' })).state === 'granted'

async function withServer(fn: (base: string, ids: Record<string, string>) => Promise<void>): Promise<void> {
  const store = createMemoryStore()
  const root = await createRootCa({ subject: { commonName: 'Deno Compat Root' }, validityDays: 3650, store })
  const pending = await createSubordinateCa({ subject: { commonName: 'Deno Pending CA' }, store })
  const sub = await createSubordinateCa({ subject: { commonName: 'Deno Issuing CA' }, store })
  const issuing = await importCaCertificate(
    sub,
    await signSubordinateCa(root, sub.csr as string, { period: 1825 }),
    root.certificate,
    { store },
  )
  const handler = createPrivateCaHandler({ store })
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, handler)
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, {
      root: root.certificate as string,
      pending: pending.id,
      issuing: issuing.id,
    })
  } finally {
    await server.shutdown()
  }
}

Deno.test({
  name: 'compat: NCP, Huawei and XClarity routes over Deno.serve',
  ignore: !netAllowed,
  fn: () =>
    withServer(async (base, ids) => {
      // NCP Get Sub Csr.
      const ncp = await fetch(`${base}/api/v1/ca/${ids.pending}/sub/csr`)
      equal(ncp.status, 200)
      const { data } = await ncp.json()
      await verifyCsr(data.csrPem)

      // NCP Issue End Cert; the certificate chains to the root.
      const issued = await fetch(`${base}/ca/${ids.issuing}/cert`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ keyType: 'EC256', period: '30', x509Parameters: { commonName: 'deno.example' } }),
      })
      equal(issued.status, 200)
      const cert = (await issued.json()).data
      const chain = await verifyChain(cert.certificate, {
        roots: [ids.root as string],
        intermediates: [cert.issuer],
        dnsName: 'deno.example',
      })
      ok(chain)
      equal(parseCertificate(cert.certificate).keyType, 'EC256')

      // Huawei ExportCertificateAuthorityCsr, \r\n line ends.
      const huawei = await fetch(`${base}/v1/private-certificate-authorities/${ids.pending}/csr`, {
        headers: { 'X-Auth-Token': 'token' },
      })
      equal(huawei.status, 200)
      const { csr } = await huawei.json()
      match(csr, /^-----BEGIN CERTIFICATE REQUEST-----\r\n/)
      equal(csr.replace(/\r\n/g, '\n'), data.csrPem)
      const unauthorised = await fetch(`${base}/v1/private-certificate-authorities/${ids.pending}/csr`)
      equal(unauthorised.status, 401)
      await unauthorised.body?.cancel()

      // XClarity: generate, then fetch bare and with details.
      const made = await fetch(`${base}/certificateSigningRequest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ CommonName: 'xcc.example', Country: 'DE' }),
      })
      equal(made.status, 200)
      const id = (await made.json()).response.path as string
      const pem = await (await fetch(`${base}/certificateSigningRequest?path=${id}`)).text()
      await verifyCsr(pem)
      const details = await (await fetch(`${base}/certificateSigningRequest?path=${id}&details=true`)).json()
      equal(details.result, 'success')
      equal(details.response.CSR, pem)
    }),
})
