/** Certificate serial numbers (RFC 5280 4.1.2.2; CA/B Forum BR 7.1: at least 64 bits from a CSPRNG). */

/** Random octets in a serial: 128 bits, twice what the Baseline Requirements ask for. */
const SERIAL_BYTES = 16

/**
 * A fresh serial: 16 bytes from `crypto.getRandomValues`, the high bit cleared so the INTEGER is positive without a
 * sign octet, drawn again when the first octet is then zero (1 in 128), so every serial is exactly 16 content octets
 * (minimal DER, never zero, 127 bits of which 120+ random: well over the Baseline Requirements' 64, under RFC 5280's
 * 20 octets).
 *
 * @example
 * const serial = randomSerial(crypto) // Uint8Array(16) [0x4f, 0x0a, …]
 */
export function randomSerial(crypto: Crypto): Uint8Array {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(SERIAL_BYTES))
    bytes[0] = (bytes[0] as number) & 0x7f
    if (bytes[0] !== 0) return bytes
  }
}

/** Each octet's upper-case hex: formatSerial runs on every issuance. */
const HEX_UPPER = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'))

/**
 * The serial's value in colon-separated upper-case hex, as OpenSSL prints it (no 00 sign octet): the `serialNo` of
 * the cloud CA APIs. Takes the INTEGER content octets.
 *
 * @example
 * formatSerial(Uint8Array.of(0x00, 0x8f, 0x0a)) // '8F:0A'
 */
export function formatSerial(content: Uint8Array): string {
  let start = 0
  while (start < content.length - 1 && content[start] === 0) start++
  let text = HEX_UPPER[content[start] as number] as string
  for (let i = start + 1; i < content.length; i++) text += `:${HEX_UPPER[content[i] as number]}`
  return text
}

/**
 * Parses a serial given as colon hex (`4F:0A`, groups of two digits) or plain hex (`4f0a`, any case), with or
 * without a 00 sign octet, into the canonical colon form; null if it is not such hex or is zero (RFC 5280 4.1.2.2:
 * serials are positive).
 *
 * @example
 * normalizeSerial('4f0a') // '4F:0A'
 * normalizeSerial('1:2:3') // null: a colon form needs two digits a group
 */
export function normalizeSerial(text: string): string | null {
  const trimmed = text.trim()
  if (trimmed.includes(':') ? !/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*$/.test(trimmed) : !/^[0-9a-fA-F]+$/.test(trimmed)) {
    return null
  }
  const hex = trimmed.replace(/:/g, '')
  const padded = hex.length % 2 ? `0${hex}` : hex
  const bytes = new Uint8Array(padded.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(padded.slice(i * 2, i * 2 + 2), 16)
  if (bytes.every((b) => b === 0)) return null
  return formatSerial(bytes)
}
