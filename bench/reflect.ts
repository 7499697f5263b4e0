/**
 * The bench's own Reflect metadata polyfill, for the @peculiar/x509 line (tsyringe checks `Reflect.getMetadata` when
 * it is imported). Installed only when the global has none. Imported for a value, and first, by bench/index.ts:
 * the package is `sideEffects: false`, so a bare `import './reflect.ts'` could be dropped by the bundler.
 */
type Key = string | symbol | undefined

const store = new WeakMap<object, Map<Key, Map<unknown, unknown>>>()

function own(target: object, property: Key, create: boolean): Map<unknown, unknown> | undefined {
  let byProperty = store.get(target)
  if (!byProperty) {
    if (!create) return undefined
    byProperty = new Map()
    store.set(target, byProperty)
  }
  let byKey = byProperty.get(property)
  if (!byKey && create) {
    byKey = new Map()
    byProperty.set(property, byKey)
  }
  return byKey
}

function find(key: unknown, target: object | null, property: Key): Map<unknown, unknown> | undefined {
  for (let t = target; t !== null; t = Object.getPrototypeOf(t)) {
    const map = own(t, property, false)
    if (map?.has(key)) return map
  }
  return undefined
}

const polyfill = {
  defineMetadata: (key: unknown, value: unknown, target: object, property?: Key) =>
    void own(target, property, true)?.set(key, value),
  getOwnMetadata: (key: unknown, target: object, property?: Key) => own(target, property, false)?.get(key),
  hasOwnMetadata: (key: unknown, target: object, property?: Key) => own(target, property, false)?.has(key) ?? false,
  getMetadata: (key: unknown, target: object, property?: Key) => find(key, target, property)?.get(key),
  hasMetadata: (key: unknown, target: object, property?: Key) => find(key, target, property) !== undefined,
  metadata: (key: unknown, value: unknown) => (target: object, property?: Key) =>
    void own(target, property, true)?.set(key, value),
}

const reflect = Reflect as unknown as Record<string, unknown>

/** Whether Reflect metadata was already there (`'present'`, e.g. reflect-metadata) or installed here. */
export const reflectMetadata: 'present' | 'installed' = install()

function install(): 'present' | 'installed' {
  if (typeof reflect.getMetadata === 'function') return 'present'
  Object.assign(reflect, polyfill)
  return 'installed'
}
