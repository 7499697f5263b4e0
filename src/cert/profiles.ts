/**
 * Certificate profiles as data: each decides basicConstraints, keyUsage and extKeyUsage, whatever a CSR asks for
 * (DESIGN.md: never copy a CSR's requested CA flag or key usages).
 *
 * | profile             | basicConstraints | keyUsage (critical)                                      | extKeyUsage               | SAN from commonName |
 * |---------------------|------------------|----------------------------------------------------------|---------------------------|---------------------|
 * | `root-ca`           | CA:TRUE, pathLen | keyCertSign, cRLSign                                      | —                         | no                  |
 * | `subordinate-ca`    | CA:TRUE, pathLen | keyCertSign, cRLSign                                      | —                         | no                  |
 * | `tls-server`        | CA:FALSE         | digitalSignature (+ keyEncipherment for RSA keys)         | serverAuth                | DNS name or IP      |
 * | `tls-client`        | CA:FALSE         | digitalSignature                                          | clientAuth                | no                  |
 * | `tls-server-client` | CA:FALSE         | digitalSignature (+ keyEncipherment for RSA keys)         | serverAuth, clientAuth    | DNS name or IP      |
 * | `email`             | CA:FALSE         | digitalSignature, nonRepudiation (+ keyEncipherment, RSA) | emailProtection           | e-mail address      |
 * | `code-signing`      | CA:FALSE         | digitalSignature                                          | codeSigning               | no                  |
 */
import { EXT_KEY_USAGES, type KeyUsage } from './types.ts'

/**
 * The profile names.
 *
 * @example
 * const profile: Profile = 'tls-client'
 */
export type Profile =
  | 'root-ca'
  | 'subordinate-ca'
  | 'tls-server'
  | 'tls-client'
  | 'tls-server-client'
  | 'email'
  | 'code-signing'

/**
 * What a profile writes.
 *
 * @example
 * const spec: ProfileSpec = PROFILES['email']
 */
export interface ProfileSpec {
  isCa: boolean
  keyUsage: readonly KeyUsage[]
  /** Added for RSA subject keys, which TLS 1.2 RSA key exchange and S/MIME encryption use (RFC 5280 4.2.1.3). */
  rsaKeyUsage: readonly KeyUsage[]
  extKeyUsage: readonly string[]
  /** Whether the commonName is also written into the SAN, and as what. */
  commonNameInSan: 'dns-or-ip' | 'email' | false
}

const CA: ProfileSpec = {
  isCa: true,
  keyUsage: ['keyCertSign', 'cRLSign'],
  rsaKeyUsage: [],
  extKeyUsage: [],
  commonNameInSan: false,
}

/**
 * The profile table.
 *
 * @example
 * PROFILES['tls-server'].extKeyUsage // ['1.3.6.1.5.5.7.3.1']
 */
export const PROFILES: Readonly<Record<Profile, ProfileSpec>> = {
  'root-ca': CA,
  'subordinate-ca': CA,
  'tls-server': {
    isCa: false,
    keyUsage: ['digitalSignature'],
    rsaKeyUsage: ['keyEncipherment'],
    extKeyUsage: [EXT_KEY_USAGES.serverAuth],
    commonNameInSan: 'dns-or-ip',
  },
  'tls-client': {
    isCa: false,
    keyUsage: ['digitalSignature'],
    rsaKeyUsage: [],
    extKeyUsage: [EXT_KEY_USAGES.clientAuth],
    commonNameInSan: false,
  },
  'tls-server-client': {
    isCa: false,
    keyUsage: ['digitalSignature'],
    rsaKeyUsage: ['keyEncipherment'],
    extKeyUsage: [EXT_KEY_USAGES.serverAuth, EXT_KEY_USAGES.clientAuth],
    commonNameInSan: 'dns-or-ip',
  },
  email: {
    isCa: false,
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    rsaKeyUsage: ['keyEncipherment'],
    extKeyUsage: [EXT_KEY_USAGES.emailProtection],
    commonNameInSan: 'email',
  },
  'code-signing': {
    isCa: false,
    keyUsage: ['digitalSignature'],
    rsaKeyUsage: [],
    extKeyUsage: [EXT_KEY_USAGES.codeSigning],
    commonNameInSan: false,
  },
}
