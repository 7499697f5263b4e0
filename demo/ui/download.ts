/** Downloads made in the tab: a Blob and an <a download>, nothing sent anywhere. */
import { h } from './dom.ts'

/**
 * A file name part from a common name: lower-cased, every run of characters outside [a-z0-9] made one '-'.
 *
 * @example
 * slug('Example Root CA') // 'example-root-ca'
 */
export function slug(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9]+/g, '-')
  return s === '' || s === '-' ? 'pocket-ca' : s
}

/**
 * Saves text or bytes as a file.
 *
 * @example
 * downloadFile('api.pem', certificatePem, 'application/x-pem-file')
 */
export function downloadFile(name: string, data: string | Uint8Array, type = 'application/x-pem-file'): void {
  const part: BlobPart = typeof data === 'string' ? data : new Uint8Array(data)
  const url = URL.createObjectURL(new Blob([part], { type }))
  const link = h('a', { href: url, download: name, hidden: true })
  document.body.append(link)
  link.click()
  link.remove()
  // The download has its own copy once started; give it a moment before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
