/**
 * Certificate extensions (RFC 5280 section 4.2), each a complete DER `Extension`. Defaults are omitted (critical
 * FALSE, GeneralSubtree minimum 0) as DER requires.
 */
import { OID, oid } from '../der/oid.ts'
import { boolean, contextTag, integer, namedBits, octetString, sequence } from '../der/writer.ts'
import { utf8 } from '../lib/bytes.ts'
import { encodeGeneralNames, encodeName, type GeneralNamesInput } from '../names/encode.ts'
import { directoryNameAttributes, parseCidr } from './constraints.ts'
import { KEY_USAGE_BITS, type KeyUsage, type NameConstraints } from './types.ts'

const NO_BYTES = new Uint8Array(0)

/**
 * One Extension: extnID, critical only when TRUE, extnValue wrapping the value's DER.
 *
 * @example
 * extension(OID.keyUsage, true, namedBits([5, 6]))
 */
export function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return sequence(oid(id), critical ? boolean(true) : NO_BYTES, octetString(value))
}

/**
 * basicConstraints, critical (RFC 5280 4.2.1.9: CAs MUST mark it critical; we do for end entities too).
 *
 * @example
 * basicConstraints(true, 0) // CA:TRUE, pathlen:0
 */
export function basicConstraints(isCa: boolean, pathLen?: number): Uint8Array {
  const value = sequence(isCa ? boolean(true) : NO_BYTES, isCa && pathLen !== undefined ? integer(pathLen) : NO_BYTES)
  return extension(OID.basicConstraints, true, value)
}

/**
 * keyUsage, critical (RFC 5280 4.2.1.3: SHOULD be critical).
 *
 * @example
 * keyUsage(['keyCertSign', 'cRLSign'])
 */
export function keyUsage(usages: readonly KeyUsage[]): Uint8Array {
  return extension(OID.keyUsage, true, namedBits(usages.map((u) => KEY_USAGE_BITS.indexOf(u))))
}

/**
 * extKeyUsage, not critical (CA/B Forum BR 7.1.2.7.10).
 *
 * @example
 * extKeyUsage(['1.3.6.1.5.5.7.3.1'])
 */
export function extKeyUsage(oids: readonly string[]): Uint8Array {
  return extension(OID.extKeyUsage, false, sequence(...oids.map((o) => oid(o))))
}

/**
 * subjectKeyIdentifier (RFC 5280 4.2.1.2).
 *
 * @example
 * subjectKeyIdentifier(keyIdentifier(spki))
 */
export function subjectKeyIdentifier(keyId: Uint8Array): Uint8Array {
  return extension(OID.subjectKeyIdentifier, false, octetString(keyId))
}

/**
 * authorityKeyIdentifier with keyIdentifier [0] only (RFC 5280 4.2.1.1).
 *
 * @example
 * authorityKeyIdentifier(issuerSki)
 */
export function authorityKeyIdentifier(keyId: Uint8Array): Uint8Array {
  return extension(OID.authorityKeyIdentifier, false, sequence(contextTag(0, false, keyId)))
}

/**
 * subjectAltName; critical when the subject is empty (RFC 5280 4.2.1.6).
 *
 * @example
 * subjectAltName({ dnsNames: ['a.example'] }, false)
 */
export function subjectAltName(names: GeneralNamesInput, critical: boolean): Uint8Array {
  return extension(OID.subjectAltName, critical, encodeGeneralNames(names))
}

/**
 * cRLDistributionPoints: one DistributionPoint whose fullName lists every URL (alternative locations of one CRL).
 * DistributionPointName is a CHOICE, so its [0] tag is explicit; fullName [0] is implicit GeneralNames.
 *
 * @example
 * crlDistributionPoints(['http://pki.example/root.crl'])
 */
export function crlDistributionPoints(urls: readonly string[]): Uint8Array {
  const fullName = contextTag(0, true, ...urls.map((u) => contextTag(6, false, utf8(u))))
  return extension(OID.crlDistributionPoints, false, sequence(sequence(contextTag(0, true, fullName))))
}

/**
 * authorityInfoAccess with OCSP and caIssuers URLs (RFC 5280 4.2.2.1).
 *
 * @example
 * authorityInfoAccess('http://ocsp.example', 'http://pki.example/ca.cer')
 */
export function authorityInfoAccess(ocspUrl?: string, caIssuersUrl?: string): Uint8Array {
  const entries: Uint8Array[] = []
  if (ocspUrl) entries.push(sequence(oid('1.3.6.1.5.5.7.48.1'), contextTag(6, false, utf8(ocspUrl))))
  if (caIssuersUrl) entries.push(sequence(oid('1.3.6.1.5.5.7.48.2'), contextTag(6, false, utf8(caIssuersUrl))))
  return extension(OID.authorityInfoAccess, false, sequence(...entries))
}

/**
 * certificatePolicies with policy OIDs and no qualifiers (RFC 5280 4.2.1.4).
 *
 * @example
 * certificatePolicies(['2.23.140.1.2.1'])
 */
export function certificatePolicies(policies: readonly string[]): Uint8Array {
  return extension(OID.certificatePolicies, false, sequence(...policies.map((p) => sequence(oid(p)))))
}

function subtrees(tag: number, nc: NameConstraints, kind: 'permitted' | 'excluded'): Uint8Array {
  const dns = (kind === 'permitted' ? nc.permittedDns : nc.excludedDns) ?? []
  const ips = (kind === 'permitted' ? nc.permittedIps : nc.excludedIps) ?? []
  const emails = (kind === 'permitted' ? nc.permittedEmails : nc.excludedEmails) ?? []
  const dirs = (kind === 'permitted' ? nc.permittedDirectoryNames : nc.excludedDirectoryNames) ?? []
  const bases = [
    ...emails.map((e) => contextTag(1, false, utf8(e))),
    ...dns.map((d) => contextTag(2, false, utf8(d))),
    ...dirs.map((d) => contextTag(4, true, encodeName(directoryNameAttributes(d)))),
    ...ips.map((cidr) => {
      const { address, mask } = parseCidr(cidr) as { address: Uint8Array; mask: Uint8Array }
      return contextTag(7, false, address, mask)
    }),
  ]
  if (bases.length === 0) return NO_BYTES
  return contextTag(tag, true, ...bases.map((b) => sequence(b)))
}

/**
 * nameConstraints, critical (RFC 5280 4.2.1.10: MUST be critical), CAs only. Inputs are already validated.
 *
 * @example
 * nameConstraintsExtension({ permittedDns: ['corp.example'] })
 */
export function nameConstraintsExtension(nc: NameConstraints): Uint8Array {
  return extension(OID.nameConstraints, true, sequence(subtrees(0, nc, 'permitted'), subtrees(1, nc, 'excluded')))
}
