/** Turns describe()'s plain data into a readable definition list. */
import type { CertificateInfo, CrlInfo, CsrInfo, Description, ExtensionInfo } from '../../src/index.ts'
import { h } from '../ui/dom.ts'

type Row = [string, string]

const KINDS: Readonly<Record<Description['kind'], string>> = {
  certificate: 'Certificate',
  csr: 'Certificate signing request (CSR)',
  crl: 'Certificate revocation list (CRL)',
  privateKey: 'Private key (only its algorithm is shown)',
  encryptedPrivateKey: 'Encrypted private key',
  publicKey: 'Public key',
  pkcs7: 'PKCS#7 bundle',
  ecParameters: 'EC parameters',
}

function keyText(d: { keyType: string | null; keySize: number | null; publicKey: { algorithm: string } }): string {
  return `${d.keyType ?? d.publicKey.algorithm}${d.keySize ? ` (${d.keySize} bits)` : ''}`
}

function json(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v instanceof Uint8Array ? `${v.length} bytes` : v))
}

function names(d: { dnsNames: string[]; emails: string[]; ips: string[]; uris: string[] }): Row[] {
  const all = [...d.dnsNames, ...d.emails, ...d.ips, ...d.uris]
  return all.length ? [['Alternative names', all.join(', ')]] : []
}

function extensionRows(extensions: ExtensionInfo[]): Row[] {
  return extensions.map((e) => [
    `Extension ${e.name ?? e.oid}${e.critical ? ' (critical)' : ''}`,
    typeof e.value === 'string' ? e.value : json(e.value),
  ])
}

function certificateRows(c: CertificateInfo): Row[] {
  return [
    ['Subject', c.subjectDn || '(empty)'],
    ['Issuer', c.issuerDn],
    ['Serial', c.serialNo],
    ['Valid from', c.notBefore],
    ['Valid until', c.notAfter],
    ['Key', keyText(c)],
    ['Signature algorithm', c.signatureAlgorithm],
    ['CA', c.isCa ? `yes${c.pathLen === undefined ? '' : `, path length ${c.pathLen}`}` : 'no'],
    ...names(c),
    ...extensionRows(c.extensions),
    ['SHA-256 fingerprint', c.fingerprints.sha256],
    ['SHA-1 fingerprint', c.fingerprints.sha1],
  ]
}

function csrRows(c: CsrInfo): Row[] {
  return [
    ['Subject', c.subjectDn || '(empty)'],
    ['Key', keyText(c)],
    ['Signature algorithm', c.signatureAlgorithm],
    ...names(c),
  ]
}

function crlRows(c: CrlInfo): Row[] {
  return [
    ['Issuer', c.issuerDn],
    ['This update', c.thisUpdate],
    ['Next update', c.nextUpdate ?? '(none)'],
    ['CRL number', c.crlNumber ?? '(none)'],
    ['Revoked', c.revoked.length ? '' : 'none'],
    ...c.revoked.map((r): Row => [`  ${r.serialNo}`, `${r.revokedAt}, ${r.reason ?? 'unspecified'}`]),
    ...extensionRows(c.extensions),
    ['SHA-256 fingerprint', c.fingerprints.sha256],
  ]
}

function rowsOf(d: Description): Row[] {
  switch (d.kind) {
    case 'certificate':
      return certificateRows(d)
    case 'csr':
      return csrRows(d)
    case 'crl':
      return crlRows(d)
    case 'privateKey':
      return [
        ['Format', d.format],
        ['Key', `${d.keyType ?? d.algorithm}${d.keySize ? ` (${d.keySize} bits)` : ''}`],
      ]
    case 'encryptedPrivateKey':
      return [
        ['Scheme', d.scheme],
        ['Key derivation', `${d.kdf ?? ''} ${d.prf ?? ''}`.trim()],
        ['Iterations', String(d.iterations ?? '')],
        ['Cipher', d.cipher ?? ''],
      ]
    case 'publicKey':
      return [
        ['Format', d.format],
        ['Key', `${d.keyType ?? d.algorithm}${d.keySize ? ` (${d.keySize} bits)` : ''}`],
        ['SHA-256 fingerprint', d.fingerprints.sha256],
      ]
    case 'pkcs7':
      return [
        ...d.certificates.map(
          (c, i): Row => [`Certificate ${i + 1}`, `${c.subjectDn} (issuer ${c.issuerDn}, until ${c.notAfter})`],
        ),
        ['CRLs', String(d.crls.length)],
        ['Signers', String(d.signerCount)],
      ]
    case 'ecParameters':
      return [['Curve', d.namedCurve]]
  }
}

/**
 * One decoded object as a titled definition list.
 *
 * @example
 * slot.append(decodedBlock(describe(pem) as Description, 1))
 */
export function decodedBlock(d: Description, index: number): HTMLElement {
  const rows = [['Kind', KINDS[d.kind]] as Row, ...rowsOf(d)]
  return h(
    'div',
    { class: 'decoded-block' },
    h('h4', {}, `${index}. ${KINDS[d.kind]}`),
    h('dl', { class: 'facts' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
  )
}

/**
 * The certificates in a description list (PKCS#7 bundles opened), in order.
 *
 * @example
 * const [leaf, ...rest] = certificatesOf(list)
 */
export function certificatesOf(list: readonly Description[]): CertificateInfo[] {
  return list.flatMap((d) => (d.kind === 'certificate' ? [d] : d.kind === 'pkcs7' ? d.certificates : []))
}
