/** Reading files the user opens or drops: PEM as text, DER turned into PEM with the label its structure tells. */
import { type Description, describe, encodePem } from '../../src/index.ts'

const LABELS: Readonly<Record<string, string>> = {
  certificate: 'CERTIFICATE',
  csr: 'CERTIFICATE REQUEST',
  crl: 'X509 CRL',
  encryptedPrivateKey: 'ENCRYPTED PRIVATE KEY',
  pkcs7: 'PKCS7',
  ecParameters: 'EC PARAMETERS',
}

function labelOf(d: Description): string {
  if (d.kind === 'privateKey')
    return { pkcs8: 'PRIVATE KEY', pkcs1: 'RSA PRIVATE KEY', sec1: 'EC PRIVATE KEY' }[d.format]
  if (d.kind === 'publicKey') return d.format === 'spki' ? 'PUBLIC KEY' : 'RSA PUBLIC KEY'
  return LABELS[d.kind] ?? 'UNKNOWN'
}

/**
 * PEM text from file bytes: text files as they are, DER converted (PkiFormatError if it is not a PKI object).
 *
 * @example
 * const pem = pemFromBytes(new Uint8Array(await file.arrayBuffer()))
 */
export function pemFromBytes(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes)
  if (text.includes('-----BEGIN ')) return text
  const d = describe(bytes)
  return encodePem(labelOf(Array.isArray(d) ? (d[0] as Description) : d), bytes)
}

/**
 * Reads a file as PEM text (see {@link pemFromBytes}).
 *
 * @example
 * input.onchange = async () => { area.value = await readPemFile(input.files[0]) }
 */
export async function readPemFile(file: Blob): Promise<string> {
  return pemFromBytes(new Uint8Array(await file.arrayBuffer()))
}

/**
 * Makes an element accept dropped files: `onFile` gets the first one. The element shows a highlight while a file
 * is over it.
 *
 * @example
 * acceptDrop(textarea, async (file) => { textarea.value = await readPemFile(file) })
 */
export function acceptDrop(zone: HTMLElement, onFile: (file: File) => void): void {
  zone.addEventListener('dragover', (e) => {
    e.preventDefault()
    zone.classList.add('drag-over')
  })
  zone.addEventListener('dragleave', () => zone.classList.remove('drag-over'))
  zone.addEventListener('drop', (e) => {
    e.preventDefault()
    zone.classList.remove('drag-over')
    const file = e.dataTransfer?.files[0]
    if (file) onFile(file)
  })
}

/**
 * Stops a file dropped outside a drop zone from replacing the page (the browser's default).
 *
 * @example
 * guardPageDrops(document)
 */
export function guardPageDrops(doc: Document): void {
  doc.addEventListener('dragover', (e) => e.preventDefault())
  doc.addEventListener('drop', (e) => e.preventDefault())
}
