/**
 * NIST PKITS (sections 4.1, 4.2, 4.3, 4.6, 4.7, 4.13, 4.16: signatures, validity, name chaining, basic constraints,
 * key usage, name constraints, unknown extensions), as vendored by BoringSSL, read from ../shared/testdata: every
 * case gives its expected result at its validation time. The failures also give the reason and depth we expect,
 * so a case cannot pass by failing for the wrong reason.
 */
import { type ChainFailureReason, PkiChainError, verifyChain } from '../../src/index.ts'
import { equal, ok } from '../assert.ts'
import { suite } from '../harness.ts'

interface PkitsCase {
  id: string
  title: string
  trust_anchor: string
  untrusted_intermediates: string[]
  peer_certificate: string
  validation_time: string
  expected_result: 'SUCCESS' | 'FAILURE'
}

/** Why each FAILURE case fails: reason and depth (0 = the end entity), as RFC 5280 6.1 processing finds it. */
const FAILURES: Record<string, [ChainFailureReason, number]> = {
  '4.1.2': ['signature_invalid', 1],
  '4.1.3': ['signature_invalid', 0],
  '4.2.1': ['not_yet_valid', 1],
  '4.2.2': ['not_yet_valid', 0],
  '4.2.5': ['expired', 1],
  '4.2.6': ['expired', 0],
  '4.2.7': ['expired', 0],
  '4.3.1': ['unknown_authority', 0],
  '4.3.2': ['unknown_authority', 0],
  '4.6.1': ['not_authorized_to_sign', 1],
  '4.6.2': ['not_authorized_to_sign', 1],
  '4.6.3': ['not_authorized_to_sign', 1],
  '4.6.5': ['path_len_exceeded', 2],
  '4.6.6': ['path_len_exceeded', 2],
  '4.6.9': ['path_len_exceeded', 2],
  '4.6.10': ['path_len_exceeded', 2],
  // subCA1's pathLenConstraint 1 (depth 3) allows subsubCA11, not subsubsubCA11X below it.
  '4.6.11': ['path_len_exceeded', 3],
  '4.6.12': ['path_len_exceeded', 3],
  '4.6.16': ['path_len_exceeded', 3],
  '4.7.1': ['not_authorized_to_sign', 1],
  '4.7.2': ['not_authorized_to_sign', 1],
  '4.13.2': ['name_not_permitted', 0],
  '4.13.3': ['name_not_permitted', 0],
  '4.13.7': ['name_excluded', 0],
  '4.13.8': ['name_excluded', 0],
  '4.13.9': ['name_excluded', 0],
  '4.13.10': ['name_excluded', 0],
  '4.13.12': ['name_not_permitted', 0],
  '4.13.13': ['name_not_permitted', 0],
  '4.13.15': ['name_excluded', 0],
  '4.13.16': ['name_excluded', 0],
  '4.13.17': ['name_excluded', 0],
  '4.13.20': ['name_not_permitted', 0],
  '4.13.22': ['name_not_permitted', 0],
  '4.13.24': ['name_not_permitted', 0],
  '4.13.26': ['name_excluded', 0],
  '4.13.28': ['name_not_permitted', 0],
  '4.13.29': ['name_not_permitted', 0],
  '4.13.31': ['name_not_permitted', 0],
  '4.13.33': ['name_excluded', 0],
  '4.13.35': ['name_not_permitted', 0],
  '4.13.37': ['name_excluded', 0],
  '4.13.38': ['name_not_permitted', 0],
  '4.16.2': ['unhandled_critical_extension', 0],
}

async function outcome(c: PkitsCase): Promise<string> {
  try {
    const { chain } = await verifyChain(c.peer_certificate, {
      roots: [c.trust_anchor],
      intermediates: c.untrusted_intermediates,
      at: new Date(c.validation_time),
    })
    return `SUCCESS (${chain.length} certificates)`
  } catch (e) {
    if (!(e instanceof PkiChainError)) return `ERROR ${(e as Error).name}: ${(e as Error).message}`
    return `FAILURE ${e.reason} ${e.depth}`
  }
}

export default suite('chain pkits', (test) => {
  test('all 82 PKITS cases give the expected result, failures with the expected reason and depth', async (env) => {
    const data = JSON.parse(await env.readText('pkits/pkits-subset.json')) as { testcases: PkitsCase[] }
    equal(data.testcases.length, 82)
    const wrong: string[] = []
    let passed = 0
    for (const c of data.testcases) {
      const number = c.id.replace('pkits::', '')
      const got = await outcome(c)
      const failure = FAILURES[number]
      const expected =
        c.expected_result === 'SUCCESS' ? 'SUCCESS' : failure ? `FAILURE ${failure[0]} ${failure[1]}` : 'FAILURE ?'
      if (got.startsWith(expected)) passed++
      else wrong.push(`${number} ${c.title}: expected ${expected}, got ${got}`)
    }
    equal(wrong.join('\n'), '')
    equal(passed, 82)
  })

  test('every PKITS FAILURE case has an expected reason, and only those', async (env) => {
    const data = JSON.parse(await env.readText('pkits/pkits-subset.json')) as { testcases: PkitsCase[] }
    const failures = data.testcases.filter((c) => c.expected_result === 'FAILURE').map((c) => c.id.slice(7))
    ok(failures.length > 0)
    equal([...failures].sort().join(' '), Object.keys(FAILURES).sort().join(' '))
  })
})
