/**
 * The CA hierarchy as an ARIA tree: CAs under their parent CA, issued certificates under their CA. Keyboard: arrow
 * keys move (roving tabindex), Right/Left expand and collapse, Home/End, Enter or Space selects.
 */
import { type AppState, type CaView, day, findCa, type IssuedView } from '../state.ts'
import { h, replaceChildren } from '../ui/dom.ts'

/** What the tree view needs from the page: where to draw, and what to do when a CA is chosen. */
export interface TreeHooks {
  onSelect: (caId: string, serialNo?: string) => void
}

function caLabel(ca: CaView): string {
  const expiry = ca.info ? ` · expires ${day(ca.info.notAfter)}` : ''
  return `${ca.commonName} · ${ca.status}${expiry}`
}

function badgeClass(text: string): string {
  return `badge badge-${text.toLowerCase().replace(/[^a-z]+/g, '-')}`
}

function certItem(ca: CaView, cert: IssuedView, index: number): HTMLLIElement {
  const id = `tree-${ca.record.id}-cert-${index}`
  const status = cert.entry.status === 'REVOKED' ? 'Revoked' : 'Valid'
  return h(
    'li',
    {
      role: 'treeitem',
      tabindex: '-1',
      'aria-selected': 'false',
      'aria-labelledby': id,
      'data-key': `${ca.record.id}/${cert.entry.serialNo}`,
      'data-ca': ca.record.id,
      'data-serial': cert.entry.serialNo,
      class: 'tree-cert',
    },
    h(
      'span',
      { id, class: 'node' },
      h('span', { class: 'node-name' }, cert.commonName),
      ' ',
      h('span', { class: badgeClass(status) }, status),
      h('span', { class: 'expiry' }, ` · expires ${day(cert.notAfter)}`),
      h('span', { class: 'visually-hidden' }, ` (certificate ${cert.entry.serialNo})`),
    ),
  )
}

function caItem(app: AppState, ca: CaView): HTMLLIElement {
  const id = `tree-${ca.record.id}`
  const children = [
    ...app.cas.filter((c) => c.parentId === ca.record.id).map((c) => caItem(app, c)),
    ...ca.issued.map((cert, i) => certItem(ca, cert, i)),
  ]
  const expanded = !app.collapsed.has(ca.record.id)
  const label = h(
    'span',
    { id, class: 'node', title: caLabel(ca) },
    h('span', { class: 'twisty', 'aria-hidden': 'true' }, children.length ? (expanded ? '▾' : '▸') : '•'),
    h('span', { class: 'node-name' }, ca.commonName),
    ' ',
    h('span', { class: badgeClass(ca.status) }, ca.status),
    ca.info ? h('span', { class: 'expiry' }, ` · expires ${day(ca.info.notAfter)}`) : null,
  )
  const item = h(
    'li',
    {
      role: 'treeitem',
      tabindex: '-1',
      'aria-selected': String(app.selectedCaId === ca.record.id),
      'aria-labelledby': id,
      'aria-expanded': children.length ? String(expanded) : null,
      'data-key': ca.record.id,
      'data-ca': ca.record.id,
      class: 'tree-ca',
    },
    label,
  )
  if (children.length) item.append(h('ul', { role: 'group', hidden: !expanded }, ...children))
  return item
}

function visibleItems(tree: HTMLElement): HTMLElement[] {
  return [...tree.querySelectorAll<HTMLElement>('[role=treeitem]')].filter(
    (item) => !item.parentElement?.closest('[role=treeitem][aria-expanded=false]'),
  )
}

function focusItem(tree: HTMLElement, item: HTMLElement | undefined): void {
  if (!item) return
  for (const other of tree.querySelectorAll<HTMLElement>('[role=treeitem][tabindex="0"]')) other.tabIndex = -1
  item.tabIndex = 0
  item.focus()
}

function parentItem(item: HTMLElement): HTMLElement | undefined {
  return item.parentElement?.closest<HTMLElement>('[role=treeitem]') ?? undefined
}

/** The tree's state that is only about the view: which item holds the tab stop. */
interface TreeView {
  tree: HTMLUListElement
  empty: HTMLParagraphElement
  tabStop: string | null
}

function toggle(app: AppState, view: TreeView, item: HTMLElement, expand: boolean): void {
  const key = item.dataset.key ?? ''
  if (expand) app.collapsed.delete(key)
  else app.collapsed.add(key)
  view.tabStop = key
  drawTree(app, view, true)
}

function onKey(app: AppState, view: TreeView, hooks: TreeHooks, e: KeyboardEvent): void {
  const item = (e.target as HTMLElement).closest<HTMLElement>('[role=treeitem]')
  if (!item) return
  const items = visibleItems(view.tree)
  const at = items.indexOf(item)
  const expanded = item.getAttribute('aria-expanded')
  const moves: Record<string, () => void> = {
    ArrowDown: () => focusItem(view.tree, items[at + 1]),
    ArrowUp: () => focusItem(view.tree, items[at - 1]),
    Home: () => focusItem(view.tree, items[0]),
    End: () => focusItem(view.tree, items[items.length - 1]),
    ArrowRight: () => {
      if (expanded === 'false') toggle(app, view, item, true)
      else if (expanded === 'true') focusItem(view.tree, items[at + 1])
    },
    ArrowLeft: () => {
      if (expanded === 'true') toggle(app, view, item, false)
      else focusItem(view.tree, parentItem(item))
    },
    Enter: () => activate(view, hooks, item),
    ' ': () => activate(view, hooks, item),
  }
  const move = moves[e.key]
  if (!move) return
  e.preventDefault()
  move()
}

function activate(view: TreeView, hooks: TreeHooks, item: HTMLElement): void {
  view.tabStop = item.dataset.key ?? null
  const caId = item.dataset.ca
  if (caId) hooks.onSelect(caId, item.dataset.serial)
}

function drawTree(app: AppState, view: TreeView, keepFocus: boolean): void {
  const hadFocus = keepFocus || view.tree.contains(document.activeElement)
  const roots = app.cas.filter((c) => !c.parentId || !findCa(app, c.parentId))
  replaceChildren(view.tree, ...roots.map((c) => caItem(app, c)))
  view.empty.hidden = app.cas.length > 0
  const items = visibleItems(view.tree)
  const stop =
    items.find((i) => i.dataset.key === view.tabStop) ??
    items.find((i) => i.getAttribute('aria-selected') === 'true') ??
    items[0]
  if (!stop) return
  stop.tabIndex = 0
  if (hadFocus) stop.focus()
}

/**
 * Builds the tree into its container and registers its renderer.
 *
 * @example
 * renderHierarchy(app, byId('tree-body', HTMLDivElement), { onSelect: (id) => selectCa(app, id) })
 */
export function renderHierarchy(app: AppState, container: HTMLElement, hooks: TreeHooks): void {
  const tree = h('ul', { role: 'tree', 'aria-label': 'CA hierarchy', class: 'tree' })
  const empty = h('p', { class: 'empty' }, 'No CA yet: create a root CA below (or restore a backup).')
  const view: TreeView = { tree, empty, tabStop: null }
  tree.addEventListener('keydown', (e) => onKey(app, view, hooks, e))
  tree.addEventListener('click', (e) => {
    const item = (e.target as HTMLElement).closest<HTMLElement>('[role=treeitem]')
    if (!item) return
    if ((e.target as HTMLElement).classList.contains('twisty') && item.hasAttribute('aria-expanded')) {
      toggle(app, view, item, item.getAttribute('aria-expanded') === 'false')
      return
    }
    focusItem(tree, item)
    activate(view, hooks, item)
  })
  container.append(
    h(
      'p',
      { class: 'hint' },
      'Arrow keys move through the tree, Enter selects a CA, Right and Left open and close a branch.',
    ),
    tree,
    empty,
  )
  app.renderers.push(() => drawTree(app, view, false))
}
