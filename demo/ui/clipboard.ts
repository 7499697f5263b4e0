/** Copy to the clipboard: the async Clipboard API, with the old execCommand way as a fallback. */
import { h } from './dom.ts'

function legacyCopy(text: string): boolean {
  const area = h('textarea', { readonly: true, class: 'offscreen', 'aria-hidden': 'true' }, text)
  document.body.append(area)
  area.select()
  try {
    return document.execCommand('copy')
  } finally {
    area.remove()
  }
}

/**
 * Copies text; throws if neither way works (the caller shows the error).
 *
 * @example
 * await copyText(csrPem)
 */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
    return
  } catch {
    if (legacyCopy(text)) return
  }
  throw new Error('The browser refused the clipboard: select the text and copy it by hand.')
}

/**
 * A short-lived "Copied" note next to a button (its own polite live region).
 *
 * @example
 * flashCopied(button)
 */
export function flashCopied(button: HTMLElement): void {
  const note = h('span', { class: 'copied', role: 'status' }, 'Copied to the clipboard.')
  button.after(note)
  setTimeout(() => note.remove(), 2500)
}
