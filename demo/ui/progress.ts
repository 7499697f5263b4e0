/**
 * The global "Progress" live region and the one way actions run: button disabled, a message in the region while the
 * (asynchronous, so never page-freezing) work runs, errors shown where they belong, everything cleared afterwards.
 */
import { h, replaceChildren } from './dom.ts'
import { clearErrors, type ErrorTarget, showError } from './errors.ts'

/** The live region and the actions running now (the latest message is shown). */
export interface Progress {
  region: HTMLElement
  running: { message: string; started: number }[]
  timer: number | undefined
}

/**
 * Wraps the page's role="status" element.
 *
 * @example
 * const progress = createProgress(byId('progress', HTMLElement))
 */
export function createProgress(region: HTMLElement): Progress {
  return { region, running: [], timer: undefined }
}

function render(p: Progress): void {
  const current = p.running[p.running.length - 1]
  if (!current) {
    p.region.replaceChildren()
    return
  }
  const seconds = Math.floor((performance.now() - current.started) / 1000)
  // The elapsed time is for the eyes only: announcing it every second would drown the message.
  const elapsed = seconds > 0 ? h('span', { class: 'elapsed', 'aria-hidden': 'true' }, ` ${seconds} s`) : null
  replaceChildren(p.region, h('span', { class: 'spinner', 'aria-hidden': 'true' }), current.message, elapsed)
}

function begin(p: Progress, message: string): () => void {
  const entry = { message, started: performance.now() }
  p.running.push(entry)
  render(p)
  p.timer ??= window.setInterval(() => render(p), 1000)
  return () => {
    p.running = p.running.filter((e) => e !== entry)
    if (p.running.length === 0 && p.timer !== undefined) {
      window.clearInterval(p.timer)
      p.timer = undefined
    }
    render(p)
  }
}

/** What {@link runAction} needs: the button to disable, the message, where errors go. */
export interface Action {
  button: HTMLButtonElement
  message: string
  errors: ErrorTarget
}

/**
 * Runs one user action. Returns whether it succeeded; errors are shown, never thrown.
 *
 * @example
 * await runAction(app.progress, { button, message: 'Generating an RSA4096 key…', errors }, async () => {
 *   await createRootCa({ subject, keyType: 'RSA4096', store })
 * })
 */
export async function runAction(p: Progress, action: Action, work: () => Promise<void>): Promise<boolean> {
  clearErrors(action.errors)
  action.button.disabled = true
  action.button.setAttribute('aria-busy', 'true')
  const end = begin(p, action.message)
  // Let the browser paint the message (and the disabled button) before the work starts.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
  try {
    await work()
    return true
  } catch (error) {
    showError(action.errors, error)
    return false
  } finally {
    end()
    action.button.disabled = false
    action.button.removeAttribute('aria-busy')
  }
}

/**
 * The progress message for making a key of a type.
 *
 * @example
 * keyMessage('RSA4096') // 'Generating an RSA4096 key…'
 */
export function keyMessage(keyType: string): string {
  return `Generating an ${keyType} key…`
}
