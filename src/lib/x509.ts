/**
 * The single importer of @peculiar/x509 (DESIGN.md, Layout). What it still provides: the one-line name text of the
 * `subjectName` / `issuerName` fields (`CN=api.example.com, O=Example`), kept in the form it always had. Everything
 * else that parse functions report is decoded by our own strict reader (der/reader.ts, inspect/), which refuses
 * what BoringSSL refuses; @peculiar/x509's schema reader is lenient, so it only ever sees input our reader accepted.
 *
 * @peculiar/x509 2.x uses tsyringe, which throws at import unless `Reflect.getMetadata` exists. So this module first
 * imports lib/reflect.ts, which installs our minimal Reflect metadata polyfill if (and only if) the global has no
 * `Reflect.getMetadata`: an app's own polyfill is left alone, and users never need one. ES modules evaluate imports
 * in order, so the polyfill is in place before @peculiar/x509 and tsyringe run. The import is of a value
 * (`reflectMetadata`) that {@link x509NameText} reads, because bundlers drop a bare `import './reflect.ts'` from a
 * package with `"sideEffects": false`.
 * Nothing that only *creates* DER imports this module, so a bundle of key generation and CSRs stays without it.
 */
// biome-ignore-start assist/source/organizeImports: the polyfill must be evaluated before @peculiar/x509
import { reflectMetadata } from './reflect.ts'
import { Name } from '@peculiar/x509'
// biome-ignore-end assist/source/organizeImports: the order above matters
import { PkiFormatError, PkiNotSupportedError } from '../errors.ts'
import { bufferSource } from './bytes.ts'

/**
 * A DER Name as @peculiar/x509 prints it: RDNs in encoding order, `, ` between them, its own short names and escapes.
 * Any failure of the dependency is a PkiFormatError; PkiNotSupportedError where no Reflect metadata could be
 * installed (a frozen `Reflect`).
 *
 * @example
 * x509NameText(subjectDer) // 'C=NZ, O=pocket-ca, CN=Inspect Root'
 */
export function x509NameText(der: Uint8Array): string {
  if (!reflectMetadata) {
    throw new PkiNotSupportedError('the rich X.509 reader needs Reflect metadata, and Reflect is frozen')
  }
  try {
    return new Name(bufferSource(der)).toString()
  } catch (e) {
    throw new PkiFormatError('the name cannot be read', { cause: e })
  }
}
