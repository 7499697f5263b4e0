/**
 * Placeholder demo: makes an EC P-256 key pair (private key non-extractable) and a CSR in the browser and shows the
 * CSR and the public key as PEM.
 */
import { createCsr, encodePem, generateKeyPair } from '../src/index.ts'

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id)
  if (!found) throw new Error(`missing #${id}`)
  return found as T
}

const form = element<HTMLFormElement>('csr-form')
const commonName = element<HTMLInputElement>('common-name')
const button = element<HTMLButtonElement>('generate')
const status = element<HTMLParagraphElement>('status')
const output = element<HTMLPreElement>('output')
const publicKey = element<HTMLPreElement>('public-key')

form.addEventListener('submit', async (event) => {
  event.preventDefault()
  button.disabled = true
  status.className = ''
  status.textContent = 'Generating an EC P-256 key pair…'
  output.textContent = ''
  publicKey.textContent = ''
  try {
    const started = performance.now()
    const keys = await generateKeyPair('EC256')
    const csr = await createCsr(keys, { commonName: commonName.value.trim() })
    output.textContent = csr
    // A public key is always exportable in WebCrypto; the private key is not (extractable: false by default).
    publicKey.textContent = encodePem(
      'PUBLIC KEY',
      new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey)),
    )
    status.textContent = `Done in ${Math.round(performance.now() - started)} ms. The private key stays in this tab.`
  } catch (error) {
    status.className = 'error'
    status.textContent = `Failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`
  } finally {
    button.disabled = false
  }
})
