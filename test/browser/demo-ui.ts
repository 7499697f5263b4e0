/**
 * How the demo e2e tests (demo.test.ts) work the page: the way a new user or a screen reader finds things, by role
 * and accessible name, as /work/notes/demo-contract.md fixes them. No CSS selectors except the contract's
 * `.field-error`, and no test ids.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Download, Locator, Page } from 'playwright-core'
import { expect } from 'vitest'

/** How long one slow action (RSA key generation, PBKDF2 for a backup) may take on 2 busy cores. */
export const ACTION_TIMEOUT = 60_000

/** The subject fields of every form that takes a subject (contract: "Subject fields"). */
export interface Subject {
  commonName?: string
  /** "DNS names and e-mail addresses", comma-separated. */
  altNames?: string
  /** "IP addresses", comma-separated. */
  ips?: string
  organization?: string
  unit?: string
  locality?: string
  state?: string
  street?: string
  country?: string
}

const SUBJECT_LABELS: Record<keyof Subject, string> = {
  commonName: 'Common name',
  altNames: 'DNS names and e-mail addresses',
  ips: 'IP addresses',
  organization: 'Organization',
  unit: 'Organizational unit',
  locality: 'Locality',
  state: 'State or province',
  street: 'Street address',
  country: 'Country',
}

/** A `<section>` by its `<h2>`; follows the nav link when the section is not shown yet. */
export async function section(page: Page, name: string): Promise<Locator> {
  const found = page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name, exact: true }) })
  if (!(await found.first().isVisible())) {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true }).click()
  }
  return found.first()
}

/** A control by its exact label inside a scope. */
export function field(scope: Locator, label: string): Locator {
  return scope.getByLabel(label, { exact: true })
}

/** A button by its exact accessible name inside a scope. */
export function button(scope: Locator, name: string): Locator {
  return scope.getByRole('button', { name, exact: true })
}

/** A named form (aria-label / aria-labelledby), or else the form or fieldset holding a heading or legend `name`. */
export function form(scope: Locator, name: string): Locator {
  const page = scope.page()
  return scope
    .getByRole('form', { name, exact: true })
    .or(
      scope
        .locator('form, fieldset')
        .filter({ has: page.getByRole('heading', { name, exact: true }).or(page.getByText(name, { exact: true })) }),
    )
    .first()
}

/** Fills the subject fields given (the others are cleared). */
export async function fillSubject(scope: Locator, subject: Subject): Promise<void> {
  for (const [key, label] of Object.entries(SUBJECT_LABELS) as [keyof Subject, string][]) {
    await field(scope, label).fill(subject[key] ?? '')
  }
}

/** An element's text as rendered (Playwright's `innerText`: hidden parts left out), trimmed. */
export async function shown(element: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, the text the user sees
  return (await element.innerText()).trim()
}

/** The global progress live region. */
export function progress(page: Page): Locator {
  return page.getByRole('status', { name: 'Progress', exact: true })
}

/** The texts of the alerts and field errors shown inside a scope (empty ones left out). */
export async function shownErrors(scope: Locator): Promise<string[]> {
  const alerts = await scope.getByRole('alert').allInnerTexts()
  const fields = await scope.locator('.field-error').allInnerTexts()
  return [...alerts, ...fields].map((t) => t.trim()).filter(Boolean)
}

/**
 * Clicks an action's button and waits until the action is over: the button enabled again and the progress region
 * empty. Throws with the alert / field error texts of `errorsIn` when the action showed any (unless `expectErrors`).
 */
export async function act(action: Locator, errorsIn: Locator, o: { expectErrors?: boolean } = {}): Promise<void> {
  const page = action.page()
  await action.click()
  // Done when the button is enabled again, or gone (a pending CA's forms go once it is active; a Revoke button goes
  // with its certificate's revocation).
  const over = async () =>
    (await action.count()) === 0 || (await action.isEnabled({ timeout: 1_000 }).catch(() => false))
  await expect.poll(over, { timeout: ACTION_TIMEOUT, interval: 100 }).toBe(true)
  await expect.poll(async () => await shown(progress(page)), { timeout: ACTION_TIMEOUT }).toBe('')
  if (o.expectErrors) return
  const errors = await shownErrors(errorsIn)
  if (errors.length > 0) throw new Error(`the page showed errors after clicking ${action}: ${errors.join(' | ')}`)
}

/** One node of the CA tree: its own text (without its children's), and its parent's own text. */
export interface TreeNode {
  text: string
  parent: string | null
}

/** The CA tree as nodes, in document order. */
export async function treeNodes(page: Page): Promise<TreeNode[]> {
  return page.evaluate(() => {
    // No tree yet (or a hidden one) while there is no CA: no nodes.
    const tree = document.querySelector('[role="tree"][aria-label="CA hierarchy"]')
    if (!tree) return []
    const own = (item: Element) => {
      const copy = item.cloneNode(true) as Element
      for (const nested of copy.querySelectorAll('[role="treeitem"], [role="group"]')) nested.remove()
      return (copy.textContent ?? '').replace(/\s+/g, ' ').trim()
    }
    return [...tree.querySelectorAll('[role="treeitem"]')].map((item) => {
      const parent = item.parentElement?.closest('[role="treeitem"]')
      return { text: own(item), parent: parent && tree.contains(parent) ? own(parent) : null }
    })
  })
}

/** The one tree node whose own text holds `name` (polls until there is exactly one that matches `pattern`). */
export async function treeNode(page: Page, name: string, pattern: RegExp = /./): Promise<TreeNode> {
  let found: TreeNode[] = []
  await expect
    .poll(
      async () => {
        found = (await treeNodes(page)).filter((n) => n.text.includes(name))
        return found.length === 1 && pattern.test(found[0]?.text ?? '')
      },
      { timeout: 15_000, message: `one tree node "${name}" matching ${pattern}` },
    )
    .toBe(true)
    .catch(async (error) => {
      throw new Error(`${(error as Error).message}\ntree: ${JSON.stringify(await treeNodes(page), null, 1)}`)
    })
  return found[0] as TreeNode
}

/** Selects a CA in the tree by clicking its name, and returns the "CA details" region (its h3 checked). */
export async function selectCa(page: Page, commonName: string): Promise<Locator> {
  const tree = page.getByRole('tree', { name: 'CA hierarchy', exact: true })
  await tree.getByText(commonName).first().click()
  const details = page.getByRole('region', { name: 'CA details', exact: true })
  await expect.poll(() => shown(details.getByRole('heading', { level: 3 }))).toBe(commonName)
  return details
}

/** A file the page downloaded, saved under the test's folder. */
export interface Saved {
  name: string
  path: string
}

/** Clicks a download button and saves the file under `dir` (as `<n>-<suggested name>`). */
export async function download(action: Locator, dir: string): Promise<Saved> {
  const page = action.page()
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: ACTION_TIMEOUT }) as Promise<Download>,
    action.click(),
  ])
  const name = file.suggestedFilename()
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `${downloads++}-${name}`)
  await file.saveAs(path)
  const failure = await file.failure()
  if (failure) throw new Error(`download of ${name} failed: ${failure}`)
  return { name, path }
}
let downloads = 0
