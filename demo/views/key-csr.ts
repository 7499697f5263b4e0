/** Section "Key and CSR": a key and CSR for a CA elsewhere, and signing a CSR made elsewhere with a CA here. */
import { createCsr, exportPrivateKey, generateKeyPair, type KeyType, type Profile, signCsr } from '../../src/index.ts'
import type { AppState } from '../state.ts'
import { reload } from '../state.ts'
import { h, replaceChildren } from '../ui/dom.ts'
import { downloadFile, slug } from '../ui/download.ts'
import { alertBox, type ErrorTarget } from '../ui/errors.ts'
import { period, textAreaField, textField } from '../ui/fields.ts'
import { acceptDrop, readPemFile } from '../ui/files.ts'
import { keyMessage, runAction } from '../ui/progress.ts'
import { subjectFields } from '../ui/subject.ts'
import {
  button,
  buttonRow,
  copyButton,
  keyTypeField,
  namedForm,
  pemDetails,
  profileField,
  submitButton,
} from '../ui/widgets.ts'
import { chosenCa, issuingCaField } from './issue.ts'
import { signedRegion } from './results.ts'

function csrRegion(csr: string, privateKey: string, commonName: string): HTMLElement {
  const alert = alertBox()
  const errors: ErrorTarget = { alert, fields: {} }
  const name = slug(commonName)
  return h(
    'div',
    { role: 'region', 'aria-label': 'Generated CSR', class: 'result' },
    h('h4', { tabindex: '-1' }, 'Generated CSR'),
    h(
      'p',
      { class: 'warning' },
      h('strong', {}, 'Save the private key now. '),
      'It was made in this tab for you to keep, and is not stored: it is gone once you leave or reload the page.',
    ),
    buttonRow(
      button('Download CSR', () => downloadFile(`${name}.csr.pem`, csr)),
      copyButton('Copy CSR', () => csr, errors),
      button('Download private key (PEM)', () => downloadFile(`${name}.key.pem`, privateKey)),
    ),
    alert,
    pemDetails('CSR (PEM)', csr),
  )
}

function generateForm(app: AppState): HTMLElement {
  const keyType = keyTypeField('csr-keyType')
  const subject = subjectFields('csr')
  subject.fields.commonName.placeholder = 'e.g. device-17.example.com'
  const alert = alertBox()
  const slot = h('div', { class: 'result-slot' })
  const errors: ErrorTarget = { alert, fields: { ...subject.fields, keyType: keyType.control } }
  const form = namedForm('csr-generate-title', (submit) => {
    const kt = keyType.control.value as KeyType
    void runAction(app.progress, { button: submit, message: keyMessage(kt), errors }, async () => {
      const x509 = subject.read()
      // Extractable: the whole point is to hand this key to its owner.
      const keys = await generateKeyPair(kt, { extractable: true })
      const csr = await createCsr(keys, x509)
      const privateKey = (await exportPrivateKey(keys.privateKey)) as string
      replaceChildren(slot, csrRegion(csr, privateKey, x509.commonName))
      slot.querySelector<HTMLElement>('h4')?.focus()
    })
  })
  form.append(
    h('h3', { id: 'csr-generate-title' }, 'Generate a key and CSR'),
    h('p', { class: 'hint' }, 'For a CA elsewhere (AWS Private CA, OpenSSL, …): the key is made in this tab.'),
    keyType.wrapper,
    subject.fieldset,
    alert,
    submitButton('Generate key and CSR'),
  )
  return h('div', {}, form, slot)
}

function signForm(app: AppState): HTMLElement {
  const csr = textAreaField('signcsr-csr', 'CSR (PEM)', {
    placeholder: '-----BEGIN CERTIFICATE REQUEST-----',
    hint: 'Paste it, or drop a .csr / .pem / DER file here.',
  })
  acceptDrop(csr.control, async (f) => {
    csr.control.value = await readPemFile(f).catch((e: unknown) => String(e))
  })
  const issuer = issuingCaField(app, 'signcsr-ca')
  const profile = profileField('signcsr-profile')
  const days = textField('signcsr-period', 'Period (days or MAX)', { value: '365', hint: '1 to 3650 days, or MAX.' })
  const alert = alertBox()
  const slot = h('div', { class: 'result-slot' })
  const errors: ErrorTarget = { alert, fields: { csr: csr.control, period: days.control, profile: profile.control } }
  const form = namedForm('csr-sign-title', (submit) => {
    void runAction(app.progress, { button: submit, message: 'Checking and signing the CSR…', errors }, async () => {
      const ca = await chosenCa(app, issuer.control)
      const signed = await signCsr(ca, csr.control.value, {
        period: period(days.control.value) ?? 365,
        profile: profile.control.value as Profile,
        store: app.store,
      })
      replaceChildren(slot, signedRegion(signed))
      slot.querySelector<HTMLElement>('h3')?.focus()
      await reload(app)
    })
  })
  form.append(
    h('h3', { id: 'csr-sign-title' }, 'Sign a CSR'),
    h('p', { class: 'hint' }, 'The profile decides key usages and the CA flag; the CSR’s subject and names are kept.'),
    csr.wrapper,
    issuer.wrapper,
    profile.wrapper,
    days.wrapper,
    alert,
    submitButton('Sign CSR'),
  )
  return h('div', {}, form, slot)
}

/**
 * Builds both forms into the section.
 *
 * @example
 * renderKeyCsr(app, byId('key-csr-body', HTMLDivElement))
 */
export function renderKeyCsr(app: AppState, container: HTMLElement): void {
  container.append(generateForm(app), signForm(app))
}
