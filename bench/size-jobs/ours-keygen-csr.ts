/** Job (a) with pocket-ca: an EC P-256 key pair and a PKCS#10 CSR for size.example. */
import { createCsr, generateKeyPair } from '../../src/index.ts'

/**
 * Makes an EC P-256 key pair and a CSR with CN=size.example and the DNS SAN size.example.
 *
 * @example
 * const { csr } = await job()
 */
export async function job(): Promise<{ csr: string }> {
  const keys = await generateKeyPair('EC256')
  const csr = await createCsr(keys, { commonName: 'size.example', altName: 'size.example' })
  return { csr }
}
