/**
 * The single importer of @peculiar/x509 (DESIGN.md, Layout): the rich DER reader behind parse functions.
 * @peculiar/x509 2.x uses tsyringe, which throws at import unless `Reflect.getMetadata` exists. So this module first
 * imports lib/reflect.ts, which installs our minimal Reflect metadata polyfill if (and only if) the global has no
 * `Reflect.getMetadata`: an app's own polyfill is left alone, and users never need one. ES modules evaluate imports
 * in order, so the polyfill is in place before @peculiar/x509 and tsyringe run. The import is of a value
 * (`reflectMetadata`) that {@link readX509Csr} reads, because bundlers drop a bare `import './reflect.ts'` from a
 * package with `"sideEffects": false`.
 * Nothing that only *creates* DER imports this module, so a bundle of key generation and CSRs stays without it.
 */
// biome-ignore-start assist/source/organizeImports: the polyfill must be evaluated before @peculiar/x509
import { reflectMetadata } from './reflect.ts'
import {
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  type Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Pkcs10CertificateRequest,
} from '@peculiar/x509'
// biome-ignore-end assist/source/organizeImports: the order above matters
import { PkiFormatError, PkiNotSupportedError } from '../errors.ts'
import { bufferSource } from './bytes.ts'

/** Key usage names (RFC 5280 4.2.1.3) by their @peculiar/x509 flag. */
const KEY_USAGE_NAMES: [number, string][] = [
  [KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [KeyUsageFlags.cRLSign, 'cRLSign'],
  [KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [KeyUsageFlags.decipherOnly, 'decipherOnly'],
]

/** What the rich reader adds to our own strict reading of a CSR. */
export interface X509CsrReading {
  subjectName: string
  basicConstraints?: { ca: boolean; pathLen?: number }
  keyUsage?: string[]
  extKeyUsage?: string[]
}

type ExtensionReading = Pick<X509CsrReading, 'basicConstraints' | 'keyUsage' | 'extKeyUsage'>

function readExtensions(extensions: readonly Extension[]): ExtensionReading {
  const out: ExtensionReading = {}
  for (const e of extensions) {
    if (e instanceof BasicConstraintsExtension) {
      out.basicConstraints = { ca: e.ca, ...(e.pathLength !== undefined ? { pathLen: e.pathLength } : {}) }
    } else if (e instanceof KeyUsagesExtension) {
      out.keyUsage = KEY_USAGE_NAMES.filter(([flag]) => (e.usages & flag) !== 0).map(([, name]) => name)
    } else if (e instanceof ExtendedKeyUsageExtension) {
      out.extKeyUsage = e.usages.map(String)
    }
  }
  return out
}

/**
 * Reads a CSR (already through our own strict reading) with @peculiar/x509; any failure there is a PkiFormatError.
 * PkiNotSupportedError where no Reflect metadata could be installed (a frozen `Reflect`).
 *
 * @example
 * readX509Csr(der).subjectName // 'CN=api.example.com'
 */
export function readX509Csr(der: Uint8Array): X509CsrReading {
  if (!reflectMetadata)
    throw new PkiNotSupportedError('the rich X.509 reader needs Reflect metadata, and Reflect is frozen')
  try {
    const csr = new Pkcs10CertificateRequest(bufferSource(der))
    return { subjectName: csr.subject, ...readExtensions(csr.extensions) }
  } catch (e) {
    throw new PkiFormatError('the CSR cannot be read', { cause: e })
  }
}
