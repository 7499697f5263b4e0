/**
 * A root made the AWS way (a pending CA signs its own CSR, then imports the certificate without a chain): OpenSSL
 * accepts the root as a CA and a leaf issued by it verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSubordinateCa, importCaCertificate, issueCertificate, selfSignCaCertificate } from '../../src/index.ts'
import { makeTempDir, mustRun, type TempDir } from './tools.ts'

let tmp: TempDir
beforeAll(() => {
  tmp = makeTempDir('self-sign-interop')
})
afterAll(() => tmp?.remove())

describe('self-signed CA certificate', () => {
  it('openssl verifies the self-signed root and a leaf it issues', async () => {
    const pending = await createSubordinateCa({
      subject: { commonName: 'AWS-way Root', organization: 'O' },
      keyType: 'EC384',
    })
    const certificate = await selfSignCaCertificate(pending, { validityDays: 365, pathLen: 0 })
    const root = await importCaCertificate(pending, certificate)
    expect(root.status).toBe('ACTIVE')
    // Shorter than the root's 365 days: a default 365-day leaf made a second later would outlive it.
    const leaf = await issueCertificate(root, { period: 30, x509Parameters: { commonName: 'aws-way.example' } })
    const rootFile = tmp.file('root.pem', certificate)
    const text = mustRun('openssl', ['x509', '-in', rootFile, '-noout', '-text']).stdout
    expect(text).toMatch(/CA:TRUE, pathlen:0/)
    expect(text).toMatch(/Certificate Sign, CRL Sign/)
    const verified = mustRun('openssl', [
      'verify',
      '-x509_strict',
      '-CAfile',
      rootFile,
      '-verify_hostname',
      'aws-way.example',
      tmp.file('leaf.pem', leaf.certificate),
    ])
    expect(verified.stdout).toMatch(/: OK/)
  })
})
