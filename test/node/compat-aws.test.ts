/**
 * The AWS Private CA emulation (src/compat/aws.ts) over HTTP on 127.0.0.1: the official `@aws-sdk/client-acm-pca`
 * pointed at the Node adapter runs the whole AWS flow (a ROOT activated with RootCACertificate/V1, a SUBORDINATE
 * signed by it, certificates issued from OpenSSL and pocket-ca CSRs and checked with `openssl verify`, revocation,
 * Describe/List, disable/enable, delete), the SDK surfaces our errors as its typed exceptions, and raw JSON 1.1
 * requests cover every error the emulator answers (400 with `__type` and x-amzn-ErrorType; 500 for a broken store).
 */

import {
  ACMPCAClient,
  CertificateMismatchException,
  CreateCertificateAuthorityCommand,
  type CreateCertificateAuthorityCommandInput,
  DeleteCertificateAuthorityCommand,
  DescribeCertificateAuthorityCommand,
  GetCertificateAuthorityCertificateCommand,
  GetCertificateAuthorityCsrCommand,
  GetCertificateCommand,
  ImportCertificateAuthorityCertificateCommand,
  InvalidArgsException,
  InvalidArnException,
  InvalidNextTokenException,
  InvalidRequestException,
  InvalidStateException,
  IssueCertificateCommand,
  type IssueCertificateCommandInput,
  ListCertificateAuthoritiesCommand,
  MalformedCertificateException,
  MalformedCSRException,
  RequestAlreadyProcessedException,
  ResourceNotFoundException,
  RevokeCertificateCommand,
  UpdateCertificateAuthorityCommand,
} from '@aws-sdk/client-acm-pca'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { awsApi } from '../../src/compat/aws.ts'
import { createPrivateCaHandler } from '../../src/compat/handler.ts'
import { MAX_BODY_BYTES } from '../../src/compat/http.ts'
import type { PrivateCaServer } from '../../src/compat/node.ts'
import {
  type CaStore,
  createCsr,
  createMemoryStore,
  generateKeyPair,
  openFileStore,
  PkiStorageError,
  parseCertificate,
  parseCsr,
} from '../../src/index.ts'
import { makeTempDir, mustRun } from '../interop/tools.ts'
import { failingStore, opensslVerifyCertificate, serve } from './compat-helpers.ts'

const tmp = makeTempDir('compat-aws')
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }
const ROOT_TEMPLATE = 'arn:aws:acm-pca:::template/RootCACertificate/V1'
const SUB_TEMPLATE = 'arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1'
const SERVER_TEMPLATE = 'arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1'
const CLIENT_TEMPLATE = 'arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1'
const UNKNOWN_CA = 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11223344-1234-1122-2233-112233445566'

let store: CaStore
let server: PrivateCaServer
let client: ACMPCAClient

function clientFor(url: string, region = 'us-east-1'): ACMPCAClient {
  // One attempt: a 500 is asserted on, not retried.
  return new ACMPCAClient({ endpoint: url, region, credentials, maxAttempts: 1 })
}

beforeAll(async () => {
  store = createMemoryStore()
  server = await serve(store)
  client = clientFor(server.url)
})
afterAll(async () => {
  client?.destroy()
  await server?.close()
  tmp.remove()
})

const bytes = (text: string) => new TextEncoder().encode(text)

function caConfig(
  type: 'ROOT' | 'SUBORDINATE',
  commonName: string,
  keyAlgorithm: 'EC_prime256v1' | 'EC_secp384r1' | 'RSA_2048' = 'EC_prime256v1',
): CreateCertificateAuthorityCommandInput {
  const signing = {
    EC_prime256v1: 'SHA256WITHECDSA',
    EC_secp384r1: 'SHA384WITHECDSA',
    RSA_2048: 'SHA256WITHRSA',
  } as const
  return {
    CertificateAuthorityType: type,
    CertificateAuthorityConfiguration: {
      KeyAlgorithm: keyAlgorithm,
      SigningAlgorithm: signing[keyAlgorithm],
      Subject: { CommonName: commonName, Organization: 'Example Corp', OrganizationalUnit: 'PKI', Country: 'US' },
    },
  }
}

/** Create -> GetCertificateAuthorityCsr -> IssueCertificate(RootCACertificate/V1) -> GetCertificate -> Import. */
async function activeRoot(commonName: string): Promise<{ arn: string; certificate: string }> {
  const { CertificateAuthorityArn: arn } = await client.send(
    new CreateCertificateAuthorityCommand(caConfig('ROOT', commonName, 'EC_secp384r1')),
  )
  const { Csr } = await client.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }))
  const { CertificateArn } = await client.send(
    new IssueCertificateCommand({
      CertificateAuthorityArn: arn,
      Csr: bytes(Csr as string),
      SigningAlgorithm: 'SHA384WITHECDSA',
      TemplateArn: ROOT_TEMPLATE,
      Validity: { Type: 'YEARS', Value: 10 },
    }),
  )
  const { Certificate } = await client.send(new GetCertificateCommand({ CertificateAuthorityArn: arn, CertificateArn }))
  await client.send(
    new ImportCertificateAuthorityCertificateCommand({
      CertificateAuthorityArn: arn,
      Certificate: bytes(Certificate as string),
    }),
  )
  return { arn: arn as string, certificate: Certificate as string }
}

/** A SUBORDINATE signed by `root` (SubordinateCACertificate_PathLen0/V1) and imported with its chain. */
async function activeSubordinate(root: { arn: string; certificate: string }, commonName: string): Promise<string> {
  const { CertificateAuthorityArn: arn } = await client.send(
    new CreateCertificateAuthorityCommand(caConfig('SUBORDINATE', commonName, 'RSA_2048')),
  )
  const { Csr } = await client.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }))
  const { CertificateArn } = await client.send(
    new IssueCertificateCommand({
      CertificateAuthorityArn: root.arn,
      Csr: bytes(Csr as string),
      SigningAlgorithm: 'SHA384WITHECDSA',
      TemplateArn: SUB_TEMPLATE,
      Validity: { Type: 'YEARS', Value: 5 },
    }),
  )
  const { Certificate, CertificateChain } = await client.send(
    new GetCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateArn }),
  )
  expect(CertificateChain).toBe(root.certificate)
  await client.send(
    new ImportCertificateAuthorityCertificateCommand({
      CertificateAuthorityArn: arn,
      Certificate: bytes(Certificate as string),
      CertificateChain: bytes(CertificateChain as string),
    }),
  )
  return arn as string
}

function opensslCsr(subject: string, san: string): string {
  const key = tmp.out('key.pem')
  const out = tmp.out('req.pem')
  mustRun('openssl', [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-subj',
    subject,
    '-addext',
    `subjectAltName=${san}`,
    '-out',
    out,
  ])
  return mustRun('cat', [out]).stdout
}

type IssueInput = Partial<Omit<IssueCertificateCommandInput, 'Csr'>> & { CertificateAuthorityArn: string; Csr: string }

async function issue(input: IssueInput) {
  const { CertificateArn } = await client.send(
    new IssueCertificateCommand({
      SigningAlgorithm: 'SHA256WITHRSA',
      Validity: { Type: 'DAYS', Value: 30 },
      ...input,
      Csr: bytes(input.Csr),
    }),
  )
  return CertificateArn as string
}

/** The rejection of `promise`, which must reject. */
async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise
  } catch (e) {
    return e as Error
  }
  throw new Error('expected the call to fail')
}

describe('AWS Private CA through @aws-sdk/client-acm-pca', () => {
  let root: { arn: string; certificate: string }
  let subArn: string

  it('activates a ROOT CA the AWS way: own CSR, RootCACertificate/V1, import', async () => {
    const { CertificateAuthorityArn: arn } = await client.send(
      new CreateCertificateAuthorityCommand(caConfig('ROOT', 'Example Root CA', 'EC_secp384r1')),
    )
    expect(arn).toMatch(/^arn:aws:acm-pca:us-east-1:123456789012:certificate-authority\/[0-9a-f-]{36}$/)
    const pending = await client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }))
    expect(pending.CertificateAuthority).toMatchObject({
      Arn: arn,
      Type: 'ROOT',
      Status: 'PENDING_CERTIFICATE',
      OwnerAccount: '123456789012',
      CertificateAuthorityConfiguration: {
        KeyAlgorithm: 'EC_secp384r1',
        SigningAlgorithm: 'SHA384WITHECDSA',
        Subject: { CommonName: 'Example Root CA', Organization: 'Example Corp', Country: 'US' },
      },
    })
    expect(pending.CertificateAuthority?.CreatedAt).toBeInstanceOf(Date)
    expect(pending.CertificateAuthority?.Serial).toBeUndefined()

    const { Csr } = await client.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }))
    const csr = parseCsr(Csr as string)
    expect(csr.subject).toMatchObject({ commonName: 'Example Root CA', organizationUnit: 'PKI', country: 'US' })
    mustRun('openssl', ['req', '-in', tmp.file('root-csr.pem', Csr as string), '-noout', '-verify'])

    const { CertificateArn } = await client.send(
      new IssueCertificateCommand({
        CertificateAuthorityArn: arn,
        Csr: bytes(Csr as string),
        SigningAlgorithm: 'SHA384WITHECDSA',
        TemplateArn: ROOT_TEMPLATE,
        Validity: { Type: 'YEARS', Value: 10 },
      }),
    )
    expect(CertificateArn).toMatch(new RegExp(`^${arn}/certificate/[0-9a-f]+$`))
    const got = await client.send(new GetCertificateCommand({ CertificateAuthorityArn: arn, CertificateArn }))
    expect(got.CertificateChain).toBeUndefined()
    const info = parseCertificate(got.Certificate as string)
    expect(info).toMatchObject({ selfIssued: true, isCa: true, keyType: 'EC384' })
    expect(info.pathLen).toBeUndefined()
    expect(CertificateArn?.endsWith(`/certificate/${info.serialNo.replaceAll(':', '').toLowerCase()}`)).toBe(true)
    const years = (Date.parse(info.notAfter) - Date.parse(info.notBefore)) / (365.25 * 86_400_000)
    expect(Math.round(years)).toBe(10)

    await client.send(
      new ImportCertificateAuthorityCertificateCommand({
        CertificateAuthorityArn: arn,
        Certificate: bytes(got.Certificate as string),
      }),
    )
    const active = await client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }))
    expect(active.CertificateAuthority).toMatchObject({ Status: 'ACTIVE', Type: 'ROOT' })
    expect(active.CertificateAuthority?.Serial).toBe(info.serialNo.replaceAll(':', '').toLowerCase())
    expect(active.CertificateAuthority?.NotAfter?.toISOString()).toBe(new Date(info.notAfter).toISOString())
    const own = await client.send(new GetCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: arn }))
    expect(own.Certificate).toBe(got.Certificate)
    expect(own.CertificateChain).toBeUndefined()
    // The self-signed certificate stays reachable by its ARN after the import.
    const again = await client.send(new GetCertificateCommand({ CertificateAuthorityArn: arn, CertificateArn }))
    expect(again.Certificate).toBe(got.Certificate)
    const rootFile = tmp.file('root.pem', got.Certificate as string)
    expect(mustRun('openssl', ['verify', '-CAfile', rootFile, rootFile]).all).toContain(': OK')
    root = { arn: arn as string, certificate: got.Certificate as string }
  })

  it('runs the subordinate flow: create, CSR, sign with the root (PathLen0), import with chain', async () => {
    subArn = await activeSubordinate(root, 'Example Issuing CA')
    const described = await client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: subArn }))
    expect(described.CertificateAuthority).toMatchObject({
      Type: 'SUBORDINATE',
      Status: 'ACTIVE',
      CertificateAuthorityConfiguration: { KeyAlgorithm: 'RSA_2048', SigningAlgorithm: 'SHA256WITHRSA' },
    })
    const { Certificate, CertificateChain } = await client.send(
      new GetCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: subArn }),
    )
    expect(CertificateChain).toBe(root.certificate)
    expect(parseCertificate(Certificate as string)).toMatchObject({ isCa: true, pathLen: 0, keyType: 'RSA2048' })
    const out = opensslVerifyCertificate(tmp, Certificate as string, root.certificate, root.certificate)
    expect(out).toContain(': OK')
  })

  it('issues from an OpenSSL CSR; GetCertificate gives a chain that openssl verify accepts', async () => {
    const csr = opensslCsr('/CN=api.example.com/O=Example Corp', 'DNS:api.example.com,DNS:www.example.com')
    const arn = await issue({ CertificateAuthorityArn: subArn, Csr: csr, TemplateArn: SERVER_TEMPLATE })
    const { Certificate, CertificateChain } = await client.send(
      new GetCertificateCommand({ CertificateAuthorityArn: subArn, CertificateArn: arn }),
    )
    const info = parseCertificate(Certificate as string)
    expect(info).toMatchObject({ isCa: false, extKeyUsage: ['serverAuth'] })
    expect(info.dnsNames).toEqual(['api.example.com', 'www.example.com'])
    expect(Date.parse(info.notAfter) - Date.parse(info.notBefore)).toBe(30 * 86_400_000)
    const verified = opensslVerifyCertificate(tmp, Certificate as string, root.certificate, CertificateChain as string)
    expect(verified).toContain(': OK')
    const strict = mustRun('openssl', [
      'verify',
      '-purpose',
      'sslserver',
      '-CAfile',
      tmp.file('root.pem', root.certificate),
      '-untrusted',
      tmp.file('chain.pem', CertificateChain as string),
      tmp.file('leaf.pem', Certificate as string),
    ])
    expect(strict.all).toContain(': OK')
  })

  it('issues from a pocket-ca CSR with the client-auth and the default (EndEntityCertificate/V1) templates', async () => {
    const csr = await createCsr(await generateKeyPair('EC256'), { commonName: 'device-7.example.com' })
    const client1 = await issue({ CertificateAuthorityArn: subArn, Csr: csr, TemplateArn: CLIENT_TEMPLATE })
    const both = await issue({ CertificateAuthorityArn: subArn, Csr: csr, Validity: { Type: 'MONTHS', Value: 3 } })
    const read = async (CertificateArn: string) =>
      parseCertificate(
        (await client.send(new GetCertificateCommand({ CertificateAuthorityArn: subArn, CertificateArn })))
          .Certificate as string,
      )
    expect((await read(client1)).extKeyUsage).toEqual(['clientAuth'])
    expect((await read(both)).extKeyUsage).toEqual(['serverAuth', 'clientAuth'])
  })

  it('answers the same certificate for the same IdempotencyToken', async () => {
    const csr = await createCsr(await generateKeyPair('EC256'), { commonName: 'once.example.com' })
    const first = await issue({ CertificateAuthorityArn: subArn, Csr: csr, IdempotencyToken: 'token-1' })
    const second = await issue({ CertificateAuthorityArn: subArn, Csr: csr, IdempotencyToken: 'token-1' })
    const third = await issue({ CertificateAuthorityArn: subArn, Csr: csr, IdempotencyToken: 'token-2' })
    expect(second).toBe(first)
    expect(third).not.toBe(first)
  })

  it('revokes by serial (colon or plain hex, AWS reason names); a second revocation is already processed', async () => {
    const csr = await createCsr(await generateKeyPair('EC256'), { commonName: 'revoked.example.com' })
    const arn = await issue({ CertificateAuthorityArn: subArn, Csr: csr })
    const { Certificate } = await client.send(
      new GetCertificateCommand({ CertificateAuthorityArn: subArn, CertificateArn: arn }),
    )
    const serialNo = parseCertificate(Certificate as string).serialNo
    await client.send(
      new RevokeCertificateCommand({
        CertificateAuthorityArn: subArn,
        CertificateSerial: serialNo.toLowerCase(),
        RevocationReason: 'KEY_COMPROMISE',
      }),
    )
    const entry = await store.getIssued(subArn.split('/')[1] as string, serialNo)
    expect(entry).toMatchObject({ status: 'REVOKED', revocation: { reason: 'keyCompromise' } })
    const again = await rejection(
      client.send(
        new RevokeCertificateCommand({
          CertificateAuthorityArn: subArn,
          CertificateSerial: serialNo.replaceAll(':', ''),
          RevocationReason: 'SUPERSEDED',
        }),
      ),
    )
    expect(again).toBeInstanceOf(RequestAlreadyProcessedException)
    const own = await rejection(
      client.send(
        new RevokeCertificateCommand({
          CertificateAuthorityArn: root.arn,
          CertificateSerial: parseCertificate(root.certificate).serialNo,
          RevocationReason: 'UNSPECIFIED',
        }),
      ),
    )
    expect(own).toBeInstanceOf(InvalidRequestException)
  })

  it('lists every CA, page by page with MaxResults and NextToken', async () => {
    const seen: string[] = []
    let NextToken: string | undefined
    do {
      const page = await client.send(new ListCertificateAuthoritiesCommand({ MaxResults: 1, NextToken }))
      expect(page.CertificateAuthorities?.length).toBe(1)
      seen.push(...(page.CertificateAuthorities ?? []).map((c) => c.Arn as string))
      NextToken = page.NextToken
    } while (NextToken)
    expect(seen).toContain(root.arn)
    expect(seen).toContain(subArn)
    expect(new Set(seen).size).toBe(seen.length)
    const all = await client.send(new ListCertificateAuthoritiesCommand({}))
    expect(all.NextToken).toBeUndefined()
    expect(all.CertificateAuthorities?.map((c) => c.Arn)).toEqual(seen)
    const other = await client.send(new ListCertificateAuthoritiesCommand({ ResourceOwner: 'OTHER_ACCOUNTS' }))
    expect(other.CertificateAuthorities).toEqual([])
  })

  it('disables and enables a CA: a DISABLED CA refuses to issue (InvalidStateException)', async () => {
    await client.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: subArn, Status: 'DISABLED' }))
    const disabled = await client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: subArn }))
    expect(disabled.CertificateAuthority?.Status).toBe('DISABLED')
    const csr = await createCsr(await generateKeyPair('EC256'), { commonName: 'paused.example.com' })
    const refused = await rejection(issue({ CertificateAuthorityArn: subArn, Csr: csr }))
    expect(refused).toBeInstanceOf(InvalidStateException)
    expect(refused.$metadata?.httpStatusCode).toBe(400)
    await client.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: subArn, Status: 'ACTIVE' }))
    const enabled = await client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: subArn }))
    expect(enabled.CertificateAuthority?.Status).toBe('ACTIVE')
    expect(await issue({ CertificateAuthorityArn: subArn, Csr: csr })).toContain('/certificate/')
  })

  it('writes the CRL distribution point and OCSP URL of the RevocationConfiguration into issued certificates', async () => {
    const input = caConfig('SUBORDINATE', 'Example CRL CA', 'RSA_2048')
    input.RevocationConfiguration = {
      CrlConfiguration: { Enabled: true, ExpirationInDays: 7, CustomCname: 'crl.example.com', S3BucketName: 'b' },
      OcspConfiguration: { Enabled: true, OcspCustomCname: 'ocsp.example.com' },
    }
    const { CertificateAuthorityArn: arn } = await client.send(new CreateCertificateAuthorityCommand(input))
    const { Csr } = await client.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }))
    const { CertificateArn } = await client.send(
      new IssueCertificateCommand({
        CertificateAuthorityArn: root.arn,
        Csr: bytes(Csr as string),
        SigningAlgorithm: 'SHA384WITHECDSA',
        TemplateArn: SUB_TEMPLATE,
        Validity: { Type: 'DAYS', Value: 365 },
      }),
    )
    const signed = await client.send(new GetCertificateCommand({ CertificateAuthorityArn: root.arn, CertificateArn }))
    await client.send(
      new ImportCertificateAuthorityCertificateCommand({
        CertificateAuthorityArn: arn,
        Certificate: bytes(signed.Certificate as string),
        CertificateChain: bytes(signed.CertificateChain as string),
      }),
    )
    const csr = await createCsr(await generateKeyPair('EC256'), { commonName: 'crl.test.example.com' })
    const leafArn = await issue({ CertificateAuthorityArn: arn as string, Csr: csr })
    const leaf = await client.send(new GetCertificateCommand({ CertificateAuthorityArn: arn, CertificateArn: leafArn }))
    const info = parseCertificate(leaf.Certificate as string)
    expect(info.crlUrls).toEqual([`http://crl.example.com/crl/${(arn as string).split('/')[1]}.crl`])
    expect(info.ocspUrls).toEqual(['http://ocsp.example.com'])
    const described = await client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }))
    expect(described.CertificateAuthority?.RevocationConfiguration?.CrlConfiguration?.CustomCname).toBe(
      'crl.example.com',
    )
  })

  it('deletes a CA once it is not ACTIVE (a pending one at once); then it is not found', async () => {
    const doomed = await activeSubordinate(root, 'Example Doomed CA')
    const refused = await rejection(
      client.send(new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn: doomed })),
    )
    expect(refused).toBeInstanceOf(InvalidStateException)
    await client.send(new UpdateCertificateAuthorityCommand({ CertificateAuthorityArn: doomed, Status: 'DISABLED' }))
    await client.send(
      new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn: doomed, PermanentDeletionTimeInDays: 7 }),
    )
    const gone = await rejection(
      client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: doomed })),
    )
    expect(gone).toBeInstanceOf(ResourceNotFoundException)
    const { CertificateAuthorityArn: pending } = await client.send(
      new CreateCertificateAuthorityCommand(caConfig('SUBORDINATE', 'Example Never Signed CA')),
    )
    await client.send(new DeleteCertificateAuthorityCommand({ CertificateAuthorityArn: pending }))
    const list = await client.send(new ListCertificateAuthoritiesCommand({}))
    expect(list.CertificateAuthorities?.map((c) => c.Arn)).not.toContain(pending)
  })

  it('surfaces our errors as the typed exceptions of the SDK', async () => {
    const { CertificateAuthorityArn: pending } = await client.send(
      new CreateCertificateAuthorityCommand(caConfig('SUBORDINATE', 'Example Pending CA')),
    )
    const csr = await createCsr(await generateKeyPair('EC256'), { commonName: 'typed.example.com' })
    const subCertificate = (
      await client.send(new GetCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: subArn }))
    ).Certificate as string
    const cases: [() => Promise<unknown>, abstract new (...args: never[]) => Error][] = [
      // A CA's CSR is gone once it is ACTIVE; a pending CA cannot issue.
      [
        () => client.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: root.arn })),
        InvalidStateException,
      ],
      [() => issue({ CertificateAuthorityArn: pending as string, Csr: csr }), InvalidStateException],
      [
        () => client.send(new GetCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: pending })),
        InvalidStateException,
      ],
      [
        () => client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: UNKNOWN_CA })),
        ResourceNotFoundException,
      ],
      [
        () =>
          client.send(
            new GetCertificateCommand({
              CertificateAuthorityArn: subArn,
              CertificateArn: `${subArn}/certificate/0badc0de`,
            }),
          ),
        ResourceNotFoundException,
      ],
      [() => issue({ CertificateAuthorityArn: subArn, Csr: 'not a CSR' }), MalformedCSRException],
      [() => issue({ CertificateAuthorityArn: subArn, Csr: csr.replace(/A/, 'B') }), MalformedCSRException],
      [
        () => client.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: 'arn:nope' })),
        InvalidArnException,
      ],
      [() => issue({ CertificateAuthorityArn: subArn, Csr: csr, TemplateArn: 'template/x' }), InvalidArnException],
      [
        () => issue({ CertificateAuthorityArn: subArn, Csr: csr, SigningAlgorithm: 'SHA256WITHECDSA' }),
        InvalidArgsException,
      ],
      [
        () => issue({ CertificateAuthorityArn: subArn, Csr: csr, Validity: { Type: 'YEARS', Value: 50 } }),
        InvalidArgsException,
      ],
      [
        () => issue({ CertificateAuthorityArn: subArn, Csr: csr, TemplateArn: ROOT_TEMPLATE }),
        InvalidArgsException, // a SUBORDINATE has no root template
      ],
      [() => client.send(new ListCertificateAuthoritiesCommand({ NextToken: 'garbage' })), InvalidNextTokenException],
      [
        () =>
          client.send(
            new ImportCertificateAuthorityCertificateCommand({
              CertificateAuthorityArn: pending,
              Certificate: bytes('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
            }),
          ),
        MalformedCertificateException,
      ],
      [
        // The issuing CA's certificate does not hold the pending CA's key.
        () =>
          client.send(
            new ImportCertificateAuthorityCertificateCommand({
              CertificateAuthorityArn: pending,
              Certificate: bytes(subCertificate),
              CertificateChain: bytes(root.certificate),
            }),
          ),
        CertificateMismatchException,
      ],
      [
        () =>
          client.send(
            new ImportCertificateAuthorityCertificateCommand({
              CertificateAuthorityArn: pending,
              Certificate: bytes(root.certificate),
            }),
          ),
        InvalidRequestException, // a SUBORDINATE takes no self-signed certificate
      ],
    ]
    for (const [call, type] of cases) {
      const error = await rejection(call())
      expect(error, `${error.name}: ${error.message}`).toBeInstanceOf(type)
      expect(error.$metadata?.httpStatusCode).toBe(400)
      expect(error.message.length).toBeGreaterThan(0)
    }
  })

  it('takes the region of the SigV4 credential scope for the ARNs', async () => {
    const eu = clientFor(server.url, 'eu-west-1')
    try {
      const { CertificateAuthorityArn } = await eu.send(
        new CreateCertificateAuthorityCommand(caConfig('SUBORDINATE', 'Example EU CA')),
      )
      expect(CertificateAuthorityArn).toMatch(/^arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority\//)
    } finally {
      eu.destroy()
    }
  })

  it('creates one CA for one CreateCertificateAuthority IdempotencyToken', async () => {
    const input = { ...caConfig('SUBORDINATE', 'Example Idempotent CA'), IdempotencyToken: 'create-once' }
    const first = await client.send(new CreateCertificateAuthorityCommand(input))
    const second = await client.send(new CreateCertificateAuthorityCommand(input))
    expect(second.CertificateAuthorityArn).toBe(first.CertificateAuthorityArn)
  })
})

describe('AWS Private CA state in a file store', () => {
  it('keeps the CA type and configuration across handlers (the record keeps its aws member)', async () => {
    const dir = tmp.subdir('file-store')
    const passphrase = 'correct horse battery staple'
    const first = await serve(await openFileStore(dir, { passphrase }))
    const firstClient = clientFor(first.url)
    let arn: string | undefined
    try {
      arn = (await firstClient.send(new CreateCertificateAuthorityCommand(caConfig('ROOT', 'File Root CA'))))
        .CertificateAuthorityArn
    } finally {
      firstClient.destroy()
      await first.close()
    }
    const second = await serve(await openFileStore(dir, { passphrase }))
    const secondClient = clientFor(second.url)
    try {
      const { CertificateAuthority } = await secondClient.send(
        new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }),
      )
      expect(CertificateAuthority).toMatchObject({
        Type: 'ROOT',
        Status: 'PENDING_CERTIFICATE',
        CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', Subject: { CommonName: 'File Root CA' } },
      })
      const { Csr } = await secondClient.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }))
      const { CertificateArn } = await secondClient.send(
        new IssueCertificateCommand({
          CertificateAuthorityArn: arn,
          Csr: bytes(Csr as string),
          SigningAlgorithm: 'SHA256WITHECDSA',
          TemplateArn: ROOT_TEMPLATE,
          Validity: { Type: 'END_DATE', Value: 20451231235959 },
        }),
      )
      const { Certificate } = await secondClient.send(
        new GetCertificateCommand({ CertificateAuthorityArn: arn, CertificateArn }),
      )
      // END_DATE in whole days from now (the library's validityDays): never later than asked, less than a day short.
      const notAfter = Date.parse(parseCertificate(Certificate as string).notAfter)
      const asked = Date.UTC(2045, 11, 31, 23, 59, 59)
      expect(notAfter).toBeLessThanOrEqual(asked)
      expect(asked - notAfter).toBeLessThan(86_400_000)
      await secondClient.send(
        new ImportCertificateAuthorityCertificateCommand({
          CertificateAuthorityArn: arn,
          Certificate: bytes(Certificate as string),
        }),
      )
      const after = await secondClient.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }))
      expect(after.CertificateAuthority?.Status).toBe('ACTIVE')
    } finally {
      secondClient.destroy()
      await second.close()
    }
  })
})

describe('AWS Private CA JSON 1.1 over raw HTTP', () => {
  let arn: string
  let pendingArn: string
  let revokedSerial: string
  let pendingRootArn: string
  let otherCsr: string
  let broken: PrivateCaServer
  let storageFailure: PrivateCaServer
  let typeFailure: PrivateCaServer

  beforeAll(async () => {
    const root = await activeRoot('Raw Root CA')
    arn = root.arn
    pendingArn = (await client.send(new CreateCertificateAuthorityCommand(caConfig('SUBORDINATE', 'Raw Pending CA'))))
      .CertificateAuthorityArn as string
    const csr = await createCsr(await generateKeyPair('EC256'), { commonName: 'raw.example.com' })
    otherCsr = csr
    pendingRootArn = (await client.send(new CreateCertificateAuthorityCommand(caConfig('ROOT', 'Raw Pending Root'))))
      .CertificateAuthorityArn as string
    const issued = await issue({ CertificateAuthorityArn: arn, Csr: csr, SigningAlgorithm: 'SHA384WITHECDSA' })
    revokedSerial = issued.split('/').at(-1) as string
    await client.send(
      new RevokeCertificateCommand({
        CertificateAuthorityArn: arn,
        CertificateSerial: revokedSerial,
        RevocationReason: 'SUPERSEDED',
      }),
    )
    broken = await serve(failingStore(store))
    const storageError = async (): Promise<never> => {
      // Storage errors name paths on the emulator's host: the answer must not repeat them.
      throw new PkiStorageError('the store could not be read at /secret/path/cas.json')
    }
    storageFailure = await serve({ ...store, keeps: store.keeps, loadCa: storageError, listCas: storageError })
    const typeError = async (): Promise<never> => {
      throw new TypeError('cannot read properties of undefined at /secret/path/store.ts')
    }
    typeFailure = await serve({ ...store, keeps: store.keeps, loadCa: typeError, listCas: typeError })
  })
  afterAll(async () => {
    await broken?.close()
    await storageFailure?.close()
    await typeFailure?.close()
  })

  function call(operation: string, body: unknown, o: { url?: string; headers?: Record<string, string> } = {}) {
    return fetch(`${o.url ?? server.url}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `ACMPrivateCA.${operation}`,
        // SigV4 headers are taken and not checked.
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/acm-pca/aws4_request, SignedHeaders=host, Signature=00',
        'x-amz-date': '20260101T000000Z',
        ...o.headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  }

  const b64 = (text: string) => Buffer.from(text).toString('base64')

  it('answers an operation with 200, the JSON 1.1 content type and a request id', async () => {
    const response = await call('DescribeCertificateAuthority', { CertificateAuthorityArn: arn })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1')
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
    const body = (await response.json()) as { CertificateAuthority: Record<string, unknown> }
    expect(body.CertificateAuthority).toMatchObject({ Arn: arn, Type: 'ROOT', Status: 'ACTIVE' })
    expect(typeof body.CertificateAuthority.CreatedAt).toBe('number')
    const empty = await call('UpdateCertificateAuthority', { CertificateAuthorityArn: arn, Status: 'ACTIVE' })
    expect(empty.status).toBe(200)
    expect(await empty.json()).toEqual({})
  })

  it('leaves requests that are not JSON 1.1 ACMPrivateCA calls to the other APIs', async () => {
    const handler = createPrivateCaHandler({ store })
    const notOurs: RequestInit[] = [
      { method: 'GET', headers: { 'x-amz-target': 'ACMPrivateCA.ListCertificateAuthorities' } },
      { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{}' },
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-amz-target': 'ACMPrivateCA.ListCertificateAuthorities' },
        body: '{}',
      },
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'CertificateManager.ListCertificates',
        },
        body: '{}',
      },
    ]
    for (const init of notOurs) {
      const request = new Request('http://127.0.0.1/', init)
      expect(await awsApi(request, new URL(request.url), { store } as never)).toBeUndefined()
      expect((await handler(new Request('http://127.0.0.1/', init))).headers.get('x-amzn-errortype')).toBeNull()
    }
    const elsewhere = new Request('http://127.0.0.1/other', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'ACMPrivateCA.ListCertificateAuthorities',
      },
      body: '{}',
    })
    expect(await awsApi(elsewhere, new URL(elsewhere.url), { store } as never)).toBeUndefined()
  })

  const issueInput = (o: Record<string, unknown>) => ({
    CertificateAuthorityArn: arn,
    Csr: b64('x'),
    SigningAlgorithm: 'SHA384WITHECDSA',
    Validity: { Type: 'DAYS', Value: 1 },
    ...o,
  })
  const createInput = (configuration: Record<string, unknown>) => ({
    CertificateAuthorityType: 'ROOT',
    CertificateAuthorityConfiguration: {
      KeyAlgorithm: 'EC_prime256v1',
      SigningAlgorithm: 'SHA256WITHECDSA',
      Subject: { CommonName: 'x' },
      ...configuration,
    },
  })
  const revokeInput = (serial: string) => ({
    CertificateAuthorityArn: arn,
    CertificateSerial: serial,
    RevocationReason: 'KEY_COMPROMISE',
  })
  const badCsr = '-----BEGIN CERTIFICATE REQUEST-----\nMAA=\n-----END CERTIFICATE REQUEST-----\n'

  /** [what, status, __type, () => [operation, body, { url }]] */
  const errors: [string, number, string, () => [string, unknown, { url?: string }?]][] = [
    ['a body that is not JSON', 400, 'SerializationException', () => ['ListCertificateAuthorities', '{"oops']],
    ['a blob that is not base64', 400, 'SerializationException', () => ['IssueCertificate', issueInput({ Csr: '%%' })]],
    ['an operation that is not emulated', 400, 'UnknownOperationException', () => ['TagCertificateAuthority', {}]],
    ['a missing member', 400, 'ValidationException', () => ['DescribeCertificateAuthority', {}]],
    [
      'a value outside an enum',
      400,
      'ValidationException',
      () => ['RevokeCertificate', { ...revokeInput('01'), RevocationReason: 'OOPS' }],
    ],
    ['MaxResults out of range', 400, 'ValidationException', () => ['ListCertificateAuthorities', { MaxResults: 0 }]],
    [
      'a malformed ARN',
      400,
      'InvalidArnException',
      () => ['DescribeCertificateAuthority', { CertificateAuthorityArn: 'arn:aws:s3:::bucket' }],
    ],
    [
      'a malformed certificate ARN',
      400,
      'InvalidArnException',
      () => ['GetCertificate', { CertificateAuthorityArn: arn, CertificateArn: arn }],
    ],
    [
      'an unknown CA',
      400,
      'ResourceNotFoundException',
      () => ['DescribeCertificateAuthority', { CertificateAuthorityArn: UNKNOWN_CA }],
    ],
    [
      'the CSR of an ACTIVE CA',
      400,
      'InvalidStateException',
      () => ['GetCertificateAuthorityCsr', { CertificateAuthorityArn: arn }],
    ],
    [
      'deleting an ACTIVE CA',
      400,
      'InvalidStateException',
      () => ['DeleteCertificateAuthority', { CertificateAuthorityArn: arn }],
    ],
    [
      'issuing from a pending CA',
      400,
      'InvalidStateException',
      () => ['IssueCertificate', issueInput({ CertificateAuthorityArn: pendingArn })],
    ],
    [
      'importing into an ACTIVE CA',
      400,
      'InvalidStateException',
      () => ['ImportCertificateAuthorityCertificate', { CertificateAuthorityArn: arn, Certificate: b64('x') }],
    ],
    [
      'the root template on an ACTIVE ROOT',
      400,
      'InvalidStateException',
      () => ['IssueCertificate', issueInput({ TemplateArn: ROOT_TEMPLATE })],
    ],
    [
      "the root template on a CSR that is not the CA's own",
      400,
      'InvalidArgsException',
      () => [
        'IssueCertificate',
        issueInput({
          CertificateAuthorityArn: pendingRootArn,
          SigningAlgorithm: 'SHA256WITHECDSA',
          TemplateArn: ROOT_TEMPLATE,
          Csr: b64(otherCsr),
        }),
      ],
    ],
    [
      'a CSR that is not one',
      400,
      'MalformedCSRException',
      () => ['IssueCertificate', issueInput({ Csr: b64(badCsr) })],
    ],
    [
      'a CSR blob of DER bytes',
      400,
      'MalformedCSRException',
      () => ['IssueCertificate', issueInput({ Csr: Buffer.from([0x30, 0x82, 0xff, 0xfe]).toString('base64') })],
    ],
    [
      'a validity end in the past',
      400,
      'InvalidArgsException',
      () => ['IssueCertificate', issueInput({ Validity: { Type: 'ABSOLUTE', Value: 1_000_000_000 } })],
    ],
    [
      'an END_DATE that is no date',
      400,
      'InvalidArgsException',
      () => ['IssueCertificate', issueInput({ Validity: { Type: 'END_DATE', Value: 20301345000000 } })],
    ],
    [
      'ValidityNotBefore',
      400,
      'InvalidArgsException',
      () => ['IssueCertificate', issueInput({ ValidityNotBefore: { Type: 'DAYS', Value: 1 } })],
    ],
    [
      'a template that is not emulated',
      400,
      'InvalidArgsException',
      () => [
        'IssueCertificate',
        issueInput({ TemplateArn: 'arn:aws:acm-pca:::template/BlankEndEntityCertificate_APIPassthrough/V1' }),
      ],
    ],
    [
      'a signing algorithm of another hash',
      400,
      'InvalidArgsException',
      () => ['IssueCertificate', issueInput({ SigningAlgorithm: 'SHA256WITHECDSA' })],
    ],
    [
      'a subject member that is not emulated',
      400,
      'InvalidArgsException',
      () => ['CreateCertificateAuthority', createInput({ Subject: { CommonName: 'x', Title: 'Dr' } })],
    ],
    [
      'a subject without a CommonName',
      400,
      'InvalidArgsException',
      () => ['CreateCertificateAuthority', createInput({ Subject: { Organization: 'x' } })],
    ],
    [
      'a country that is not ISO 3166',
      400,
      'InvalidArgsException',
      () => ['CreateCertificateAuthority', createInput({ Subject: { CommonName: 'x', Country: 'XX1' } })],
    ],
    [
      'a key algorithm that is not emulated',
      400,
      'InvalidArgsException',
      () => ['CreateCertificateAuthority', createInput({ KeyAlgorithm: 'SM2', SigningAlgorithm: 'SM3WITHSM2' })],
    ],
    [
      'a status UpdateCertificateAuthority does not set',
      400,
      'InvalidArgsException',
      () => ['UpdateCertificateAuthority', { CertificateAuthorityArn: arn, Status: 'EXPIRED' }],
    ],
    [
      'a certificate blob that is not PEM',
      400,
      'MalformedCertificateException',
      () => ['ImportCertificateAuthorityCertificate', { CertificateAuthorityArn: pendingArn, Certificate: b64('x') }],
    ],
    ['a serial that is not hex', 400, 'InvalidRequestException', () => ['RevokeCertificate', revokeInput('zz')]],
    [
      'a second revocation',
      400,
      'RequestAlreadyProcessedException',
      () => ['RevokeCertificate', revokeInput(revokedSerial)],
    ],
    [
      'a serial this CA never issued',
      400,
      'ResourceNotFoundException',
      () => ['RevokeCertificate', revokeInput('0badc0de')],
    ],
    [
      'a NextToken we never gave',
      400,
      'InvalidNextTokenException',
      () => ['ListCertificateAuthorities', { NextToken: 'AAAA' }],
    ],
    [
      'a store that fails (PkiStorageError)',
      400,
      'RequestFailedException',
      () => ['ListCertificateAuthorities', {}, { url: storageFailure.url }],
    ],
    [
      'a TypeError from the store (a bug, not bad input)',
      500,
      'InternalFailure',
      () => ['ListCertificateAuthorities', {}, { url: typeFailure.url }],
    ],

    [
      'a store that breaks (a plain Error)',
      500,
      'InternalFailure',
      () => ['DescribeCertificateAuthority', { CertificateAuthorityArn: arn }, { url: broken.url }],
    ],
  ]

  it.each(errors)('answers %s with %i %s', async (_what, status, type, make) => {
    const [operation, body, o] = make()
    const response = await call(operation, body, o)
    expect(response.status).toBe(status)
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1')
    expect(response.headers.get('x-amzn-errortype')).toBe(type)
    const payload = (await response.json()) as { __type: string; message: string }
    expect(payload.__type).toBe(type)
    expect(typeof payload.message).toBe('string')
    expect(payload.message.length).toBeGreaterThan(0)
    expect(payload.message).not.toContain('/secret/path')
  })

  it('answers the certificate it issued when the idempotency token cannot be written afterwards', async () => {
    // The certificate is issued and recorded before the token is written: a failed token write must not turn a
    // committed issuance into an error.
    const fail = async (): Promise<never> => {
      throw new PkiStorageError('the store could not be written at /secret/path')
    }
    const handler = createPrivateCaHandler({ store: { ...store, keeps: store.keeps, updateCa: fail } })
    const response = await handler(
      new Request('http://127.0.0.1/', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'ACMPrivateCA.IssueCertificate',
        },
        body: JSON.stringify(issueInput({ Csr: b64(otherCsr), IdempotencyToken: 'token-store-fails' })),
      }),
    )
    expect(response.status).toBe(200)
    const { CertificateArn } = (await response.json()) as { CertificateArn: string }
    const serial = CertificateArn.split('/').at(-1) as string
    expect(await store.getIssued(arn.split('/').at(-1) as string, serial)).toBeDefined()
  })

  it('answers a body larger than MAX_BODY_BYTES with 413, without the Node adapter in front', async () => {
    // The Node adapter limits bodies itself; the handler must too (a Service Worker or Deno.serve serves it bare).
    const handler = createPrivateCaHandler({ store })
    const headers = {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'ACMPrivateCA.ListCertificateAuthorities',
    }
    // A multi-byte character: the limit counts bytes, not UTF-16 units.
    const streamed = new Request('http://127.0.0.1/', {
      method: 'POST',
      headers,
      body: `{"x": "${'\u00e9'.repeat(MAX_BODY_BYTES / 2 + 1)}"}`,
    })
    const declared = new Request('http://127.0.0.1/', {
      method: 'POST',
      headers: { ...headers, 'content-length': String(MAX_BODY_BYTES + 1) },
      body: '{}',
    })
    for (const request of [streamed, declared]) {
      const response = await handler(request)
      expect(response.status).toBe(413)
      expect(response.headers.get('x-amzn-errortype')).toBe('RequestEntityTooLargeException')
    }
  })

  it('answers CertificateMismatchException for a certificate of another key', async () => {
    const own = await client.send(new GetCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: arn }))
    const response = await call('ImportCertificateAuthorityCertificate', {
      CertificateAuthorityArn: pendingArn,
      Certificate: b64(
        // A subordinate certificate for another key: issue one for a fresh CA's CSR.
        await (async () => {
          const other = await client.send(
            new CreateCertificateAuthorityCommand(caConfig('SUBORDINATE', 'Raw Other CA')),
          )
          const { Csr } = await client.send(
            new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: other.CertificateAuthorityArn }),
          )
          const { CertificateArn } = await client.send(
            new IssueCertificateCommand({
              CertificateAuthorityArn: arn,
              Csr: bytes(Csr as string),
              SigningAlgorithm: 'SHA384WITHECDSA',
              TemplateArn: SUB_TEMPLATE,
              Validity: { Type: 'DAYS', Value: 30 },
            }),
          )
          return (await client.send(new GetCertificateCommand({ CertificateAuthorityArn: arn, CertificateArn })))
            .Certificate as string
        })(),
      ),
      CertificateChain: b64(own.Certificate as string),
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('x-amzn-errortype')).toBe('CertificateMismatchException')
  })
})
