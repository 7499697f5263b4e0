/** Labelled form controls. Every control has a visible <label>; ids are derived from a per-form prefix. */
import { h } from './dom.ts'

/** A form control that field errors can be attached to. */
export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement

/** Options of the field builders. */
export interface FieldOptions {
  /** Default value. */
  value?: string
  /** A hint under the label (linked with aria-describedby). */
  hint?: string
  placeholder?: string
  /** `inputmode`, `autocomplete`, `type`, ... */
  attrs?: Record<string, string>
  required?: boolean
}

/** A control and the wrapper that holds its label, hint and (later) its error. */
export interface Field<T extends Control> {
  wrapper: HTMLDivElement
  control: T
}

function wrap<T extends Control>(id: string, label: string, control: T, o: FieldOptions): Field<T> {
  const hint = o.hint ? h('p', { class: 'hint', id: `${id}-hint` }, o.hint) : null
  if (hint) control.setAttribute('aria-describedby', hint.id)
  if (o.required) control.required = true
  for (const [k, v] of Object.entries(o.attrs ?? {})) control.setAttribute(k, v)
  const wrapper = h('div', { class: 'field' }, h('label', { for: id }, label), control, hint)
  return { wrapper, control }
}

/**
 * A labelled text input.
 *
 * @example
 * const cn = textField('root-cn', 'Common name', { required: true })
 * form.append(cn.wrapper)
 */
export function textField(id: string, label: string, o: FieldOptions = {}): Field<HTMLInputElement> {
  const input = h('input', { id, name: id, type: 'text', value: o.value, placeholder: o.placeholder })
  return wrap(id, label, input, o)
}

/**
 * A labelled password input (not remembered by the browser).
 *
 * @example
 * const pw = passwordField('backup-pw', 'Backup passphrase')
 */
export function passwordField(id: string, label: string, o: FieldOptions = {}): Field<HTMLInputElement> {
  const input = h('input', { id, name: id, type: 'password', autocomplete: 'new-password' })
  return wrap(id, label, input, o)
}

/**
 * A labelled textarea (monospace, for PEM).
 *
 * @example
 * const csr = textAreaField('sign-csr', 'CSR (PEM)', { placeholder: '-----BEGIN CERTIFICATE REQUEST-----' })
 */
export function textAreaField(id: string, label: string, o: FieldOptions = {}): Field<HTMLTextAreaElement> {
  const area = h('textarea', { id, name: id, rows: 6, spellcheck: 'false', placeholder: o.placeholder }, o.value)
  area.classList.add('pem')
  return wrap(id, label, area, o)
}

/**
 * A labelled select; options are [value, text] pairs.
 *
 * @example
 * const kt = selectField('root-kt', 'Key type', [['EC256', 'EC256'], ['RSA2048', 'RSA2048']], { value: 'EC256' })
 */
export function selectField(
  id: string,
  label: string,
  options: readonly (readonly [string, string])[],
  o: FieldOptions = {},
): Field<HTMLSelectElement> {
  const select = h('select', { id, name: id })
  setOptions(select, options, o.value)
  return wrap(id, label, select, o)
}

/**
 * Replaces a select's options, keeping the current choice when it is still offered.
 *
 * @example
 * setOptions(caSelect, cas.map((c) => [c.id, c.commonName]))
 */
export function setOptions(select: HTMLSelectElement, options: readonly (readonly [string, string])[], value?: string) {
  const keep = value ?? select.value
  select.replaceChildren(...options.map(([v, text]) => h('option', { value: v }, text)))
  if (options.some(([v]) => v === keep)) select.value = keep
}

/**
 * A labelled checkbox (label after the box).
 *
 * @example
 * const backup = checkboxField('root-backup', 'Allow encrypted backups', { hint: 'Keeps a sealed key copy.' })
 */
export function checkboxField(id: string, label: string, o: FieldOptions = {}): Field<HTMLInputElement> {
  const input = h('input', { id, name: id, type: 'checkbox' })
  const hint = o.hint ? h('p', { class: 'hint', id: `${id}-hint` }, o.hint) : null
  if (hint) input.setAttribute('aria-describedby', hint.id)
  const wrapper = h('div', { class: 'field checkbox' }, input, h('label', { for: id }, label), hint)
  return { wrapper, control: input }
}

/**
 * A labelled file input.
 *
 * @example
 * const file = fileField('backup-file', 'Backup file', '.json,application/json')
 */
export function fileField(id: string, label: string, accept?: string, o: FieldOptions = {}): Field<HTMLInputElement> {
  const input = h('input', { id, name: id, type: 'file', accept })
  return wrap(id, label, input, o)
}

/**
 * Splits a comma-separated input into trimmed, non-empty items.
 *
 * @example
 * list(' a.example, ,b.example ') // ['a.example', 'b.example']
 */
export function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

/**
 * An optional trimmed text: undefined when empty.
 *
 * @example
 * optional('  ') // undefined
 */
export function optional(value: string): string | undefined {
  const v = value.trim()
  return v === '' ? undefined : v
}

/**
 * A number of days, or undefined when empty. Anything else becomes a number (NaN included), so that the
 * library's own validation answers with a message on the right field.
 *
 * @example
 * whole('3650') // 3650
 */
export function whole(value: string): number | undefined {
  const v = value.trim()
  return v === '' ? undefined : Number(v)
}

/**
 * A period: 'MAX' (any case) or a number of days.
 *
 * @example
 * period('max') // 'MAX'
 */
export function period(value: string): number | 'MAX' | undefined {
  const v = value.trim()
  if (v.toUpperCase() === 'MAX') return 'MAX'
  return whole(v)
}
