/**
 * Finding Debian's Chromium and the flags it runs with headless here, shared by the browser tests
 * (test/browser/page.ts) and `npm run bench:browser` (bench/browser.ts). Node only; no test framework.
 */
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/** Headless on this machine: no sandbox (root), no GPU, and nothing that reaches the network on its own. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * The Chromium executable: `$CHROMIUM_PATH`, else /usr/bin/chromium, else `chromium` / `chromium-browser` on PATH;
 * an error that says how to get one.
 *
 * @example
 * const executablePath = findChromium() // '/usr/bin/chromium'
 */
export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv
    throw new Error(`CHROMIUM_PATH=${fromEnv} is not an executable file`)
  }
  if (isExecutable('/usr/bin/chromium')) return '/usr/bin/chromium'
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (dir && isExecutable(join(dir, name))) return join(dir, name)
    }
  }
  throw new Error(
    'no Chromium found: install Debian\'s "chromium" package (apt-get install chromium) or set CHROMIUM_PATH to a ' +
      'Chromium executable',
  )
}
