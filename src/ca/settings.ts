/** Validating the settings a CA writes into what it issues (URLs, name constraints). */
import { checkNameConstraints } from '../cert/constraints.ts'
import { oid } from '../der/oid.ts'
import { PkiArgumentError } from '../errors.ts'
import type { CaSettings } from './types.ts'

function checkUrl(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`${field} must be a string`)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new PkiArgumentError(field, `${field} is not a URL`)
  }
  // RFC 5280 4.2.1.13 / 4.2.2.1: CRLs and AIA are fetched over HTTP (or LDAP); IA5String means ASCII only.
  if (!['http:', 'https:', 'ldap:'].includes(url.protocol)) {
    throw new PkiArgumentError(field, `${field} must be an http, https or ldap URL`)
  }
  if (/[^\x21-\x7e]/.test(value)) throw new PkiArgumentError(field, `${field} must be ASCII without spaces`)
  return value
}

function checkPolicy(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`${field} must be a string`)
  try {
    oid(value)
  } catch (e) {
    throw new PkiArgumentError(field, `${value} is not an OID`, { cause: e })
  }
  return value
}

/**
 * Checks the CA settings given to createRootCa / createSubordinateCa and returns a clean copy.
 *
 * @example
 * checkSettings({ crlUrls: ['http://pki.example/root.crl'], policies: ['2.23.140.1.2.1'] })
 */
export function checkSettings(o: {
  crlUrls?: unknown
  ocspUrl?: unknown
  caIssuersUrl?: unknown
  nameConstraints?: unknown
  policies?: unknown
}): CaSettings {
  const settings: CaSettings = {}
  if (o.crlUrls !== undefined) {
    if (!Array.isArray(o.crlUrls)) throw new TypeError('crlUrls must be an array of URLs')
    if (o.crlUrls.length) settings.crlUrls = [...new Set(o.crlUrls.map((u, i) => checkUrl(`crlUrls[${i}]`, u)))]
  }
  if (o.ocspUrl !== undefined) settings.ocspUrl = checkUrl('ocspUrl', o.ocspUrl)
  if (o.caIssuersUrl !== undefined) settings.caIssuersUrl = checkUrl('caIssuersUrl', o.caIssuersUrl)
  if (o.policies !== undefined) {
    if (!Array.isArray(o.policies)) throw new TypeError('policies must be an array of OIDs')
    if (o.policies.length) {
      // RFC 5280 4.2.1.4: a policy OID appears at most once.
      settings.policies = [...new Set(o.policies.map((p, i) => checkPolicy(`policies[${i}]`, p)))]
    }
  }
  const nc = checkNameConstraints(o.nameConstraints)
  if (nc) settings.nameConstraints = nc
  return settings
}

/**
 * The settings a CA writes into every certificate it signs (its own name constraints stay in its own certificate).
 *
 * @example
 * createCertificate(crypto, { ...template, ...issuedSettings(ca.settings) }, signer)
 */
export function issuedSettings(
  settings: CaSettings,
): Pick<CaSettings, 'crlUrls' | 'ocspUrl' | 'caIssuersUrl' | 'policies'> {
  const { crlUrls, ocspUrl, caIssuersUrl, policies } = settings
  return {
    ...(crlUrls ? { crlUrls } : {}),
    ...(ocspUrl ? { ocspUrl } : {}),
    ...(caIssuersUrl ? { caIssuersUrl } : {}),
    ...(policies ? { policies } : {}),
  }
}
