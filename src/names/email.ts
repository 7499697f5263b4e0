import { normalizeDnsName } from './dns.ts'

// RFC 5321 4.1.2 Dot-string of RFC 5322 atext. Quoted-string local parts are refused: RFC 5321 4.1.2 says they
// SHOULD NOT be used, and an rfc822Name is an IA5String, so non-ASCII local parts (RFC 6531) cannot be held either.
const DOT_STRING = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
const MAX_LOCAL_OCTETS = 64 // RFC 5321 4.5.3.1.1
const MAX_MAILBOX_OCTETS = 254 // RFC 5321 4.5.3.1.3: a 256-octet path less its angle brackets

/**
 * The rfc822Name form of an e-mail address (RFC 5280 4.2.1.6): the local part as given, the domain normalised by
 * {@link normalizeDnsName} (lower-case, punycode A-labels, RFC 9598 3); null when it is not a valid mailbox.
 * Internal: the public check is {@link isEmailAddress}.
 *
 * @example
 * normalizeEmail('Ops@Bücher.Example') // 'Ops@xn--bcher-kva.example'
 */
export function normalizeEmail(text: string): string | null {
  if (typeof text !== 'string') throw new TypeError('the e-mail address must be a string')
  const at = text.lastIndexOf('@')
  if (at < 0) return null
  const local = text.slice(0, at)
  if (local.length > MAX_LOCAL_OCTETS || !DOT_STRING.test(local)) return null
  // A domain literal (`[192.0.2.1]`) is refused: the DNS check below does not accept brackets.
  const domain = normalizeDnsName(text.slice(at + 1))
  if (domain === null) return null
  const mailbox = `${local}@${domain}`
  return mailbox.length <= MAX_MAILBOX_OCTETS ? mailbox : null
}

/**
 * Whether the text is an RFC 5321 mailbox `local@domain` that fits an rfc822Name: a Dot-string local part of at
 * most 64 octets, a valid DNS domain (IDN allowed, it is punycoded), at most 254 octets in all.
 *
 * @example
 * isEmailAddress('ops@example.com') // true
 * isEmailAddress('"quoted"@example.com') // false
 * isEmailAddress('ops@[192.0.2.1]') // false
 */
export function isEmailAddress(text: string): boolean {
  return normalizeEmail(text) !== null
}
