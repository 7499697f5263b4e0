/**
 * `npm run bench:profile`: where the time of an EC256 `signCsr` goes, against the bare WebCrypto calls it must
 * make (import the CSR key, verify the CSR, sign, verify the result). Both loops run one request at a time under
 * V8's sampling profiler (node:inspector), on the built package (dist/, one file per module, so samples name our
 * modules), and each sample is put in a bucket: idle (the main thread waits for WebCrypto's worker threads), Node's
 * WebCrypto glue (node:internal/crypto), garbage collection, or a pocket-ca folder (der/, names/, ...). The table
 * gives microseconds per certificate in each bucket for both loops and the difference: what issuance adds.
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

  // Interleaved rounds, so that a busy spell of the machine falls on both loops alike.
  const session = new Session()
  session.connect()
  const o = new Map<string, number>()
  const b = new Map<string, number>()
  const wall = { ours: 0, bare: 0 }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, loop, into] of [
      ['bare', bare, b],
      ['ours', ours, o],
    ] as const) {
      const started = performance.now()
      const profile = await profiled(session, loop)
      wall[name] += performance.now() - started
      for (const [k, v] of buckets(profile, dist, N * ROUNDS)) into.set(k, (into.get(k) ?? 0) + v)
    }
  }
  session.disconnect()
  const oursMs = wall.ours
  const bareMs = wall.bare
  const names = [...new Set([...o.keys(), ...b.keys()])].sort((x, y) => (o.get(y) ?? 0) - (o.get(x) ?? 0))
  const us = (v: number) => v.toFixed(1)
  const rows = [['where the main thread spends it (us per certificate)', 'signCsr', 'bare', 'signCsr - bare']]
  for (const name of names) {
    const [x, y] = [o.get(name) ?? 0, b.get(name) ?? 0]
    if (Math.max(x, y) >= 0.5) rows.push([name, us(x), us(y), us(x - y)])
  }
  const total = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + v, 0)
  rows.push(['total (profiled)', us(total(o)), us(total(b)), us(total(o) - total(b))])
  const widths = (rows[0] as string[]).map((_, c) => Math.max(...rows.map((r) => (r[c] as string).length)))
  console.log(
    `EC256 signCsr vs bare WebCrypto, one at a time, ${ROUNDS} x ${N.toLocaleString('en')} certificates each, Node ${process.version}`,
  )
  console.log(
    `wall: signCsr ${((oursMs * 1000) / N / ROUNDS).toFixed(1)} us, bare ${((bareMs * 1000) / N / ROUNDS).toFixed(1)} us`,
  )
  for (const r of rows)
    console.log(
      r.map((cell, c) => (c ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number))).join('  '),
    )
}

await main()
