/** Section "Backup and restore": encrypted CA backups (exportCaBackup / importCaBackup) through the store. */
import { exportCaBackup, importCaBackup } from '../../src/index.ts'
import { type AppState, caOptions, findCa, reload } from '../state.ts'
import { h } from '../ui/dom.ts'
import { downloadFile, slug } from '../ui/download.ts'
import { alertBox, type ErrorTarget } from '../ui/errors.ts'
import { fileField, passwordField, selectField, setOptions } from '../ui/fields.ts'
import { runAction } from '../ui/progress.ts'
import { doneNote, namedForm, submitButton } from '../ui/widgets.ts'

function backupForm(app: AppState): HTMLFormElement {
  const ca = selectField('backup-ca', 'CA to back up', [], {
    hint: 'Only CAs made with “Allow encrypted backups” are listed: the others’ keys can never leave this browser.',
  })
  const pass = passwordField('backup-pass', 'Backup passphrase', {
    hint: 'AES-256-GCM under PBKDF2-HMAC-SHA256 (600,000 rounds). Without it the file cannot be opened.',
  })
  app.renderers.push(() => {
    const choices = app.cas.filter((c) => c.record.sealedKey)
    setOptions(ca.control, caOptions(choices))
    ca.control.disabled = choices.length === 0
  })
  const alert = alertBox()
  const note = doneNote()
  const errors: ErrorTarget = { alert, fields: { passphrase: pass.control } }
  const form = namedForm('backup-title', (submit) => {
    note.textContent = ''
    void runAction(app.progress, { button: submit, message: 'Encrypting the backup…', errors }, async () => {
      const view = findCa(app, ca.control.value)
      if (!view) throw new Error('No CA here allows backups: create one with “Allow encrypted backups”.')
      const record = await app.store.loadCa(view.record.id)
      const text = await exportCaBackup(record, { passphrase: pass.control.value, store: app.store })
      downloadFile(`${slug(view.commonName)}.pocket-ca-backup.json`, text, 'application/json')
      note.textContent = `Backup of “${view.commonName}” written. Keep the passphrase apart from the file.`
    })
  })
  form.append(
    h('h3', { id: 'backup-title' }, 'Back up a CA'),
    ca.wrapper,
    pass.wrapper,
    alert,
    submitButton('Download backup'),
    note,
  )
  return form
}

function restoreForm(app: AppState): HTMLFormElement {
  const file = fileField('restore-file', 'Backup file', '.json,application/json')
  const pass = passwordField('restore-pass', 'Restore passphrase')
  const alert = alertBox()
  const note = doneNote()
  const errors: ErrorTarget = { alert, fields: { passphrase: pass.control, file: file.control } }
  const form = namedForm('restore-title', (submit) => {
    note.textContent = ''
    void runAction(app.progress, { button: submit, message: 'Decrypting the backup…', errors }, async () => {
      const f = file.control.files?.[0]
      if (!f) throw new Error('Choose a backup file first.')
      const { ca, issued } = await importCaBackup(await f.text(), { passphrase: pass.control.value, store: app.store })
      app.selectedCaId = ca.id
      await reload(app)
      const name = findCa(app, ca.id)?.commonName ?? ca.id
      note.textContent = `Restored “${name}” with ${issued.length} issued certificate(s).`
    })
  })
  form.append(
    h('h3', { id: 'restore-title' }, 'Restore a backup'),
    file.wrapper,
    pass.wrapper,
    alert,
    submitButton('Restore backup'),
    note,
  )
  return form
}

/**
 * Builds both forms into the section.
 *
 * @example
 * renderBackup(app, byId('backup-body', HTMLDivElement))
 */
export function renderBackup(app: AppState, container: HTMLElement): void {
  container.append(backupForm(app), restoreForm(app))
}
