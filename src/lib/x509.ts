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
  AuthorityInfoAccessExtension,
  BasicConstraintsExtension,
  CertificatePolicyExtension,
  CRLDistributionPointsExtension,
  ExtendedKeyUsageExtension,
  type Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Pkcs10CertificateRequest,
  X509Certificate,
  X509Crl,
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
  checkReflect()
  try {
    const csr = new Pkcs10CertificateRequest(bufferSource(der))
    return { subjectName: csr.subject, ...readExtensions(csr.extensions) }
  } catch (e) {
    throw new PkiFormatError('the CSR cannot be read', { cause: e })
  }
}

function checkReflect(): void {
  if (!reflectMetadata)
    throw new PkiNotSupportedError('the rich X.509 reader needs Reflect metadata, and Reflect is frozen')
}

/** What the rich reader adds to our own strict reading of a certificate. */
export interface X509CertificateReading {
  subjectName: string
  issuerName: string
  crlUrls: string[]
  ocspUrls: string[]
  caIssuersUrls: string[]
  policies: string[]
}

/**
 * Reads a certificate (already through our own strict reading) with @peculiar/x509 for what people read: names as
 * text, CRL distribution points, authority information access, policies. Any failure is a PkiFormatError.
 *
 * @example
 * readX509Certificate(der).issuerName // 'CN=Example Root CA, O=Example'
 */
export function readX509Certificate(der: Uint8Array): X509CertificateReading {
  checkReflect()
  try {
    const cert = new X509Certificate(bufferSource(der))
    const out: X509CertificateReading = {
      subjectName: cert.subject,
      issuerName: cert.issuer,
      crlUrls: [],
      ocspUrls: [],
      caIssuersUrls: [],
      policies: [],
    }
    for (const e of cert.extensions) {
      if (e instanceof CRLDistributionPointsExtension) {
        for (const point of e.distributionPoints) {
          for (const name of point.distributionPoint?.fullName ?? []) {
            if (name.uniformResourceIdentifier) out.crlUrls.push(name.uniformResourceIdentifier)
          }
        }
      } else if (e instanceof AuthorityInfoAccessExtension) {
        out.ocspUrls = e.ocsp.filter((g) => g.type === 'url').map((g) => g.value)
        out.caIssuersUrls = e.caIssuers.filter((g) => g.type === 'url').map((g) => g.value)
      } else if (e instanceof CertificatePolicyExtension) {
        out.policies = [...e.policies]
      }
    }
    return out
  } catch (e) {
    throw new PkiFormatError('the certificate cannot be read', { cause: e })
  }
}

/**
 * The issuer of a CRL as text, read with @peculiar/x509.
 *
 * @example
 * readX509CrlIssuer(der) // 'CN=Example Issuing CA'
 */
export function readX509CrlIssuer(der: Uint8Array): string {
  checkReflect()
  try {
    return new X509Crl(bufferSource(der)).issuer
  } catch (e) {
    throw new PkiFormatError('the CRL cannot be read', { cause: e })
  }
}
