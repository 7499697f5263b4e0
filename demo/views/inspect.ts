/** Section "Inspect and verify": describe() anything PEM or DER; verifyChain() against this page's CAs. */
import { type CertInput, type Description, decodePem, describe, PkiChainError, verifyChain } from '../../src/index.ts'
import type { AppState } from '../state.ts'
import { h, replaceChildren } from '../ui/dom.ts'
import { alertBox, clearErrors, type ErrorTarget, showError } from '../ui/errors.ts'
import { fileField, optional, textAreaField, textField } from '../ui/fields.ts'
import { acceptDrop, readPemFile } from '../ui/files.ts'
import { runAction } from '../ui/progress.ts'
import { button, namedForm, submitButton } from '../ui/widgets.ts'
import { certificatesOf, decodedBlock } from './decoded.ts'

/** Text as describe() takes it: PEM as is, bare base64 as DER bytes. */
function describeInput(text: string): Description[] {
  const t = text.trim()
  if (t === '') throw new Error('Paste a PEM text (or open a PEM or DER file) first.')
  let input: string | Uint8Array = t
  if (!t.includes('-----BEGIN ') && /^[A-Za-z0-9+/=\s]+$/.test(t)) {
    input = Uint8Array.from(atob(t.replace(/\s+/g, '')), (c) => c.charCodeAt(0))
  }
  const d = describe(input)
  return Array.isArray(d) ? d : [d]
}

function pageAnchors(app: AppState): { roots: string[]; intermediates: string[] } {
  const roots: string[] = []
  const intermediates: string[] = []
  for (const ca of app.cas) {
    if (!ca.info || !ca.record.certificate) continue
    if (ca.info.selfIssued && ca.record.chain.length === 0) roots.push(ca.record.certificate)
    else intermediates.push(ca.record.certificate)
    intermediates.push(...ca.record.chain)
  }
  return { roots, intermediates }
}

function isIp(host: string): boolean {
  return host.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)
}

async function chainText(app: AppState, input: string, extraRoots: string, host: string | undefined) {
  const certs = certificatesOf(describeInput(input))
  const [leaf, ...others] = certs
  if (!leaf) throw new Error('The input holds no certificate to verify.')
  const page = pageAnchors(app)
  const extra = extraRoots.trim() ? decodePem(extraRoots, { label: 'CERTIFICATE' }).map((b) => b.der) : []
  const roots: CertInput[] = [...page.roots, ...extra]
  if (roots.length === 0)
    throw new Error('No trust anchor: create a root CA here or paste a root under “Extra trusted roots”.')
  try {
    const { chain } = await verifyChain(leaf, {
      roots,
      intermediates: [...others, ...page.intermediates],
      ...(host ? (isIp(host) ? { ip: host } : { dnsName: host }) : {}),
    })
    const path = chain.map((c) => c.subject.commonName ?? c.subjectDn).join(' → ')
    return `Chain is valid: ${path} (trust anchor)${host ? `, for ${host}` : ''}.`
  } catch (e) {
    if (e instanceof PkiChainError) return `Chain is not valid: ${e.reason} (depth ${e.depth}: ${e.message})`
    throw e
  }
}

/**
 * Builds the inspect and verify form into its section.
 *
 * @example
 * renderInspect(app, byId('inspect-body', HTMLDivElement), 'inspect-title')
 */
export function renderInspect(app: AppState, container: HTMLElement, titleId: string): void {
  const input = textAreaField('inspect-input', 'PEM or DER input', {
    placeholder: '-----BEGIN CERTIFICATE-----',
    hint: 'A certificate (with its chain), CSR, CRL, key or PKCS#7 bundle. Drop a file here or open one below; DER files are shown as PEM.',
  })
  input.control.rows = 8
  const file = fileField('inspect-file', 'Open a file', '.pem,.crt,.cer,.der,.csr,.crl,.key,.p7b,.txt')
  const roots = textAreaField('inspect-roots', 'Extra trusted roots (PEM)', {
    hint: 'Optional. This page’s root CAs are always trusted, its other CA certificates used as intermediates.',
  })
  const host = textField('inspect-host', 'Host name', {
    hint: 'Optional: a DNS name or IP address the leaf must be valid for.',
  })
  const alert = alertBox()
  const decoded = h('div', { role: 'region', 'aria-label': 'Decoded', class: 'decoded' })
  const result = h('p', { role: 'status', 'aria-label': 'Chain result', class: 'chain-result' })
  const errors: ErrorTarget = { alert, fields: {} }
  const load = async (f: File) => {
    clearErrors(errors)
    try {
      input.control.value = await readPemFile(f)
    } catch (e) {
      showError(errors, e)
    }
  }
  file.control.addEventListener('change', () => {
    const f = file.control.files?.[0]
    if (f) void load(f)
  })
  acceptDrop(input.control, (f) => void load(f))
  const form = namedForm(titleId, (submit) => {
    clearErrors(errors)
    try {
      const list = describeInput(input.control.value)
      replaceChildren(decoded, ...list.map((d, i) => decodedBlock(d, i + 1)))
    } catch (e) {
      replaceChildren(decoded)
      showError(errors, e)
    }
    submit.focus()
  })
  const verify = button('Verify chain', (b) => {
    result.textContent = ''
    void runAction(app.progress, { button: b, message: 'Verifying the chain…', errors }, async () => {
      result.textContent = await chainText(app, input.control.value, roots.control.value, optional(host.control.value))
    })
  })
  form.append(
    input.wrapper,
    file.wrapper,
    submitButton('Inspect'),
    h('fieldset', {}, h('legend', {}, 'Verify a chain'), roots.wrapper, host.wrapper, verify),
    alert,
    result,
    decoded,
  )
  container.append(form)
}
