/** Section "Create a root CA": every option of createRootCa, persisted in the store. */
import { type CreateRootCaOptions, createRootCa, type KeyType, type NameConstraints } from '../../src/index.ts'
import { type AppState, reload } from '../state.ts'
import { h } from '../ui/dom.ts'
import { alertBox, type ErrorTarget } from '../ui/errors.ts'
import { checkboxField, list, optional, textField, whole } from '../ui/fields.ts'
import { keyMessage, runAction } from '../ui/progress.ts'
import { subjectFields } from '../ui/subject.ts'
import { doneNote, keyTypeField, namedForm, submitButton } from '../ui/widgets.ts'

function nameConstraints(permitted: string, excluded: string): NameConstraints | undefined {
  const nc: NameConstraints = {}
  if (list(permitted).length) nc.permittedDns = list(permitted)
  if (list(excluded).length) nc.excludedDns = list(excluded)
  return Object.keys(nc).length ? nc : undefined
}

/**
 * Builds the root CA form into its section.
 *
 * @example
 * renderCreateRoot(app, byId('create-root-body', HTMLDivElement), 'create-root-title')
 */
export function renderCreateRoot(app: AppState, container: HTMLElement, titleId: string): void {
  const subject = subjectFields('root', 'Example Root CA')
  const keyType = keyTypeField('root-keyType')
  const validity = textField('root-validityDays', 'Validity (days)', {
    value: '3650',
    hint: '1 to 36500 days.',
    attrs: { inputmode: 'numeric' },
  })
  const pathLen = textField('root-pathLen', 'Path length', {
    hint: 'How many CA levels may sit below this root. Empty: unlimited.',
    attrs: { inputmode: 'numeric' },
  })
  const permitted = textField('root-permittedDns', 'Permitted DNS subtrees', {
    hint: 'Optional name constraints, comma-separated, e.g. example.com, .internal',
  })
  const excluded = textField('root-excludedDns', 'Excluded DNS subtrees', { hint: 'Comma-separated.' })
  const crlUrl = textField('root-crlUrl', 'CRL URL', { hint: 'Written into the certificates this CA issues.' })
  const ocspUrl = textField('root-ocspUrl', 'OCSP URL', { hint: 'Written into the certificates this CA issues.' })
  const backup = checkboxField('root-allowBackup', 'Allow encrypted backups', {
    hint: 'Keeps a sealed copy of the key so that it can be exported, encrypted, to a backup file. Leave off for a key that must never leave this browser.',
  })
  const alert = alertBox()
  const note = doneNote()
  const errors: ErrorTarget = {
    alert,
    fields: {
      ...subject.fields,
      keyType: keyType.control,
      validityDays: validity.control,
      pathLen: pathLen.control,
      'nameConstraints.permittedDns': permitted.control,
      'nameConstraints.excludedDns': excluded.control,
      crlUrls: crlUrl.control,
      ocspUrl: ocspUrl.control,
    },
  }
  const form = namedForm(titleId, async (submit) => {
    note.textContent = ''
    const kt = keyType.control.value as KeyType
    await runAction(app.progress, { button: submit, message: keyMessage(kt), errors }, async () => {
      const crl = optional(crlUrl.control.value)
      const ocsp = optional(ocspUrl.control.value)
      const nc = nameConstraints(permitted.control.value, excluded.control.value)
      const o: CreateRootCaOptions = {
        subject: subject.read(),
        keyType: kt,
        validityDays: whole(validity.control.value) ?? 3650,
        allowBackup: backup.control.checked,
        store: app.store,
        ...(crl ? { crlUrls: [crl] } : {}),
        ...(ocsp ? { ocspUrl: ocsp } : {}),
        ...(nc ? { nameConstraints: nc } : {}),
      }
      const pl = whole(pathLen.control.value)
      if (pl !== undefined) o.pathLen = pl
      const ca = await createRootCa(o)
      app.selectedCaId = ca.id
      await reload(app)
      note.textContent = `Created the root CA “${o.subject.commonName}”: it is selected under Certificate authorities.`
    })
  })
  form.append(
    subject.fieldset,
    h(
      'fieldset',
      {},
      h('legend', {}, 'CA settings'),
      keyType.wrapper,
      validity.wrapper,
      pathLen.wrapper,
      permitted.wrapper,
      excluded.wrapper,
      crlUrl.wrapper,
      ocspUrl.wrapper,
      backup.wrapper,
    ),
    alert,
    submitButton('Create root CA'),
    note,
  )
  container.append(form)
}
