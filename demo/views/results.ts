/** The result regions of issuance: what was made, and every form to take it away in. */
import {
  exportPkcs12,
  exportPrivateKey,
  type IssuedCertificate,
  importPrivateKey,
  PkiArgumentError,
  parseCertificate,
} from '../../src/index.ts'
import { type AppState, day, pemBlock } from '../state.ts'
import { h } from '../ui/dom.ts'
import { downloadFile, slug } from '../ui/download.ts'
import { alertBox, type ErrorTarget } from '../ui/errors.ts'
import { passwordField } from '../ui/fields.ts'
import { runAction } from '../ui/progress.ts'
import { button, buttonRow, copyButton, pemDetails } from '../ui/widgets.ts'

/** A certificate with its issuers, as the results show it. */
export interface CertResult {
  certificate: string
  serialNo: string
  /** Issuer first, up to the root. */
  caChain: string
}

function summary(certificate: string): { dl: HTMLDListElement; name: string } {
  const info = parseCertificate(certificate)
  const name = slug(info.subject.commonName ?? info.serialNo)
  const rows: [string, string][] = [
    ['Serial', info.serialNo],
    ['Subject', info.subjectDn || '(empty)'],
    ['Issuer', info.issuerDn],
    ['Valid', `${day(info.notBefore)} to ${day(info.notAfter)}`],
    ['Key', `${info.keyType ?? info.publicKey.algorithm}`],
  ]
  if (info.dnsNames.length + info.emails.length + info.ips.length > 0) {
    rows.push(['Alternative names', [...info.dnsNames, ...info.emails, ...info.ips].join(', ')])
  }
  if (info.extKeyUsage?.length) rows.push(['Extended key usage', info.extKeyUsage.join(', ')])
  const dl = h('dl', { class: 'facts' }, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))
  return { dl, name }
}

function certButtons(r: CertResult, name: string, errors: ErrorTarget): HTMLButtonElement[] {
  const der = parseCertificate(r.certificate).der
  return [
    button('Download certificate (PEM)', () => downloadFile(`${name}.pem`, r.certificate)),
    button('Download certificate (DER)', () => downloadFile(`${name}.der`, der, 'application/pkix-cert')),
    button('Download chain (PEM)', () => downloadFile(`${name}-chain.pem`, r.caChain)),
    button('Download full chain (PEM)', () =>
      downloadFile(`${name}-fullchain.pem`, pemBlock(r.certificate) + r.caChain),
    ),
    copyButton('Copy certificate', () => r.certificate, errors),
  ]
}

function encryptedKeyPart(app: AppState, issued: IssuedCertificate, name: string, alert: HTMLElement): HTMLElement {
  const pass = passwordField('issued-key-pass', 'Key passphrase', {
    hint: 'Encrypted PKCS#8 (PBKDF2-HMAC-SHA256, AES-256-CBC), as `openssl pkey -passin` reads it.',
  })
  const errors: ErrorTarget = { alert, fields: { passphrase: pass.control } }
  const go = button('Download encrypted private key', (b) => {
    void runAction(app.progress, { button: b, message: 'Encrypting the private key…', errors }, async () => {
      const passphrase = pass.control.value
      // exportPrivateKey without a passphrase writes the key in the clear: never here.
      if (passphrase === '') throw new PkiArgumentError('passphrase', 'Enter a passphrase to encrypt the key with.')
      const keys = await importPrivateKey(issued.privateKey, { extractable: true })
      const pem = await exportPrivateKey(keys.privateKey, { passphrase })
      downloadFile(`${name}.key.enc.pem`, pem as string)
    })
  })
  return h('div', { class: 'inline-form' }, pass.wrapper, go)
}

function pkcs12Part(app: AppState, issued: IssuedCertificate, name: string, alert: HTMLElement): HTMLElement {
  const pass = passwordField('issued-p12-pass', 'PKCS#12 passphrase', {
    hint: 'Key, certificate and chain in one .p12 file for OS and browser key stores.',
  })
  const errors: ErrorTarget = { alert, fields: { passphrase: pass.control } }
  const go = button('Download PKCS#12', (b) => {
    void runAction(app.progress, { button: b, message: 'Writing the PKCS#12 file…', errors }, async () => {
      const friendlyName = parseCertificate(issued.certificate).subject.commonName
      const p12 = await exportPkcs12({
        privateKey: issued.privateKey,
        certificate: issued.certificate,
        chain: issued.caChain,
        passphrase: pass.control.value,
        ...(friendlyName ? { friendlyName } : {}),
      })
      downloadFile(`${name}.p12`, p12, 'application/x-pkcs12')
    })
  })
  return h('div', { class: 'inline-form' }, pass.wrapper, go)
}

/**
 * The "Issued certificate" region: the certificate, and its private key for as long as the region is shown.
 *
 * @example
 * replaceChildren(slot, issuedRegion(app, await issueCertificate(ca, request)))
 */
export function issuedRegion(app: AppState, issued: IssuedCertificate): HTMLElement {
  const alert = alertBox()
  const errors: ErrorTarget = { alert, fields: {} }
  const { dl, name } = summary(issued.certificate)
  return h(
    'div',
    { role: 'region', 'aria-label': 'Issued certificate', class: 'result' },
    h('h3', { tabindex: '-1' }, 'Issued certificate'),
    dl,
    h(
      'p',
      { class: 'warning' },
      h('strong', {}, 'Save the private key now. '),
      'It was made in this tab and is not stored anywhere: once you issue another certificate or reload the page it is gone. The certificate itself stays in the CA’s registry.',
    ),
    buttonRow(
      ...certButtons(issued, name, errors),
      button('Download private key (PEM)', () => downloadFile(`${name}.key.pem`, issued.privateKey)),
      copyButton('Copy private key', () => issued.privateKey, errors),
    ),
    encryptedKeyPart(app, issued, name, alert),
    pkcs12Part(app, issued, name, alert),
    alert,
    pemDetails('Certificate (PEM)', issued.certificate),
    pemDetails('Private key (PEM, unencrypted)', issued.privateKey),
  )
}

/**
 * The "Signed certificate" region of a signed CSR (the key stayed wherever the CSR was made).
 *
 * @example
 * replaceChildren(slot, signedRegion(await signCsr(ca, csr, { store })))
 */
export function signedRegion(r: CertResult): HTMLElement {
  const alert = alertBox()
  const errors: ErrorTarget = { alert, fields: {} }
  const { dl, name } = summary(r.certificate)
  return h(
    'div',
    { role: 'region', 'aria-label': 'Signed certificate', class: 'result' },
    h('h3', { tabindex: '-1' }, 'Signed certificate'),
    dl,
    buttonRow(...certButtons(r, name, errors)),
    alert,
    pemDetails('Certificate (PEM)', r.certificate),
  )
}
