/**
 * NCP-style Private CA (NAVER Cloud Platform, https://api.ncloud-docs.com/docs/en/security-privateca): the two calls
 * a workload makes against an existing CA, with the `/api/v1` prefix of the real endpoint optional.
 *
 * - `GET /ca/{caTag}/sub/csr` ("Get Sub Csr"): the CSR of an intermediate CA that is not signed yet;
 *   `{"code":"SUCCESS","msg":"Success","data":{"csrPem":"..."}}`. NCP: "You can't get the CSR for an intermediate CA
 *   whose signature is complete", so only a PENDING_CERTIFICATE CA answers it.
 * - `POST /ca/{caTag}/cert` ("Issue End Cert"): `{keyType, period, x509Parameters}` -> `data: {privateKey,
 *   certificate, serialNo, caChain, ocspResponder, issuer}`. The key is made here and returned once.
 *
 * The caTag is our CA id. Errors keep the envelope, `{"code": ..., "msg": ...}`; NCP documents its errors by HTTP
 * status and message only (its code column is "-"), so the codes are ours: `INVALID_REQUEST` (400: bad JSON, a
 * missing or malformed field, a key type NCP does not list; the message names the field), `CA_NOT_FOUND` (404),
 * `INVALID_CA_STATE` (409: the CA's status forbids the call), `INTERNAL_ERROR` (500). Where NCP has a message for a
 * case ("x509Parameters are missing.", "common name is missing."), it is used as is. The NCP signature headers
 * (`x-ncp-apigw-*`) are accepted and not checked.
 */
import { issueCertificate } from '../ca/issue.ts'
import { getCaCsr } from '../ca/subordinate.ts'
import type { KeyType } from '../keys/types.ts'
import type { X509Parameters } from '../names/types.ts'
import { type CompatApi, type CompatContext, json } from './context.ts'
import { BadRequestError, CA_ID_PATTERN, classifyError, readJsonObject } from './http.ts'

const CSR_PATH = /^(?:\/api\/v1)?\/ca\/([^/]+)\/sub\/csr$/
const CERT_PATH = /^(?:\/api\/v1)?\/ca\/([^/]+)\/cert$/

/** The key types "Issue End Cert" lists (RSA2048 | RSA4096 | EC256 | EC521); the first is the default. */
const NCP_KEY_TYPES: readonly KeyType[] = ['RSA2048', 'RSA4096', 'EC256', 'EC521']

/** The x509Parameters fields of "Issue End Cert"; anything else in the object is ignored, as an extra JSON field. */
const FIELDS = [
  'commonName',
  'altName',
  'organization',
  'organizationUnit',
  'locality',
  'stateProvince',
  'streetAddress',
  'country',
  'ip',
] as const

const STATUS = { 'bad-request': 400, state: 409, 'not-found': 404, internal: 500 } as const
const CODE = {
  'bad-request': 'INVALID_REQUEST',
  state: 'INVALID_CA_STATE',
  'not-found': 'CA_NOT_FOUND',
  internal: 'INTERNAL_ERROR',
} as const

function success(data: unknown): Response {
  return json(200, { code: 'SUCCESS', msg: 'Success', data })
}

function failure(e: unknown): Response {
  const { kind, message } = classifyError(e)
  // A body too large (413) or not declared JSON (415) keeps its own status; the code stays INVALID_REQUEST.
  const status = e instanceof BadRequestError ? e.status : STATUS[kind]
  return json(status, { code: CODE[kind], msg: message })
}

function checkKeyType(value: unknown): KeyType {
  if (value === undefined || value === null) return 'RSA2048'
  if (typeof value !== 'string' || !(NCP_KEY_TYPES as readonly string[]).includes(value)) {
    throw new BadRequestError(`keyType must be one of ${NCP_KEY_TYPES.join(' | ')}`)
  }
  return value as KeyType
}

/** NCP documents `period` as a string ("1 - 3650", or "MAX"); a JSON number is taken too. Default: 365 days. */
function checkPeriod(value: unknown): number | 'MAX' {
  if (value === undefined || value === null) return 365
  if (typeof value === 'string' && value.trim().toUpperCase() === 'MAX') return 'MAX'
  const days = typeof value === 'string' && /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : value
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 3650) {
    throw new BadRequestError('period must be a whole number of days, 1 - 3650, or "MAX"')
  }
  return days
}

function readX509Parameters(value: unknown): X509Parameters {
  if (value === undefined || value === null) throw new BadRequestError('x509Parameters are missing.')
  if (typeof value !== 'object' || Array.isArray(value)) throw new BadRequestError('x509Parameters must be an object')
  const given = value as Record<string, unknown>
  const out: Record<string, string | string[]> = {}
  for (const field of FIELDS) {
    const v = given[field]
    if (v === undefined || v === null) continue
    const list = (field === 'altName' || field === 'ip') && Array.isArray(v) && v.every((x) => typeof x === 'string')
    if (typeof v !== 'string' && !list) throw new BadRequestError(`x509Parameters.${field} must be a string`)
    out[field] = v as string | string[]
  }
  if (out.commonName === undefined || out.commonName === '') throw new BadRequestError('common name is missing.')
  return out as unknown as X509Parameters
}

async function getSubCsr(ctx: CompatContext, caId: string): Promise<Response> {
  const ca = await ctx.store.loadCa(caId)
  return success({ csrPem: await getCaCsr(ca) })
}

async function issueEndCert(request: Request, ctx: CompatContext, caId: string): Promise<Response> {
  const body = await readJsonObject(request)
  const x509Parameters = readX509Parameters(body.x509Parameters)
  const keyType = checkKeyType(body.keyType)
  const period = checkPeriod(body.period)
  const ca = await ctx.store.loadCa(caId)
  // issueCertificate enforces the field limits (PkiArgumentError.field names the field) and the CA's status.
  const issued = await issueCertificate(ca, {
    keyType,
    period,
    x509Parameters,
    store: ctx.store,
    crypto: ctx.crypto,
    at: ctx.now(),
  })
  return success({
    privateKey: issued.privateKey,
    certificate: issued.certificate,
    serialNo: issued.serialNo,
    caChain: issued.caChain,
    ocspResponder: issued.ocspResponder,
    issuer: issued.issuer,
  })
}

/**
 * The NCP-style Private CA routes: answers `/[api/v1/]ca/{caTag}/sub/csr` and `/[api/v1/]ca/{caTag}/cert`, and
 * returns undefined for every other path.
 *
 * @example
 * const response = await ncpApi(new Request(`http://127.0.0.1/api/v1/ca/${sub.id}/sub/csr`), url, ctx)
 * const { data } = await response.json() // data.csrPem
 */
export const ncpApi: CompatApi = async (request, url, ctx) => {
  const csr = CSR_PATH.exec(url.pathname)
  const cert = csr ? null : CERT_PATH.exec(url.pathname)
  const match = csr ?? cert
  if (!match) return undefined
  const allowed = csr ? 'GET' : 'POST'
  if (request.method !== allowed) {
    return json(
      405,
      { code: 'METHOD_NOT_ALLOWED', msg: `${request.method} is not allowed here: use ${allowed}` },
      { allow: allowed },
    )
  }
  let caTag: string
  try {
    caTag = decodeURIComponent(match[1] as string)
  } catch {
    return json(404, { code: CODE['not-found'], msg: 'no CA with this caTag' })
  }
  // A tag that cannot be one of our ids names no CA: 404 without asking the store.
  if (!CA_ID_PATTERN.test(caTag)) return json(404, { code: CODE['not-found'], msg: `no CA with caTag ${caTag}` })
  try {
    return csr ? await getSubCsr(ctx, caTag) : await issueEndCert(request, ctx, caTag)
  } catch (e) {
    return failure(e)
  }
}
