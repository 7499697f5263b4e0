/** Test-only access to a CA's signing context, to build certificates that pocket-ca itself would refuse to make. */

import { type CaContext, caContext } from '../../src/ca/signer.ts'
import type { CertificateAuthority } from '../../src/ca/types.ts'

export function signingContextForTests(ca: CertificateAuthority): Promise<CaContext> {
  return caContext(crypto, ca)
}
