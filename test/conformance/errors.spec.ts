import {
  PkiArgumentError,
  PkiChainError,
  PkiError,
  PkiFormatError,
  PkiKeyMismatchError,
  PkiNotFoundError,
  PkiNotSupportedError,
  PkiSignatureError,
  PkiStateError,
  PkiStorageError,
} from '../../src/errors.ts'
import { equal, ok, throws } from '../assert.ts'
import { suite } from '../harness.ts'

/** Every error class, a way to build one, its code and its name (DESIGN.md, Errors). */
const table: { make: () => PkiError; cls: { code: string }; code: string; name: string }[] = [
  { make: () => new PkiError('m'), cls: PkiError, code: 'ERR_PKI', name: 'PkiError' },
  {
    make: () => new PkiArgumentError('f', 'm'),
    cls: PkiArgumentError,
    code: 'ERR_PKI_ARGUMENT',
    name: 'PkiArgumentError',
  },
  { make: () => new PkiStateError('ACTIVE', 'm'), cls: PkiStateError, code: 'ERR_PKI_STATE', name: 'PkiStateError' },
  { make: () => new PkiNotFoundError('m'), cls: PkiNotFoundError, code: 'ERR_PKI_NOT_FOUND', name: 'PkiNotFoundError' },
  { make: () => new PkiFormatError('m'), cls: PkiFormatError, code: 'ERR_PKI_FORMAT', name: 'PkiFormatError' },
  {
    make: () => new PkiSignatureError('m'),
    cls: PkiSignatureError,
    code: 'ERR_PKI_SIGNATURE',
    name: 'PkiSignatureError',
  },
  {
    make: () => new PkiKeyMismatchError('m'),
    cls: PkiKeyMismatchError,
    code: 'ERR_PKI_KEY_MISMATCH',
    name: 'PkiKeyMismatchError',
  },
  {
    make: () => new PkiChainError('expired', 0, 'm'),
    cls: PkiChainError,
    code: 'ERR_PKI_CHAIN',
    name: 'PkiChainError',
  },
  {
    make: () => new PkiNotSupportedError('m'),
    cls: PkiNotSupportedError,
    code: 'ERR_PKI_NOT_SUPPORTED',
    name: 'PkiNotSupportedError',
  },
  { make: () => new PkiStorageError('m'), cls: PkiStorageError, code: 'ERR_PKI_STORAGE', name: 'PkiStorageError' },
]

export default suite('errors', (test) => {
  for (const { make, cls, code, name } of table) {
    test(`${name}: code, name, instanceof, message`, () => {
      equal(cls.code, code, `${name}.code (static)`)
      const error = make()
      equal(error.code, code, `${name} instance code`)
      equal(error.name, name)
      equal(error.message, 'm')
      ok(error instanceof PkiError, `${name} instanceof PkiError`)
      ok(error instanceof Error, `${name} instanceof Error`)
      ok(error instanceof (cls as unknown as new (...args: never[]) => PkiError), `${name} instanceof itself`)
      ok(typeof error.stack === 'string', `${name} has a stack`)
    })
  }

  test('codes are unique', () => {
    equal(new Set(table.map((t) => t.code)).size, table.length)
  })

  test('subclasses are not instances of each other', () => {
    ok(!(new PkiFormatError('m') instanceof PkiSignatureError))
    ok(!(new PkiArgumentError('f', 'm') instanceof PkiStateError))
  })

  test('PkiArgumentError carries field', () => {
    const error = new PkiArgumentError('altName[2]', 'bad DNS name')
    equal(error.field, 'altName[2]')
    throws(
      () => {
        throw error
      },
      { code: 'ERR_PKI_ARGUMENT', field: 'altName[2]' },
    )
  })

  test('PkiStateError carries status', () => {
    equal(new PkiStateError('PENDING_CERTIFICATE', 'm').status, 'PENDING_CERTIFICATE')
  })

  test('PkiChainError carries reason and depth', () => {
    const error = new PkiChainError('path_len_exceeded', 2, 'too deep')
    equal(error.reason, 'path_len_exceeded')
    equal(error.depth, 2)
    equal(error.code, 'ERR_PKI_CHAIN')
  })

  test('cause is kept', () => {
    const cause = new TypeError('inner')
    equal(new PkiError('m', { cause }).cause, cause)
    equal(new PkiArgumentError('f', 'm', { cause }).cause, cause)
    equal(new PkiStateError('ACTIVE', 'm', { cause }).cause, cause)
    equal(new PkiChainError('expired', 0, 'm', { cause }).cause, cause)
    equal(new PkiStorageError('m', { cause }).cause, cause)
    equal(new PkiFormatError('m').cause, undefined)
  })

  test('errors survive structuredClone as Errors with their message', () => {
    // Storage back ends and workers may clone errors; the message must survive even if the class does not.
    const copy = structuredClone(new PkiFormatError('bad PEM')) as Error
    ok(copy instanceof Error)
    equal(copy.message, 'bad PEM')
  })
})
