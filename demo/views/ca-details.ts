/**
 * The "CA details" region of the selected CA. Pending: its CSR (download, copy), "Sign here" with a parent on this
 * page, or "Import a signed certificate" made elsewhere. Active or disabled: downloads, CRL, disable/enable, and the
 * registry of issued certificates with revocation.
 */
import {
  disableCa,
  enableCa,
  generateCrl,
  getCaCsr,
  importCaCertificate,
  PkiArgumentError,
  PkiKeyMismatchError,
  parseCertificate,
  parseCsr,
  REVOCATION_REASONS,
  type RevocationReason,
  revokeCertificate,
  signSubordinateCa,
} from '../../src/index.ts'
import { type AppState, activeCas, type CaView, caChainPem, caOptions, day, findCa, reload } from '../state.ts'
import { h, replaceChildren } from '../ui/dom.ts'
import { downloadFile, slug } from '../ui/download.ts'
import { alertBox, type ErrorTarget } from '../ui/errors.ts'
import { fileField, period, selectField, textAreaField, textField, whole } from '../ui/fields.ts'
import { acceptDrop, readPemFile } from '../ui/files.ts'
import { runAction } from '../ui/progress.ts'
import { button, buttonRow, copyButton, namedForm, pemDetails, submitButton } from '../ui/widgets.ts'

function facts(ca: CaView): HTMLDListElement {
  const r = ca.record
  const rows: [string, string][] = [
    ['Status', ca.status],
    ['Key type', r.keyType],
  ]
  if (ca.info) {
    rows.push(
      ['Subject', ca.info.subjectDn],
      ['Issuer', ca.info.issuerDn],
      ['Serial', ca.info.serialNo],
      ['Valid', `${day(ca.info.notBefore)} to ${day(ca.info.notAfter)}`],
      ['Path length', ca.info.pathLen === undefined ? 'unlimited' : String(ca.info.pathLen)],
      ['SHA-256 fingerprint', ca.info.fingerprints.sha256],
    )
    const nc = ca.info.nameConstraints
    if (nc?.permittedDns?.length) rows.push(['Permitted DNS subtrees', nc.permittedDns.join(', ')])
    if (nc?.excludedDns?.length) rows.push(['Excluded DNS subtrees', nc.excludedDns.join(', ')])
  } else if (r.csr) {
    rows.push(['Subject', parseCsr(r.csr).subjectDn])
  }
  if (r.settings.crlUrls?.length) rows.push(['CRL URL', r.settings.crlUrls.join(', ')])
  if (r.settings.ocspUrl) rows.push(['OCSP URL', r.settings.ocspUrl])
  rows.push(['Encrypted backups', r.sealedKey ? 'allowed' : 'not allowed (the key never leaves this browser)'])
  rows.push(['CRLs published', String(r.crlNumber)])
  return h('dl', { class: 'facts' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))
}

// ---- pending CA --------------------------------------------------------------------------------------------------

function signHere(app: AppState, ca: CaView): HTMLFormElement {
  const parents = activeCas(app).filter((c) => c.record.id !== ca.record.id)
  const parent = selectField('sign-parent', 'Parent CA', caOptions(parents), {
    hint: parents.length ? 'Active CAs on this page.' : 'No active CA on this page yet: create a root CA first.',
  })
  const validity = textField('sign-period', 'Validity (days or MAX)', {
    value: 'MAX',
    hint: 'MAX: as long as the parent CA allows.',
  })
  const pathLen = textField('sign-pathLen', 'Path length', {
    hint: 'CA levels allowed below this CA. Empty: 0 (it issues end-entity certificates only).',
    attrs: { inputmode: 'numeric' },
  })
  const alert = alertBox()
  const errors: ErrorTarget = { alert, fields: { period: validity.control, pathLen: pathLen.control } }
  const form = namedForm('sign-here-title', (submit) => {
    void runAction(app.progress, { button: submit, message: 'Signing the CA certificate…', errors }, async () => {
      const chosen = findCa(app, parent.control.value)
      if (!chosen) throw new Error('Choose a parent CA (create a root CA first).')
      const p = await app.store.loadCa(chosen.record.id)
      const pl = whole(pathLen.control.value)
      const certificate = await signSubordinateCa(p, await getCaCsr(ca.record), {
        period: period(validity.control.value) ?? 'MAX',
        ...(pl !== undefined ? { pathLen: pl } : {}),
      })
      await importCaCertificate(ca.record, certificate, [p.certificate ?? '', ...p.chain], { store: app.store })
      await reload(app)
    })
  })
  form.append(
    h('h4', { id: 'sign-here-title' }, 'Sign here'),
    parent.wrapper,
    validity.wrapper,
    pathLen.wrapper,
    alert,
    submitButton('Sign and import'),
  )
  return form
}

/** Puts each certificate of a file where it belongs: this CA's own (same subject as its CSR) or the chain. */
function sortCertificates(pem: string, ownSubject: string, cert: HTMLTextAreaElement, chain: HTMLTextAreaElement) {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []
  if (blocks.length === 0) throw new Error('The file holds no certificate.')
  for (const block of blocks) {
    let subject = ''
    try {
      subject = parseCertificate(block).subjectDn
    } catch {
      // Left for importCaCertificate to refuse with its own message.
    }
    if (subject === ownSubject || (cert.value.trim() === '' && blocks.length === 1)) cert.value = `${block}\n`
    else if (!chain.value.includes(block))
      chain.value = `${chain.value.trim() ? `${chain.value.trim()}\n` : ''}${block}\n`
  }
}

function importForm(app: AppState, ca: CaView): HTMLFormElement {
  const cert = textAreaField('import-certificate', 'Signed certificate (PEM)', {
    placeholder: '-----BEGIN CERTIFICATE-----',
    hint: 'The certificate the parent CA (OpenSSL, a cloud CA, …) made from this CSR. DER files are accepted too.',
  })
  const chain = textAreaField('import-chain', 'Issuer chain (PEM)', {
    placeholder: '-----BEGIN CERTIFICATE-----',
    hint: 'The issuer certificate and those above it, up to and including the root.',
  })
  const file = fileField('import-file', 'Certificate file', '.pem,.crt,.cer,.der,.txt')
  const zone = h(
    'div',
    { class: 'drop-zone', 'aria-hidden': 'true' },
    'Or drop certificate files here: this CA’s certificate fills the first box, its issuers the chain.',
  )
  const alert = alertBox()
  const errors: ErrorTarget = {
    alert,
    fields: { certificate: cert.control, chain: chain.control, file: file.control },
  }
  const ownSubject = ca.record.csr ? parseCsr(ca.record.csr).subjectDn : ''
  const take = async (f: File) => {
    try {
      sortCertificates(await readPemFile(f), ownSubject, cert.control, chain.control)
      alert.textContent = ''
    } catch (e) {
      alert.textContent = e instanceof Error ? e.message : String(e)
    }
  }
  file.control.addEventListener('change', () => {
    const f = file.control.files?.[0]
    if (f) void take(f)
  })
  for (const target of [zone, cert.control, chain.control]) acceptDrop(target, (f) => void take(f))
  const form = namedForm('import-title', (submit) => {
    void runAction(
      app.progress,
      { button: submit, message: 'Checking and importing the certificate…', errors },
      async () => {
        try {
          await importCaCertificate(ca.record, cert.control.value, chain.control.value, { store: app.store })
        } catch (e) {
          if (e instanceof PkiKeyMismatchError) throw new PkiArgumentError('certificate', e.message)
          throw e
        }
        await reload(app)
      },
    )
  })
  form.append(
    h('h4', { id: 'import-title' }, 'Import a signed certificate'),
    cert.wrapper,
    chain.wrapper,
    file.wrapper,
    zone,
    alert,
    submitButton('Import certificate'),
  )
  return form
}

function pendingPart(app: AppState, ca: CaView, errors: ErrorTarget): HTMLElement[] {
  const csr = ca.record.csr ?? ''
  const name = slug(ca.commonName)
  return [
    h(
      'p',
      {},
      'This CA waits for its certificate. Have its CSR signed by a parent CA, here or anywhere else (e.g. ',
      h('code', {}, 'openssl x509 -req -CA root.pem -CAkey root.key -extfile ca.ext'),
      '), then import the certificate with its issuer chain.',
    ),
    buttonRow(
      button('Download CSR', () => downloadFile(`${name}.csr.pem`, csr)),
      copyButton('Copy CSR', () => csr, errors),
    ),
    pemDetails('CSR (PEM)', csr),
    signHere(app, ca),
    importForm(app, ca),
  ]
}

// ---- active CA ---------------------------------------------------------------------------------------------------

const REASONS = (Object.keys(REVOCATION_REASONS) as RevocationReason[]).filter((r) => r !== 'removeFromCRL')

function revokeControls(app: AppState, ca: CaView, serial: string, errors: ErrorTarget): HTMLElement {
  const reason = h(
    'select',
    { 'aria-label': `Revocation reason for ${serial}` },
    ...REASONS.map((r) => h('option', { value: r }, r)),
  )
  const revoke = button(
    'Revoke',
    (b) =>
      void runAction(app.progress, { button: b, message: `Revoking ${serial}…`, errors }, async () => {
        const record = await app.store.loadCa(ca.record.id)
        await revokeCertificate(record, serial, reason.value, { store: app.store })
        await reload(app)
      }),
    { 'aria-label': `Revoke ${serial}`, class: 'danger' },
  )
  return h('div', { class: 'revoke' }, reason, revoke)
}

function issuedTable(app: AppState, ca: CaView, errors: ErrorTarget): HTMLElement {
  if (ca.issued.length === 0) {
    return h('p', { class: 'empty' }, 'No certificate issued yet: use “Issue a certificate” or “Sign a CSR”.')
  }
  const now = new Date()
  const rows = ca.issued.map((c) => {
    const revoked = c.entry.status === 'REVOKED'
    const status = revoked ? `Revoked (${c.entry.revocation?.reason})` : c.notAfter < now ? 'Expired' : 'Valid'
    const download = button('PEM', () => downloadFile(`${slug(c.commonName)}.pem`, c.entry.certificate), {
      'aria-label': `Download certificate ${c.entry.serialNo}`,
    })
    return h(
      'tr',
      { 'data-serial': c.entry.serialNo },
      h('td', {}, h('code', {}, c.entry.serialNo)),
      h('td', {}, c.entry.subject || '(empty)'),
      h('td', {}, day(c.notAfter)),
      h('td', {}, status),
      h(
        'td',
        {},
        h(
          'div',
          { class: 'row-actions' },
          download,
          revoked ? null : revokeControls(app, ca, c.entry.serialNo, errors),
        ),
      ),
    )
  })
  const head = ['Serial', 'Subject', 'Expires', 'Status', 'Actions'].map((t) => h('th', { scope: 'col' }, t))
  return h(
    'div',
    { class: 'table-scroll', tabindex: '0', role: 'group', 'aria-label': 'Issued certificates (scrolls sideways)' },
    h(
      'table',
      {},
      h('caption', {}, 'Issued certificates'),
      h('thead', {}, h('tr', {}, ...head)),
      h('tbody', {}, ...rows),
    ),
  )
}

function statusButton(app: AppState, ca: CaView, errors: ErrorTarget): HTMLButtonElement {
  const disabled = ca.record.status === 'DISABLED'
  const label = disabled ? 'Enable CA' : 'Disable CA'
  return button(label, (b) => {
    void runAction(
      app.progress,
      { button: b, message: `${disabled ? 'Enabling' : 'Disabling'} the CA…`, errors },
      async () => {
        const record = await app.store.loadCa(ca.record.id)
        await (disabled ? enableCa : disableCa)(record, { store: app.store })
        await reload(app)
      },
    )
  })
}

function activePart(app: AppState, ca: CaView, errors: ErrorTarget): HTMLElement[] {
  const r = ca.record
  const name = slug(ca.commonName)
  const der = ca.info?.der ?? new Uint8Array()
  const crl = button('Download CRL', (b) => {
    void runAction(app.progress, { button: b, message: 'Signing the CRL…', errors }, async () => {
      const record = await app.store.loadCa(r.id)
      const { crl: pem } = await generateCrl(record, { store: app.store })
      downloadFile(`${name}.crl.pem`, pem)
      await reload(app)
    })
  })
  return [
    buttonRow(
      button('Download certificate (PEM)', () => downloadFile(`${name}.pem`, r.certificate ?? '')),
      button('Download certificate (DER)', () => downloadFile(`${name}.der`, der, 'application/pkix-cert')),
      button('Download chain (PEM)', () => downloadFile(`${name}-chain.pem`, caChainPem(r))),
      copyButton('Copy certificate', () => r.certificate ?? '', errors),
      crl,
      statusButton(app, ca, errors),
    ),
    h('p', { class: 'hint' }, 'The chain file holds this CA’s certificate followed by its issuers up to the root.'),
    pemDetails('Certificate (PEM)', r.certificate ?? ''),
    issuedTable(app, ca, errors),
  ]
}

function deletePart(app: AppState, ca: CaView, errors: ErrorTarget): HTMLElement {
  const box = h('div', { class: 'delete' })
  const ask = button('Delete CA…', () => {
    const yes = button(
      'Delete for good',
      (b) =>
        void runAction(app.progress, { button: b, message: 'Deleting the CA…', errors }, async () => {
          await app.store.deleteCa(ca.record.id)
          app.selectedCaId = null
          await reload(app)
        }),
      { class: 'danger' },
    )
    const no = button('Keep it', () => replaceChildren(box, ask))
    replaceChildren(
      box,
      h(
        'p',
        {},
        `Delete “${ca.commonName}” and its registry from this browser? Without a backup its key is gone for good.`,
      ),
      buttonRow(yes, no),
    )
    no.focus()
  })
  box.append(ask)
  return box
}

/** The state that decides whether the details need drawing again (so typed text survives unrelated changes). */
function detailsKey(app: AppState, ca: CaView | undefined): string {
  if (!ca) return ''
  const r = ca.record
  const parents = activeCas(app).map((c) => `${c.record.id}=${c.commonName}`)
  const issued = ca.issued.map((c) => c.entry.status).join()
  return [r.id, ca.status, r.revoked.length, issued, r.crlNumber, ...parents].join('|')
}

/**
 * Builds the details container and registers its renderer (it draws the selected CA, or nothing).
 *
 * @example
 * renderCaDetails(app, byId('ca-details-slot', HTMLDivElement))
 */
export function renderCaDetails(app: AppState, container: HTMLElement): void {
  let drawn = ''
  app.renderers.push(() => {
    const ca = findCa(app, app.selectedCaId)
    const key = detailsKey(app, ca)
    if (key === drawn) return
    drawn = key
    if (!ca) {
      replaceChildren(container, h('p', { class: 'empty' }, 'Select a CA in the tree to see its details.'))
      return
    }
    const alert = alertBox()
    const errors: ErrorTarget = { alert, fields: {} }
    const body = ca.status === 'Pending certificate' ? pendingPart(app, ca, errors) : activePart(app, ca, errors)
    const region = h(
      'div',
      { role: 'region', 'aria-label': 'CA details', class: 'details' },
      h('h3', { tabindex: '-1' }, ca.commonName),
      facts(ca),
      alert,
      ...body,
      deletePart(app, ca, errors),
    )
    replaceChildren(container, region)
  })
}
