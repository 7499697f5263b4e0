/** Validating the settings a CA writes into what it issues (URLs, name constraints). */
import { checkNameConstraints } from '../cert/constraints.ts'
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
    if (o.crlUrls.length) settings.crlUrls = o.crlUrls.map((u, i) => checkUrl(`crlUrls[${i}]`, u))
  }
  if (o.ocspUrl !== undefined) settings.ocspUrl = checkUrl('ocspUrl', o.ocspUrl)
  if (o.caIssuersUrl !== undefined) settings.caIssuersUrl = checkUrl('caIssuersUrl', o.caIssuersUrl)
  if (o.policies !== undefined) {
    if (!Array.isArray(o.policies)) throw new TypeError('policies must be an array of OIDs')
    if (o.policies.length) {
      settings.policies = o.policies.map((p, i) => {
        if (typeof p !== 'string') throw new TypeError(`policies[${i}] must be a string`)
        if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(p))
          throw new PkiArgumentError(`policies[${i}]`, `${p} is not a dotted OID`)
        return p
      })
    }
  }
  const nc = checkNameConstraints(o.nameConstraints)
  if (nc) settings.nameConstraints = nc
  return settings
}
