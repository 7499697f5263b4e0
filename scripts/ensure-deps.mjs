// Runs `npm ci` when node_modules is missing or older than package-lock.json, so `npm start` and `npm test` work on
// a fresh clone. Plain JS: it runs before TypeScript tooling is installed.
import { execFileSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'

const installed = 'node_modules/.package-lock.json'
const stale = !existsSync(installed) || statSync('package-lock.json').mtimeMs > statSync(installed).mtimeMs
if (stale) {
  console.log('pocket-ca: installing npm dependencies (npm ci)')
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' })
}
