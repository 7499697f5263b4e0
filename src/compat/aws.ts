/**
 * AWS Private CA (ACM PCA) emulation: the JSON 1.1 protocol of the AWS API (`POST /`, `X-Amz-Target:
 * ACMPrivateCA.<Operation>`, `Content-Type: application/x-amz-json-1.1`), answered from the handler's store, so the
 * official SDKs (`@aws-sdk/client-acm-pca`, boto3, ...) run unchanged against it with their endpoint set to it. CA
 * keys are made and kept here. SigV4 signatures are accepted without being checked (one local user).
 *
 * Operations (AWS Private CA API Reference): CreateCertificateAuthority, DescribeCertificateAuthority,
 * ListCertificateAuthorities, GetCertificateAuthorityCsr, GetCertificateAuthorityCertificate,
 * ImportCertificateAuthorityCertificate, IssueCertificate, GetCertificate, RevokeCertificate,
 * UpdateCertificateAuthority, DeleteCertificateAuthority. Any other ACMPrivateCA operation is
 * UnknownOperationException.
 */
import { randomUuid } from '../lib/crypto.ts'
import {
  type AwsCall,
  createCertificateAuthority,
  deleteCertificateAuthority,
  describeCertificateAuthority,
  getCertificateAuthorityCertificate,
  getCertificateAuthorityCsr,
  importCertificateAuthorityCertificate,
  listCertificateAuthorities,
  updateCertificateAuthority,
} from './aws-ca.ts'
import { getCertificate, issueCertificateOperation, revokeCertificateOperation } from './aws-issue.ts'
import {
  AWS_TARGET_PREFIX,
  AwsError,
  awsErrorResponse,
  awsResponse,
  readBody,
  regionOf,
  toAwsError,
} from './aws-protocol.ts'
import type { CompatApi } from './context.ts'

/** The operations, by the name after `ACMPrivateCA.` in `X-Amz-Target`. */
const OPERATIONS: Readonly<Record<string, (call: AwsCall) => Promise<unknown>>> = Object.freeze({
  CreateCertificateAuthority: createCertificateAuthority,
  DescribeCertificateAuthority: describeCertificateAuthority,
  ListCertificateAuthorities: listCertificateAuthorities,
  GetCertificateAuthorityCsr: getCertificateAuthorityCsr,
  GetCertificateAuthorityCertificate: getCertificateAuthorityCertificate,
  ImportCertificateAuthorityCertificate: importCertificateAuthorityCertificate,
  IssueCertificate: issueCertificateOperation,
  GetCertificate: getCertificate,
  RevokeCertificate: revokeCertificateOperation,
  UpdateCertificateAuthority: updateCertificateAuthority,
  DeleteCertificateAuthority: deleteCertificateAuthority,
})

/** The JSON 1.1 media type (with optional parameters such as a charset). */
const JSON_1_1 = /^application\/x-amz-json-1\.1\s*(;|$)/i

/**
 * Answers AWS Private CA's JSON 1.1 requests (`POST /` with an `ACMPrivateCA.` target and the JSON 1.1 content
 * type) and returns undefined for every other request. Errors are HTTP 400 (500 for an emulator fault) with
 * `{"__type", "message"}` and `x-amzn-ErrorType`, which the SDKs turn into their typed exceptions.
 *
 * @example
 * const response = await awsApi(new Request('http://127.0.0.1:8443/', { method: 'POST',
 *   headers: { 'x-amz-target': 'ACMPrivateCA.ListCertificateAuthorities',
 *     'content-type': 'application/x-amz-json-1.1' }, body: '{}' }), new URL('http://127.0.0.1:8443/'), ctx)
 */
export const awsApi: CompatApi = async (request, url, ctx) => {
  const target = request.headers.get('x-amz-target')
  if (request.method !== 'POST' || url.pathname !== '/' || !target?.startsWith(AWS_TARGET_PREFIX)) return undefined
  if (!JSON_1_1.test(request.headers.get('content-type') ?? '')) return undefined
  const requestId = randomUuid(ctx.crypto)
  try {
    const name = target.slice(AWS_TARGET_PREFIX.length)
    const operation = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined
    if (!operation) throw new AwsError('UnknownOperationException', `the operation ${name} is not emulated`)
    const input = await readBody(request)
    return awsResponse(await operation({ ctx, region: regionOf(request), input }), requestId)
  } catch (e) {
    return awsErrorResponse(toAwsError(e), requestId)
  }
}
