/** Small widgets the views share: buttons, PEM viewers, copy buttons, key type and profile choices. */
import { KEY_TYPES } from '../../src/index.ts'
import { copyText, flashCopied } from './clipboard.ts'
import { h } from './dom.ts'
import type { ErrorTarget } from './errors.ts'
import { clearErrors, showError } from './errors.ts'
import { selectField } from './fields.ts'

/** The issuance profiles the page offers (CA certificates come from the CA forms). */
export const PROFILE_CHOICES = ['tls-server', 'tls-client', 'tls-server-client', 'email', 'code-signing'] as const

/**
 * A plain button.
 *
 * @example
 * const b = button('Download CSR', () => downloadFile('a.csr.pem', csr))
 */
export function button(label: string, onClick: (b: HTMLButtonElement) => void, attrs: Record<string, string> = {}) {
  const b = h('button', { type: 'button', ...attrs }, label)
  b.addEventListener('click', () => onClick(b))
  return b
}

/**
 * A button that copies text (computed when clicked) and says so; failures go to the error target's alert.
 *
 * @example
 * copyButton('Copy CSR', () => csr, errors)
 */
export function copyButton(label: string, text: () => string, errors: ErrorTarget): HTMLButtonElement {
  return button(label, async (b) => {
    clearErrors(errors)
    try {
      await copyText(text())
      flashCopied(b)
    } catch (e) {
      showError(errors, e)
    }
  })
}

/**
 * A row of buttons that wraps on narrow screens.
 *
 * @example
 * buttonRow(button('A', f), button('B', g))
 */
export function buttonRow(...buttons: HTMLElement[]): HTMLDivElement {
  return h('div', { class: 'buttons' }, ...buttons)
}

/**
 * A collapsed PEM viewer.
 *
 * @example
 * pemDetails('Certificate (PEM)', certificatePem)
 */
export function pemDetails(summary: string, pem: string): HTMLDetailsElement {
  return h('details', { class: 'pem-view' }, h('summary', {}, summary), h('pre', { tabindex: '0' }, pem))
}

/**
 * The "Key type" select (default EC256).
 *
 * @example
 * const keyType = keyTypeField('root-keyType')
 */
export function keyTypeField(id: string, value = 'EC256') {
  return selectField(
    id,
    'Key type',
    KEY_TYPES.map((k) => [k, k] as const),
    { value, hint: 'RSA4096 takes a few seconds to generate; the page stays usable meanwhile.' },
  )
}

/**
 * The "Profile" select.
 *
 * @example
 * const profile = profileField('issue-profile')
 */
export function profileField(id: string) {
  return selectField(
    id,
    'Profile',
    PROFILE_CHOICES.map((p) => [p, p] as const),
    { value: 'tls-server', hint: 'Decides key usages and extended key usages (the CSR never does).' },
  )
}

/**
 * A submit button.
 *
 * @example
 * form.append(submitButton('Create root CA'))
 */
export function submitButton(label: string): HTMLButtonElement {
  return h('button', { type: 'submit', class: 'primary' }, label)
}

/**
 * A polite note for "done" messages (separate from errors and from the global Progress region).
 *
 * @example
 * const note = doneNote(); note.textContent = 'Created.'
 */
export function doneNote(): HTMLParagraphElement {
  return h('p', { class: 'done', 'aria-live': 'polite' })
}

/**
 * A form named by a heading: `role=form` with that accessible name, never submitted anywhere.
 *
 * @example
 * const form = namedForm('root-title', async () => { ... })
 */
export function namedForm(labelledBy: string, onSubmit: (submitter: HTMLButtonElement) => void): HTMLFormElement {
  const form = h('form', { 'aria-labelledby': labelledBy, novalidate: true })
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const submitter = (e as SubmitEvent).submitter
    const fallback = form.querySelector<HTMLButtonElement>('button[type=submit]')
    const b = submitter instanceof HTMLButtonElement ? submitter : fallback
    if (b && !b.disabled) onSubmit(b)
  })
  return form
}
