/**
 * The package as users get it: `tsc -p tsconfig.build.json` output (JS + .d.ts) imports in plain Node with the
 * public names DESIGN.md lists, and package.json points at it.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = new URL('../../', import.meta.url).pathname
// Inside the checkout, where Node resolves what the build would import from node_modules (nothing, see below).
mkdirSync(join(root, 'node_modules/.cache'), { recursive: true })
const out = mkdtempSync(join(root, 'node_modules/.cache/dist-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

const PUBLIC_VALUES = [
  'KEY_TYPES',
  'PROFILES',
  'PkiArgumentError',
  'PkiChainError',
  'PkiError',
  'PkiFormatError',
  'PkiKeyMismatchError',
  'PkiNotFoundError',
  'PkiNotSupportedError',
  'PkiSignatureError',
  'PkiStateError',
  'PkiStorageError',
  'REVOCATION_REASONS',
  'buildChain',
  'checkX509Parameters',
  'createCsr',
  'createMemoryStore',
  'createPrivateCaHandler',
  'createRootCa',
  'createSubordinateCa',
  'decodePem',
  'describe',
  'disableCa',
  'enableCa',
  'encodePem',
  'exportCaBackup',
  'exportPkcs12',
  'exportPrivateKey',
  'exportPublicKey',
  'formatIp',
  'generateCrl',
  'generateKeyPair',
  'getCaCsr',
  'importCaBackup',
  'importCaCertificate',
  'importPkcs12',
  'importPrivateKey',
  'issueCertificate',
  'normalizeDnsName',
  'openFileStore',
  'openIndexedDbStore',
  'parseCertificate',
  'parseCrl',
  'parseCsr',
  'parseIp',
  'revokeCertificate',
  'selfSignCaCertificate',
  'servePrivateCa',
  'signCsr',
  'signSubordinateCa',
  'verifyChain',
  'verifyCsr',
]

describe('the built package', () => {
  it('builds JS and declarations that plain Node imports and uses', () => {
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.build.json'), '--outDir', out], {
      cwd: root,
    })
    expect(existsSync(join(out, 'index.js'))).toBe(true)
    expect(readFileSync(join(out, 'index.d.ts'), 'utf8')).toContain('createCsr')
    const script = `
      const m = await import(${JSON.stringify(join(out, 'index.js'))})
      const keys = await m.generateKeyPair('EC256')
      const csr = await m.createCsr(keys, { commonName: 'dist.example' })
      await m.verifyCsr(csr)
      console.log(JSON.stringify({ names: Object.keys(m).sort(), cn: m.parseCsr(csr).subject.commonName }))`
    const result = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }),
    )
    expect(result.cn).toBe('dist.example')
    expect(result.names).toEqual([...PUBLIC_VALUES].sort())
  })

  it('package.json: ESM only, no side effects, an exports map with types and default', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    expect(pkg.type).toBe('module')
    expect(pkg.sideEffects).toBe(false)
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' })
  })

  it('has no runtime dependencies: package.json lists none, and the built JS imports only its own files', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    expect(pkg.dependencies ?? {}).toEqual({})
    const files = (readdirSync(out, { recursive: true }) as string[]).filter((f) => f.endsWith('.js'))
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) {
      const code = readFileSync(join(out, file), 'utf8')
      // Static imports and re-exports; node: modules are loaded with import() on a variable (store/file.ts).
      for (const [, specifier] of code.matchAll(/\b(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g)) {
        expect(specifier, file).toMatch(/^\.\.?\//)
      }
      // Side-effect imports (`import 'polyfill'`) and literal dynamic imports of packages.
      for (const [, specifier] of code.matchAll(/\bimport\s*\(?\s*['"]([^'"]+)['"]/g)) {
        expect(specifier, file).toMatch(/^\.\.?\//)
      }
    }
  })

  it('src has no `export *` (DESIGN.md: named exports only)', () => {
    const files = (readdirSync(join(root, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'))
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) expect(readFileSync(join(root, 'src', file), 'utf8'), file).not.toMatch(/export \*/)
  })
})
