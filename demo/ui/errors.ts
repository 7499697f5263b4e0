/**
 * Errors where the user looks: a PkiArgumentError's `field` ('commonName', 'altName[2]', 'nameConstraints.
 * permittedDns[0]', ...) goes next to the input it names; everything else into the form's role="alert".
 */
import { PkiArgumentError, PkiChainError, PkiError } from '../../src/index.ts'
import { h } from './dom.ts'
import type { Control } from './fields.ts'

/** Where a form's errors go: inputs by library field name, and the alert for the rest. */
export interface ErrorTarget {
  alert: HTMLElement
  fields: Readonly<Record<string, Control>>
}

/**
 * Makes the role="alert" element of a form or region.
 *
 * @example
 * const alert = alertBox()
 * form.append(alert)
 */
export function alertBox(): HTMLDivElement {
  return h('div', { role: 'alert', class: 'alert' })
}

/**
 * The input a library field name belongs to: exact, then without `[n]` indices, then the last dotted part.
 *
 * @example
 * controlFor({ altName: input }, 'altName[2]') // input
 */
export function controlFor(fields: Readonly<Record<string, Control>>, field: string): Control | undefined {
  const plain = field.replace(/\[\d+\]/g, '')
  const last = plain.split('.').pop() ?? plain
  return fields[field] ?? fields[plain] ?? fields[last]
}

/**
 * A user-facing text for any error: the library's message, a chain error's reason, or the platform's.
 *
 * @example
 * errorText(new TypeError('x')) // 'x'
 */
export function errorText(error: unknown): string {
  if (error instanceof PkiChainError) return `${error.reason}: ${error.message}`
  if (error instanceof PkiError) return error.message
  if (error instanceof DOMException) return `${error.name}: ${error.message}`
  if (error instanceof Error) return error.message
  return String(error)
}

/**
 * Removes every field error and alert text inside a form or region.
 *
 * @example
 * clearErrors(target)
 */
export function clearErrors(target: ErrorTarget): void {
  target.alert.textContent = ''
  for (const control of Object.values(target.fields)) clearFieldError(control)
}

function clearFieldError(control: Control): void {
  const id = `${control.id}-error`
  document.getElementById(id)?.remove()
  control.removeAttribute('aria-invalid')
  const described = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((d) => d && d !== id)
  if (described.length) control.setAttribute('aria-describedby', described.join(' '))
  else control.removeAttribute('aria-describedby')
}

/**
 * Shows a message next to an input: `aria-invalid`, and an element of class `field-error` that the input's
 * `aria-describedby` points at.
 *
 * @example
 * showFieldError(commonNameInput, 'commonName must not be blank')
 */
export function showFieldError(control: Control, message: string): void {
  clearFieldError(control)
  const id = `${control.id}-error`
  const note = h('p', { class: 'field-error', id }, message)
  control.closest('.field')?.append(note) ?? control.after(note)
  control.setAttribute('aria-invalid', 'true')
  const described = (control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean)
  control.setAttribute('aria-describedby', [...described, id].join(' '))
}

/**
 * Shows an error where it belongs and moves focus there: next to the input for a known field, else in the alert.
 *
 * @example
 * try { await createRootCa(o) } catch (e) { showError(target, e) }
 */
export function showError(target: ErrorTarget, error: unknown): void {
  const control = error instanceof PkiArgumentError ? controlFor(target.fields, error.field) : undefined
  if (control) {
    showFieldError(control, errorText(error))
    control.focus()
    return
  }
  target.alert.textContent = errorText(error)
}
