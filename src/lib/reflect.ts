/**
 * Internal: a minimal Reflect metadata polyfill, only what @peculiar/x509's dependencies call. tsyringe checks for
 * `Reflect.getMetadata` when it is imported and calls `getMetadata`, `getOwnMetadata` and `defineMetadata`; tslib's
 * `__metadata` calls `Reflect.metadata` when it exists, and `__decorate` uses `Reflect.decorate` only when it exists
 * (it has its own fallback, so we do not add one). `hasMetadata` / `hasOwnMetadata` complete the read side.
 * Semantics follow the reflect-metadata proposal (rbuckton/reflect-metadata): metadata per target object and
 * property key, `getMetadata` / `hasMetadata` walking the prototype chain.
 *
 * Installed only when the global has no `Reflect.getMetadata`, so an app's own polyfill (reflect-metadata,
 * core-js, @abraham/reflection) is never replaced. The store is WeakMaps, so metadata never keeps a class alive.
 */

type PropertyKeyOrUndefined = string | symbol | undefined

/** target -> property key (undefined for the target itself) -> metadata key -> value. */
const store = new WeakMap<object, Map<PropertyKeyOrUndefined, Map<unknown, unknown>>>()

function checkTarget(target: unknown): asserts target is object {
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null) {
    throw new TypeError('Reflect metadata: the target must be an object')
  }
}

function ownMap(target: object, propertyKey: PropertyKeyOrUndefined, create: boolean): Map<unknown, unknown> | null {
  let byProperty = store.get(target)
  if (!byProperty) {
    if (!create) return null
    byProperty = new Map()
    store.set(target, byProperty)
  }
  let byKey = byProperty.get(propertyKey)
  if (!byKey) {
    if (!create) return null
    byKey = new Map()
    byProperty.set(propertyKey, byKey)
  }
  return byKey
}

function defineMetadata(key: unknown, value: unknown, target: unknown, propertyKey?: PropertyKeyOrUndefined): void {
  checkTarget(target)
  ownMap(target, propertyKey, true)?.set(key, value)
}

function hasOwnMetadata(key: unknown, target: unknown, propertyKey?: PropertyKeyOrUndefined): boolean {
  checkTarget(target)
  return ownMap(target, propertyKey, false)?.has(key) ?? false
}

function getOwnMetadata(key: unknown, target: unknown, propertyKey?: PropertyKeyOrUndefined): unknown {
  checkTarget(target)
  return ownMap(target, propertyKey, false)?.get(key)
}

/** The object that holds `key` for `target` or one of its prototypes (a subclass constructor's is its base class). */
function holder(key: unknown, target: unknown, propertyKey: PropertyKeyOrUndefined): object | null {
  checkTarget(target)
  for (let o: object | null = target; o !== null; o = Object.getPrototypeOf(o)) {
    if (ownMap(o, propertyKey, false)?.has(key)) return o
  }
  return null
}

function hasMetadata(key: unknown, target: unknown, propertyKey?: PropertyKeyOrUndefined): boolean {
  return holder(key, target, propertyKey) !== null
}

function getMetadata(key: unknown, target: unknown, propertyKey?: PropertyKeyOrUndefined): unknown {
  const o = holder(key, target, propertyKey)
  return o === null ? undefined : ownMap(o, propertyKey, false)?.get(key)
}

/** The decorator factory `@Reflect.metadata(key, value)`, which TypeScript's emitDecoratorMetadata output calls. */
function metadata(key: unknown, value: unknown): (target: unknown, propertyKey?: PropertyKeyOrUndefined) => void {
  return (target, propertyKey) => defineMetadata(key, value, target, propertyKey)
}

/**
 * Installs the polyfill on the global `Reflect` unless `Reflect.getMetadata` is already a function, and returns
 * whether `Reflect.getMetadata` is a function afterwards (false only where `Reflect` cannot be extended, e.g. frozen).
 *
 * @example
 * installReflectMetadata() // true; a second call, or one after an app's own polyfill, changes nothing
 */
export function installReflectMetadata(): boolean {
  const reflect = Reflect as unknown as Record<string, unknown>
  if (typeof reflect.getMetadata === 'function') return true
  const functions = { metadata, defineMetadata, getMetadata, getOwnMetadata, hasMetadata, hasOwnMetadata }
  try {
    for (const [name, fn] of Object.entries(functions)) {
      Object.defineProperty(Reflect, name, { value: fn, writable: true, configurable: true, enumerable: false })
    }
  } catch {
    // A frozen Reflect (SES lockdown, say): reported through the return value, checked where the reader is used.
  }
  return typeof reflect.getMetadata === 'function'
}

/**
 * Whether Reflect metadata is available, computed once by installing the polyfill if needed. lib/x509.ts imports
 * this before @peculiar/x509 and reads it in a function that every rich read goes through: a value that is used
 * keeps this module in a bundle built with `"sideEffects": false`, where a bare `import './reflect.ts'` is dropped.
 *
 * @example
 * if (!reflectMetadata) throw new PkiNotSupportedError('no Reflect metadata')
 */
export const reflectMetadata: boolean = installReflectMetadata()
