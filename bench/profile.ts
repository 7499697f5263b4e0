/**
 * `npm run bench:profile`: where the time of an EC256 `signCsr` goes, against the bare WebCrypto calls it must
 * make (import the CSR key, verify the CSR, sign, verify the result). Both loops run one request at a time under
 * V8's sampling profiler (node:inspector), on the built package (dist/, one file per module, so samples name our
 * modules), and each sample is put in a bucket: idle (the main thread waits for WebCrypto's worker threads), Node's
 * WebCrypto glue (node:internal/crypto), garbage collection, or a pocket-ca folder (der/, names/, ...). The table
 * gives microseconds per certificate in each bucket for both loops and the difference: what issuance adds. A third
 * loop, the bare one with as much plain JavaScript between its calls as signCsr runs of ours, tells whether that
 * amount of JavaScript alone accounts for the gap.
 */
import { Session } from 'node:inspector/promises'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

type Api = typeof import('../src/index.ts')

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Certificates per profiled loop (BENCH_PROFILE_N overrides), and the interleaved rounds of each loop. */
const N = Number(process.env.BENCH_PROFILE_N ?? 5000)
const ROUNDS = 4
const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const

/** The bucket of one sample's function: a pocket-ca folder, a Node internal area, or V8's own pseudo-frames. */
function bucket(node: ProfileNode, dist: string): string {
  const { url, functionName } = node.callFrame
  if (url.startsWith(dist)) return `pocket-ca ${url.slice(dist.length).split('/')[0]}/`
  if (url.startsWith('node:internal/crypto') || url.startsWith('node:internal/webidl')) return 'Node WebCrypto glue'
  if (url.startsWith('node:')) return 'Node, other'
  if (functionName === '(idle)') return 'idle: waiting for WebCrypto threads'
  if (functionName === '(garbage collector)') return 'garbage collection'
  if (url === '') return `V8 ${functionName}`
  return 'the loop itself'
}

/** Microseconds per operation in each bucket. */
function buckets(profile: Profile, dist: string, operations: number): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const out = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    const name = bucket(byId.get(id) as ProfileNode, dist)
    out.set(name, (out.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / operations)
  })
  return out
}

async function profiled(session: Session, loop: () => Promise<void>): Promise<Profile> {
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 100 })
  await session.post('Profiler.start')
  await loop()
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile }
  return profile
}

async function main(): Promise<void> {
  const dist = `${pathToFileURL(resolve('dist')).href}/`
  const api = (await import(`${dist}index.js`)) as Api
  const { readSingle, sequenceOf, readBitStringBytes } = (await import(
    `${dist}der/reader.js`
  )) as typeof import('../src/der/reader.ts')
  const { ecdsaDerToRaw } = (await import(`${dist}der/ecdsa.js`)) as typeof import('../src/der/ecdsa.ts')

  const ca = await api.createRootCa({ subject: { commonName: 'Profile CA' } })
  const csr = await api.createCsr(await api.generateKeyPair('EC256'), { commonName: 'p.example', altName: 'p.example' })
  const sample = await api.signCsr(ca, csr, { period: 30 })
  const der = (pem: string) => (api.decodePem(pem)[0] as { der: Uint8Array }).der
  const [info, , signature] = sequenceOf(readSingle(der(csr)), 3) as [
    ReturnType<typeof readSingle>,
    unknown,
    ReturnType<typeof readSingle>,
  ]
  const spki = sequenceOf(info, 4)[2] as ReturnType<typeof readSingle>
  const keyBits = new Uint8Array(readBitStringBytes(sequenceOf(spki, 2)[1] as ReturnType<typeof readSingle>))
  const csrInfo = new Uint8Array(info.bytes)
  const csrSignature = new Uint8Array(ecdsaDerToRaw(readBitStringBytes(signature), 32))
  const tbs = new Uint8Array(sequenceOf(readSingle(der(sample.certificate)), 3)[0]?.bytes as Uint8Array)
  const subtle = globalThis.crypto.subtle
  const { privateKey, publicKey } = ca.keys

  const ours = async () => {
    for (let i = 0; i < N; i++) await api.signCsr(ca, csr, { period: 30 })
  }
  const bare = async () => {
    for (let i = 0; i < N; i++) {
      const key = await subtle.importKey('raw', keyBits, P256, false, ['verify'])
      if (!(await subtle.verify(ECDSA_SHA256, key, csrSignature, csrInfo))) throw new Error('CSR signature')
      const s = await subtle.sign(ECDSA_SHA256, privateKey, tbs)
      if (!(await subtle.verify(ECDSA_SHA256, publicKey, s, tbs))) throw new Error('certificate signature')
    }
  }
  // Warm both up (JIT, key caches) before profiling.
  for (let i = 0; i < 2000; i++) await api.signCsr(ca, csr, { period: 30 })
  await bare()

  const session = new Session()
  session.connect()
  // A first profile of signCsr says how much JavaScript of ours a certificate costs; the third loop is the bare one
  // spending that long in plain JavaScript between its WebCrypto calls: if it comes out as slow as signCsr, our
  // JavaScript's time explains the gap, whatever the code does.
  const calibration = buckets(await profiled(session, ours), dist, N)
  const ourJs = [...calibration].reduce((sum, [k, v]) => (k.startsWith('pocket-ca') ? sum + v : sum), 0)
  const spin = (us: number) => {
    const until = performance.now() + us / 1000
    while (performance.now() < until) {
      // Busy: the main thread stays on the CPU, as our code does.
    }
  }
  const bareBusy = async () => {
    const gap = ourJs / 4
    for (let i = 0; i < N; i++) {
      spin(gap)
      const key = await subtle.importKey('raw', keyBits, P256, false, ['verify'])
      if (!(await subtle.verify(ECDSA_SHA256, key, csrSignature, csrInfo))) throw new Error('CSR signature')
      spin(gap)
      const s = await subtle.sign(ECDSA_SHA256, privateKey, tbs)
      spin(gap)
      if (!(await subtle.verify(ECDSA_SHA256, publicKey, s, tbs))) throw new Error('certificate signature')
      spin(gap)
    }
  }

  // Interleaved rounds, so that a busy spell of the machine falls on every loop alike.
  const loops = [
    { name: 'signCsr', loop: ours },
    { name: 'bare', loop: bare },
    { name: `bare + ${ourJs.toFixed(0)} us JS`, loop: bareBusy },
  ]
  const found = loops.map(() => new Map<string, number>())
  const wall = loops.map(() => 0)
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, { loop }] of loops.entries()) {
      const started = performance.now()
      const profile = await profiled(session, loop)
      wall[i] = (wall[i] as number) + performance.now() - started
      const into = found[i] as Map<string, number>
      for (const [k, v] of buckets(profile, dist, N * ROUNDS)) into.set(k, (into.get(k) ?? 0) + v)
    }
  }
  session.disconnect()

  const [o, b] = found as [Map<string, number>, Map<string, number>, Map<string, number>]
  const names = [...new Set(found.flatMap((m) => [...m.keys()]))].sort((x, y) => (o.get(y) ?? 0) - (o.get(x) ?? 0))
  const us = (v: number) => v.toFixed(1)
  const rows = [['where the main thread spends it (us per certificate)', ...loops.map((l) => l.name), 'signCsr - bare']]
  for (const name of names) {
    const values = found.map((m) => m.get(name) ?? 0)
    if (Math.max(...values) >= 0.5) rows.push([name, ...values.map(us), us((o.get(name) ?? 0) - (b.get(name) ?? 0))])
  }
  const total = (m: Map<string, number>) => [...m.values()].reduce((sum, v) => sum + v, 0)
  rows.push(['total (profiled)', ...found.map((m) => us(total(m))), us(total(o) - total(b))])
  rows.push([
    'wall clock',
    ...wall.map((ms) => us((ms * 1000) / N / ROUNDS)),
    us((((wall[0] as number) - (wall[1] as number)) * 1000) / N / ROUNDS),
  ])
  rows.push(['ratio to bare', ...wall.map((ms) => `${(ms / (wall[1] as number)).toFixed(2)}x`), ''])
  const widths = (rows[0] as string[]).map((_, c) => Math.max(...rows.map((r) => (r[c] as string).length)))
  console.log(
    `EC256 signCsr vs bare WebCrypto, one at a time, ${ROUNDS} x ${N.toLocaleString('en')} certificates each, ` +
      `Node ${process.version}`,
  )
  for (const r of rows) {
    console.log(
      r.map((cell, c) => (c ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number))).join('  '),
    )
  }
}

await main()
