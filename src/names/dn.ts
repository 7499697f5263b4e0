/**
 * Distinguished names as RFC 4514 strings: the form LDAP, Go's `pkix.Name.String()` and `openssl -nameopt RFC2253`
 * print, so a name can be compared and searched for as text.
 */
import { OID } from '../der/oid.ts'
import { toHex, utf8 } from '../lib/bytes.ts'
import type { NameAttributeValue } from './decode.ts'

/**
 * RFC 4514 section 3: the short names a string representation uses. Every other attribute type (emailAddress and
 * serialNumber among them) is written as its dotted OID, and then section 2.4 requires its value in hex.
 */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  [OID.commonName]: 'CN',
  [OID.locality]: 'L',
  [OID.stateProvince]: 'ST',
  [OID.organization]: 'O',
  [OID.organizationUnit]: 'OU',
  [OID.country]: 'C',
  [OID.streetAddress]: 'STREET',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
}

/** RFC 4514 2.4: the characters escaped with a backslash wherever they occur. */
const SPECIAL = new Set(['"', '+', ',', ';', '<', '>', '\\'])

/** Control characters (C0, DEL, C1): escaped as hex pairs so a name can never break a line or a terminal. */
function isControl(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)
}

function hexPairs(ch: string): string {
  return Array.from(utf8(ch), (b) => `\\${b.toString(16).padStart(2, '0').toUpperCase()}`).join('')
}

/**
 * Escapes an attribute value as RFC 4514 section 2.4 asks: `"` `+` `,` `;` `<` `>` `\` anywhere, a space or `#`
 * at the start, a space at the end, NUL as `\00`. The section lets other characters be escaped as hex pairs; we do
 * so for control characters only, and leave all other Unicode as it is (UTF-8 in the string, as the RFC says).
 *
 * @example
 * escapeDnValue(' Acme, Inc.') // '\\ Acme\\, Inc.'
 */
export function escapeDnValue(value: string): string {
  const chars = Array.from(value)
  return chars
    .map((ch, i) => {
      const cp = ch.codePointAt(0) as number
      if (isControl(cp)) return hexPairs(ch)
      if (SPECIAL.has(ch)) return `\\${ch}`
      if (i === 0 && (ch === ' ' || ch === '#')) return `\\${ch}`
      if (i === chars.length - 1 && ch === ' ') return '\\ '
      return ch
    })
    .join('')
}

function formatAttribute(a: NameAttributeValue): string {
  const short = SHORT_NAMES[a.oid]
  // RFC 4514 2.4: a dotted type, or a value with no string form, is `#` and the hex of the value's encoding.
  if (short === undefined || a.opaque) return `${short ?? a.oid}=#${toHex(a.der)}`
  return `${short}=${escapeDnValue(a.value)}`
}

/**
 * A Name as an RFC 4514 string: RDNs from the last to the first (section 2.1), separated by `,`; the attributes of a
 * multi-valued RDN joined by `+` (section 2.2); short names for the types of section 3 and dotted OIDs otherwise
 * (section 2.3); values escaped as section 2.4 says. An empty Name is the empty string.
 *
 * @example
 * formatDn(readRdns(subjectNode)) // 'CN=api.example.com,O=Example\\, Inc.,C=GB'
 */
export function formatDn(rdns: readonly (readonly NameAttributeValue[])[]): string {
  return rdns
    .map((rdn) => rdn.map(formatAttribute).join('+'))
    .reverse()
    .join(',')
}
