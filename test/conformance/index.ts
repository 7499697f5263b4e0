/**
 * The conformance suites: the explicit list every runtime adapter (Node, Chromium, Deno) runs.
 * Add a suite by writing `test/conformance/<name>.spec.ts` (`export default suite(...)`) and listing it here.
 */
import type { Suite } from '../harness.ts'
import backup from './backup.spec.ts'
import boringsslParse from './boringssl-parse.spec.ts'
import ca from './ca.spec.ts'
import caLimits from './ca-limits.spec.ts'
import chain from './chain.spec.ts'
import chainBuild from './chain-build.spec.ts'
import chainPkits from './chain-pkits.spec.ts'
import csr from './csr.spec.ts'
import der from './der.spec.ts'
import describe from './describe.spec.ts'
import dn from './dn.spec.ts'
import ecdsa from './ecdsa.spec.ts'
import errors from './errors.spec.ts'
import fuzz from './fuzz.spec.ts'
import inspect from './inspect.spec.ts'
import keys from './keys.spec.ts'
import names from './names.spec.ts'
import pem from './pem.spec.ts'
import pkcs12 from './pkcs12.spec.ts'
import sha from './sha.spec.ts'
import store, { storeSuite } from './store.spec.ts'

export const suites: Suite[] = [
  errors,
  der,
  pem,
  ecdsa,
  keys,
  csr,
  names,
  ca,
  caLimits,
  inspect,
  boringsslParse,
  sha,
  dn,
  describe,
  chain,
  chainBuild,
  chainPkits,
  fuzz,
  pkcs12,
  store,
  storeSuite('store: persistent', (env) => env.openStore()),
  backup,
]
