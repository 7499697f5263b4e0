/** Section "Create a subordinate CA": a key and CSR made here; the CA waits for its certificate. */
import { type CreateSubordinateCaOptions, createSubordinateCa, type KeyType } from '../../src/index.ts'
import { type AppState, reload } from '../state.ts'
import { h } from '../ui/dom.ts'
import { alertBox, type ErrorTarget } from '../ui/errors.ts'
import { checkboxField, optional, textField } from '../ui/fields.ts'
import { keyMessage, runAction } from '../ui/progress.ts'
import { subjectFields } from '../ui/subject.ts'
import { doneNote, keyTypeField, namedForm, submitButton } from '../ui/widgets.ts'

/**
 * Builds the subordinate CA form into its section.
 *
 * @example
 * renderCreateSubordinate(app, byId('create-sub-body', HTMLDivElement), 'create-sub-title')
 */
export function renderCreateSubordinate(app: AppState, container: HTMLElement, titleId: string): void {
  const subject = subjectFields('sub', 'Example Issuing CA')
  const keyType = keyTypeField('sub-keyType')
  const crlUrl = textField('sub-crlUrl', 'CRL URL', { hint: 'Optional; written into the certificates it issues.' })
  const ocspUrl = textField('sub-ocspUrl', 'OCSP URL', { hint: 'Optional; written into the certificates it issues.' })
  const backup = checkboxField('sub-allowBackup', 'Allow encrypted backups', {
    hint: 'Keeps a sealed copy of the key for encrypted backups. Leave off for a key that must never leave this browser.',
  })
  const alert = alertBox()
  const note = doneNote()
  const errors: ErrorTarget = {
    alert,
    fields: { ...subject.fields, keyType: keyType.control, crlUrls: crlUrl.control, ocspUrl: ocspUrl.control },
  }
  const form = namedForm(titleId, async (submit) => {
    note.textContent = ''
    const kt = keyType.control.value as KeyType
    await runAction(app.progress, { button: submit, message: keyMessage(kt), errors }, async () => {
      const crl = optional(crlUrl.control.value)
      const ocsp = optional(ocspUrl.control.value)
      const o: CreateSubordinateCaOptions = {
        subject: subject.read(),
        keyType: kt,
        allowBackup: backup.control.checked,
        store: app.store,
        ...(crl ? { crlUrls: [crl] } : {}),
        ...(ocsp ? { ocspUrl: ocsp } : {}),
      }
      const ca = await createSubordinateCa(o)
      app.selectedCaId = ca.id
      await reload(app)
      note.textContent = `Created “${o.subject.commonName}”, pending its certificate: get its CSR signed in the CA details.`
    })
  })
  form.append(
    subject.fieldset,
    h('fieldset', {}, h('legend', {}, 'CA settings'), keyType.wrapper, crlUrl.wrapper, ocspUrl.wrapper, backup.wrapper),
    alert,
    submitButton('Create subordinate CA'),
    note,
  )
  container.append(form)
}
