/** Small DOM builders: no framework, just `h()` and a few typed lookups. */

/** What `h()` accepts as a child: nodes, text, or nothing (skipped). */
export type Child = Node | string | number | null | undefined | false

/** Attributes (string / boolean) and event listeners (`onclick`, `onsubmit`, ...). */
export type Props = Record<string, string | number | boolean | null | undefined | EventListener>

/**
 * Creates an element with attributes, listeners and children. `true` sets an empty attribute, `false`/`null`/
 * `undefined` leave it out; keys starting with `on` and holding a function become event listeners.
 *
 * @example
 * const button = h('button', { type: 'button', onclick: () => alert('hi') }, 'Say hi')
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (typeof value === 'function') el.addEventListener(key.slice(2), value)
    else if (value === true) el.setAttribute(key, '')
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(key, String(value))
  }
  append(el, ...children)
  return el
}

/**
 * Appends children, skipping empty ones and turning text into text nodes.
 *
 * @example
 * append(list, h('li', {}, 'one'), false, 'two')
 */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)))
  }
}

/**
 * Replaces all children of an element.
 *
 * @example
 * replaceChildren(output, h('p', {}, 'Done'))
 */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren()
  append(parent, ...children)
}

/**
 * The element with this id, checked against a type; throws if the page skeleton lacks it.
 *
 * @example
 * const main = byId('main', HTMLElement)
 */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id)
  if (!(found instanceof type)) throw new Error(`the page has no #${id} of the expected type`)
  return found
}

/**
 * A section body: a heading (for `aria-labelledby`) and the element it names.
 *
 * @example
 * const { heading, id } = heading3('sign-here', 'Sign here')
 */
export function heading3(id: string, text: string): { heading: HTMLHeadingElement; id: string } {
  return { heading: h('h3', { id }, text), id }
}
