/** Section "Issue a certificate": the cloud CAs' issue form; the new key is made here and shown once. */
import { issueCertificate, type KeyType, type Profile } from '../../src/index.ts'
import { type AppState, activeCas, caOptions, findCa, reload } from '../state.ts'
import { h, replaceChildren } from '../ui/dom.ts'
import { alertBox, type ErrorTarget } from '../ui/errors.ts'
import { period, selectField, setOptions, textField } from '../ui/fields.ts'
import { keyMessage, runAction } from '../ui/progress.ts'
import { subjectFields } from '../ui/subject.ts'
import { keyTypeField, namedForm, profileField, submitButton } from '../ui/widgets.ts'
import { issuedRegion } from './results.ts'

/**
 * An "Issuing CA" select that follows the page's active CAs.
 *
 * @example
 * const issuer = issuingCaField(app, 'issue-ca')
 */
export function issuingCaField(app: AppState, id: string) {
  const field = selectField(id, 'Issuing CA', [], { hint: 'Active CAs on this page.' })
  app.renderers.push(() => {
    const choices = activeCas(app)
    setOptions(field.control, caOptions(choices))
    field.control.disabled = choices.length === 0
  })
  return field
}

/**
 * The issuing CA a select names, loaded from the store (the store holds the truth).
 *
 * @example
 * const ca = await chosenCa(app, select)
 */
export async function chosenCa(app: AppState, select: HTMLSelectElement) {
  const view = findCa(app, select.value)
  if (!view) throw new Error('Choose an issuing CA: create a root CA (or activate a subordinate CA) first.')
  return app.store.loadCa(view.record.id)
}

/**
 * Builds the issue form into its section.
 *
 * @example
 * renderIssue(app, byId('issue-body', HTMLDivElement), 'issue-title')
 */
export function renderIssue(app: AppState, container: HTMLElement, titleId: string): void {
  const issuer = issuingCaField(app, 'issue-ca')
  const keyType = keyTypeField('issue-keyType')
  const days = textField('issue-period', 'Period (days or MAX)', {
    value: '365',
    hint: '1 to 3650 days, or MAX: until the issuing CA’s certificate ends.',
  })
  const subject = subjectFields('issue')
  subject.fields.commonName.placeholder = 'e.g. api.example.com'
  const profile = profileField('issue-profile')
  const alert = alertBox()
  const slot = h('div', { class: 'result-slot' })
  const errors: ErrorTarget = {
    alert,
    fields: { ...subject.fields, keyType: keyType.control, period: days.control, profile: profile.control },
  }
  const form = namedForm(titleId, (submit) => {
    const kt = keyType.control.value as KeyType
    void runAction(app.progress, { button: submit, message: keyMessage(kt), errors }, async () => {
      const ca = await chosenCa(app, issuer.control)
      const issued = await issueCertificate(ca, {
        keyType: kt,
        period: period(days.control.value) ?? 365,
        x509Parameters: subject.read(),
        profile: profile.control.value as Profile,
        store: app.store,
      })
      replaceChildren(slot, issuedRegion(app, issued))
      slot.querySelector<HTMLElement>('h3')?.focus()
      await reload(app)
    })
  })
  form.append(
    h(
      'fieldset',
      {},
      h('legend', {}, 'Issuer and key'),
      issuer.wrapper,
      keyType.wrapper,
      days.wrapper,
      profile.wrapper,
    ),
    subject.fieldset,
    alert,
    submitButton('Issue certificate'),
  )
  container.append(form, slot)
}
