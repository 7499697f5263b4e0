/**
 * Huawei Cloud CCM PCA-style: "Exporting a CSR of a CA" (ExportCertificateAuthorityCsr,
 * https://support.huaweicloud.com/intl/en-us/api-ccm/ExportCertificateAuthorityCsr.html):
 * `GET /v1/private-certificate-authorities/{ca_id}/csr` -> 200 `{"csr": "..."}`, the PEM with its line breaks
 * written as `\r\n` (as that page says of the API answer). "A CSR can be exported only when the corresponding CA is
 * in the Pending activation status": our PENDING_CERTIFICATE. `ca_id` is our CA id (Huawei: 36 characters).
 *
 * Errors are `{"error_code": "...", "error_msg": "..."}` with the statuses the page lists (400, 401, 403, 404, 500).
 * Huawei publishes codes for bad parameters only (https://support.huaweicloud.com/intl/en-us/api-ccm/ErrorCode.html);
 * the others are ours, in Huawei's `PCA.<8 digits>` form:
 *
 * | status | error_code   | when |
 * |--------|--------------|------|
 * | 400    | PCA.00020201 | `ca_id` is not a UUID (Huawei's own code and message for an invalid CA ID) |
 * | 401    | PCA.10010001 | neither `X-Auth-Token` nor an `Authorization` (AK/SK signature) header is present |
 * | 403    | PCA.10010003 | the CA exists but is not pending activation (its status forbids the export) |
 * | 404    | PCA.10010004 | no CA with this id |
 * | 500    | PCA.10010005 | anything else (the store failed) |
 * | 405    | PCA.10010002 | a method other than GET on this path |
 *
 * Authentication: the real API requires `X-Auth-Token` (an IAM token), or an AK/SK-signed request (what Huawei's SDKs
 * send). The emulator runs for one local user: it requires one of those headers to be present, as the real API does,
 * so that client code missing its credentials fails here as it would there, but it accepts any value.
 */
import { getCaCsr } from '../ca/subordinate.ts'
import { type CompatApi, json } from './context.ts'
import { CA_ID_PATTERN, classifyError } from './http.ts'

const CSR_PATH = /^\/v1\/private-certificate-authorities\/([^/]*)\/csr$/

function error(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return json(status, { error_code: code, error_msg: message }, headers)
}

/** Whether the request carries credentials of either kind Huawei takes (any value; an empty header counts as none). */
function hasCredentials(request: Request): boolean {
  const token = request.headers.get('x-auth-token')
  const signature = request.headers.get('authorization')
  return Boolean(token?.trim() || signature?.trim())
}

/**
 * The Huawei CCM PCA-style route: answers `/v1/private-certificate-authorities/{ca_id}/csr`, and returns undefined
 * for every other path.
 *
 * @example
 * const response = await huaweiApi(new Request(`http://127.0.0.1/v1/private-certificate-authorities/${sub.id}/csr`,
 *   { headers: { 'X-Auth-Token': 'any' } }), url, ctx)
 * const { csr } = await response.json() // PEM with \r\n line ends
 */
export const huaweiApi: CompatApi = async (request, url, ctx) => {
  const match = CSR_PATH.exec(url.pathname)
  if (!match) return undefined
  if (request.method !== 'GET') {
    return error(405, 'PCA.10010002', `${request.method} is not allowed here: use GET`, { allow: 'GET' })
  }
  if (!hasCredentials(request)) {
    return error(
      401,
      'PCA.10010001',
      'Authentication failed: the X-Auth-Token header (or an AK/SK signature) is missing.',
    )
  }
  let caId: string
  try {
    caId = decodeURIComponent(match[1] as string)
  } catch {
    caId = match[1] as string
  }
  if (caId.length !== 36 || !CA_ID_PATTERN.test(caId)) {
    return error(
      400,
      'PCA.00020201',
      'Invalid CA ID. Valid CA IDs use a hexadecimal xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx format.',
    )
  }
  try {
    const ca = await ctx.store.loadCa(caId)
    const csr = await getCaCsr(ca)
    return json(200, { csr: csr.replace(/\r?\n/g, '\r\n') })
  } catch (e) {
    const { kind, message } = classifyError(e)
    if (kind === 'state') {
      return error(403, 'PCA.10010003', `The CA is not pending activation: its CSR cannot be exported (${message}).`)
    }
    if (kind === 'not-found') return error(404, 'PCA.10010004', `The CA ${caId} does not exist.`)
    if (kind === 'bad-request') return error(400, 'PCA.00020001', `Incorrect parameter: ${message}`)
    return error(500, 'PCA.10010005', `Internal error: ${message}`)
  }
}
