import { passesBidiRule, toALabel } from './idna.ts'

// UTS #46 section 2.3 treats these full stops as label separators too, so a name typed with an ideographic or
// full-width dot is split where its user meant it to be.
const LABEL_SEPARATOR = /[.\u3002\uff0e\uff61]/
const NUMERIC = /^[0-9]+$/
const MAX_NAME_OCTETS = 253 // RFC 1035 2.3.4: 255 octets in wire form, i.e. 253 in text without the final dot

/**
 * Checks and normalises a DNS name for a dNSName (RFC 5280 4.2.1.6: preferred name syntax, RFC 1034 3.5): LDH labels
 * of 1..63 octets, at most 253 octets in all, no trailing dot, a top-level label that is not all digits (RFC 3696
 * 2, which also keeps IPv4 literals out). Unicode labels are lower-cased, NFC-normalised and converted to punycode
 * A-labels (RFC 5891, RFC 3492), checked against an approximation of RFC 5892 and the Bidi Rule of RFC 5893;
 * existing `xn--` labels must be valid A-labels. With `wildcard: true` the whole left-most label may be `*`,
 * followed by at least two labels (RFC 6125 6.4.3; no `*.com`). Returns the lower-cased name, or null if it is not
 * a valid name. Single-label names (`localhost`, `db1`) are valid: this is a private CA.
 *
 * @example
 * normalizeDnsName('WWW.Example.COM') // 'www.example.com'
 * normalizeDnsName('bücher.example') // 'xn--bcher-kva.example'
 * normalizeDnsName('*.example.com', { wildcard: true }) // '*.example.com'
 * normalizeDnsName('*.com', { wildcard: true }) // null
 * normalizeDnsName('10.0.0.1') // null
 */
export function normalizeDnsName(name: string, o?: { wildcard?: boolean }): string | null {
  if (typeof name !== 'string') throw new TypeError('the DNS name must be a string')
  const labels = name.split(LABEL_SEPARATOR)
  const wildcard = labels[0] === '*'
  if (wildcard && (o?.wildcard !== true || labels.length < 3)) return null
  const ascii: string[] = []
  const unicode: string[] = []
  for (const label of wildcard ? labels.slice(1) : labels) {
    const checked = toALabel(label)
    if (checked === null) return null
    ascii.push(checked.ascii)
    unicode.push(checked.unicode)
  }
  if (NUMERIC.test(ascii[ascii.length - 1] as string) || !passesBidiRule(unicode)) return null
  const result = (wildcard ? '*.' : '') + ascii.join('.')
  return result.length <= MAX_NAME_OCTETS ? result : null
}
