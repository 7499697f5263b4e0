/** The subject fields every form that names a subject shares, with the library's names and limits. */
import type { X509Parameters } from '../../src/index.ts'
import { h } from './dom.ts'
import { type Control, list, optional, textField } from './fields.ts'

/** The subject inputs of one form, keyed by X509Parameters field name. */
export interface SubjectFields {
  fieldset: HTMLFieldSetElement
  fields: Record<keyof X509Parameters, HTMLInputElement>
  read: () => X509Parameters
}

const SPEC: readonly (readonly [keyof X509Parameters, string, string?, Record<string, string>?])[] = [
  ['commonName', 'Common name', '1 to 64 characters.', { autocomplete: 'off' }],
  ['altName', 'DNS names and e-mail addresses', 'Comma-separated, e.g. www.example.com, ops@example.com'],
  ['ip', 'IP addresses', 'Comma-separated IPv4 or IPv6, e.g. 10.0.0.5, 2001:db8::5'],
  ['organization', 'Organization', 'Up to 64 characters.'],
  ['organizationUnit', 'Organizational unit'],
  ['locality', 'Locality'],
  ['stateProvince', 'State or province'],
  ['streetAddress', 'Street address'],
  ['country', 'Country', 'Two letters (ISO 3166), e.g. GB.', { maxlength: '2', autocomplete: 'off' }],
]

/**
 * Builds the subject fieldset. `prefix` keeps ids unique per form; `commonName` is the default common name.
 *
 * @example
 * const subject = subjectFields('root', 'Example Root CA')
 * form.append(subject.fieldset)
 * const x509Parameters = subject.read()
 */
export function subjectFields(prefix: string, commonName = ''): SubjectFields {
  const fields = {} as Record<keyof X509Parameters, HTMLInputElement>
  const fieldset = h('fieldset', { class: 'subject' }, h('legend', {}, 'Subject'))
  for (const [name, label, hint, attrs] of SPEC) {
    const field = textField(`${prefix}-${name}`, label, {
      ...(hint ? { hint } : {}),
      ...(attrs ? { attrs } : {}),
      ...(name === 'commonName' ? { value: commonName, required: true } : {}),
    })
    fields[name] = field.control
    fieldset.append(field.wrapper)
  }
  const read = (): X509Parameters => readSubject(fields)
  return { fieldset, fields, read }
}

function readSubject(f: Record<keyof X509Parameters, HTMLInputElement>): X509Parameters {
  const altName = list(f.altName.value)
  const ip = list(f.ip.value)
  const params: X509Parameters = { commonName: f.commonName.value.trim() }
  if (altName.length) params.altName = altName
  if (ip.length) params.ip = ip
  for (const key of ['organization', 'organizationUnit', 'locality', 'stateProvince', 'streetAddress'] as const) {
    const v = optional(f[key].value)
    if (v !== undefined) params[key] = v
  }
  const country = optional(f.country.value)
  if (country !== undefined) params.country = country.toUpperCase()
  return params
}

/**
 * The subject inputs as an error-target field map (library field name -> input).
 *
 * @example
 * const errors = { alert, fields: { ...subjectControls(subject), period: periodInput } }
 */
export function subjectControls(s: SubjectFields): Record<string, Control> {
  return { ...s.fields }
}
