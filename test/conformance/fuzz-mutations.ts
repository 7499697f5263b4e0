/**
 * Mutations of DER and PEM text for the hostile-input property tests (fuzz.spec.ts), as fast-check arbitraries of
 * plain descriptors plus the functions that apply them. A descriptor holds positions as large numbers taken modulo
 * whatever they apply to, so one generated value fits any corpus item and shrinks towards "the first byte".
 *
 * Two families, because they reach different code:
 * - raw byte edits (bit flips, byte replacements, truncations, insertions, removals, length octets rewritten in
 *   place): the framing breaks, so they test the DER reader and the outer checks;
 * - tree edits: the DER is read into a TLV tree (looking into OCTET STRING and BIT STRING values that hold DER, as
 *   extensions and keys do), one node is changed (its content, tag, length octets; dropped, duplicated, repeated,
 *   nested) and the tree is written back with every enclosing length fixed, so the damage is local and the input
 *   reaches the decoders of names, extensions, times, keys and signatures.
 */
import fc from 'fast-check'
import { oid } from '../../src/der/oid.ts'
import { encodeLength } from '../../src/der/writer.ts'
import { concatBytes, toBase64, toHex, utf8 } from '../../src/lib/bytes.ts'

// ---------------------------------------------------------------------------------------------------------------
// A lenient TLV tree

interface Tlv {
  /** Identifier octets. */
  id: Uint8Array
  /** Raw length octets to write instead of the right ones (a tree edit); the parents stay consistent. */
  lengthOctets?: Uint8Array
  /** Octets before the children (the unused-bits octet of a BIT STRING holding DER). */
  prefix: Uint8Array
  /** Decoded children, or null for a primitive value (then `content` is written). */
  children: Tlv[] | null
  content: Uint8Array
}

interface Header {
  idEnd: number
  lengthEnd: number
  end: number
}

/** The header at `offset` read leniently (any long form up to 4 octets), or null if there is none. */
function readHeader(der: Uint8Array, offset: number, limit: number): Header | null {
  let i = offset
  if (i >= limit) return null
  if (((der[i++] as number) & 0x1f) === 0x1f) {
    // High-tag-number form: octets with the top bit set, then the last one.
    while (i < limit && (der[i] as number) & 0x80) i++
    i++
  }
  const idEnd = i
  if (i >= limit) return null
  const first = der[i++] as number
  let length = first
  if (first & 0x80) {
    const count = first & 0x7f
    if (count === 0 || count > 4 || i + count > limit) return null
    length = 0
    for (let k = 0; k < count; k++) length = length * 256 + (der[i++] as number)
  }
  if (i + length > limit) return null
  return { idEnd, lengthEnd: i, end: i + length }
}

/** The TLVs exactly filling der[start, end), or null. */
function readList(der: Uint8Array, start: number, end: number, depth: number): Tlv[] | null {
  const out: Tlv[] = []
  let offset = start
  while (offset < end) {
    const h = readHeader(der, offset, end)
    if (!h) return null
    out.push(toNode(der, offset, h, depth))
    offset = h.end
  }
  return out
}

function toNode(der: Uint8Array, offset: number, h: Header, depth: number): Tlv {
  const id = der.slice(offset, h.idEnd)
  const content = der.slice(h.lengthEnd, h.end)
  const node: Tlv = { id, prefix: new Uint8Array(0), children: null, content }
  if (depth > 24) return node
  const tag = id[0] as number
  if (tag & 0x20) {
    node.children = readList(der, h.lengthEnd, h.end, depth + 1)
  } else if (tag === 0x04 && content.length > 1 && content[0] === 0x30) {
    // Extension values, SKI/AKI, encapsulated keys: DER inside an OCTET STRING.
    node.children = readList(der, h.lengthEnd, h.end, depth + 1)
  } else if (tag === 0x03 && content.length > 2 && content[0] === 0 && content[1] === 0x30) {
    // SubjectPublicKeyInfo keys, ECDSA signatures: DER inside a BIT STRING.
    const children = readList(der, h.lengthEnd + 1, h.end, depth + 1)
    if (children) {
      node.prefix = Uint8Array.of(0)
      node.children = children
    }
  }
  return node
}

function readTree(der: Uint8Array): Tlv[] | null {
  return readList(der, 0, der.length, 0)
}

function bodyOf(node: Tlv): Uint8Array {
  return node.children ? concatBytes([node.prefix, ...node.children.map(writeNode)]) : node.content
}

function writeNode(node: Tlv): Uint8Array {
  const body = bodyOf(node)
  return concatBytes([node.id, node.lengthOctets ?? encodeLength(body.length), body])
}

function writeTree(nodes: readonly Tlv[]): Uint8Array {
  return concatBytes(nodes.map(writeNode))
}

interface Slot {
  node: Tlv
  siblings: Tlv[]
  index: number
}

function slots(nodes: Tlv[], out: Slot[] = []): Slot[] {
  nodes.forEach((node, index) => {
    out.push({ node, siblings: nodes, index })
    if (node.children) slots(node.children, out)
  })
  return out
}

// ---------------------------------------------------------------------------------------------------------------
// Interesting values

/** The content octets of an OID, through our own writer. */
function oidContent(dotted: string): Uint8Array {
  return oid(dotted).subarray(2)
}

const OIDS = [
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.15', // keyUsage
  '2.5.29.17', // subjectAltName
  '2.5.29.18', // issuerAltName
  '2.5.29.19', // basicConstraints
  '2.5.29.20', // cRLNumber
  '2.5.29.21', // reasonCode
  '2.5.29.28', // issuingDistributionPoint
  '2.5.29.30', // nameConstraints
  '2.5.29.31', // cRLDistributionPoints
  '2.5.29.32', // certificatePolicies
  '2.5.29.33', // policyMappings
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.36', // policyConstraints
  '2.5.29.37', // extKeyUsage
  '2.5.29.54', // inhibitAnyPolicy
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
  '2.5.4.3', // commonName
  '2.5.4.6', // country
  '1.2.840.113549.1.9.1', // emailAddress
  '1.2.840.113549.1.9.7', // challengePassword
  '1.2.840.113549.1.9.14', // extensionRequest
  '1.2.840.10045.2.1', // ecPublicKey
  '1.2.840.10045.3.1.7', // P-256
  '1.3.132.0.34', // P-384
  '1.3.132.0.35', // P-521
  '1.3.132.0.10', // secp256k1 (unsupported)
  '1.2.840.113549.1.1.1', // rsaEncryption
  '1.2.840.113549.1.1.10', // RSASSA-PSS
  '1.2.840.113549.1.1.11', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.5', // sha1WithRSAEncryption
  '1.2.840.10045.4.3.2', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.4', // ecdsa-with-SHA512
  '1.3.101.112', // Ed25519
  '1.3.101.113', // Ed448
  '1.2.840.113549.1.5.13', // PBES2
  '1.2.840.113549.1.5.12', // PBKDF2
  '1.2.840.113549.2.9', // hmacWithSHA256
  '2.16.840.1.101.3.4.1.42', // aes256-CBC
  '2.16.840.1.101.3.4.1.2', // aes128-CBC
  '1.2.840.113549.1.7.2', // signedData
  '1.2.840.113549.1.7.1', // data
  '2.5.29.32.0', // anyPolicy
  '2.25.340282366920938463463374607431768211455', // a 128-bit arc
]

const ascii = (text: string) => utf8(text)

/** Content octets that sit at edges of the decoders: integers, times, strings, addresses, bits, malformed OIDs. */
const VALUES: readonly Uint8Array[] = [
  new Uint8Array(0),
  Uint8Array.of(0),
  Uint8Array.of(0, 0),
  Uint8Array.of(0xff),
  Uint8Array.of(0x80),
  Uint8Array.of(0, 0x80),
  Uint8Array.of(0xff, 0x80),
  Uint8Array.of(0x7f),
  Uint8Array.of(1, 0),
  new Uint8Array(21).fill(0x7f),
  Uint8Array.of(0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
  Uint8Array.of(0x80, 0, 0, 0, 0, 0, 0, 0),
  new Uint8Array(600).fill(0x41),
  // times
  ascii('250101000000Z'),
  ascii('991231235959Z'),
  ascii('491231235959Z'),
  ascii('500101000000Z'),
  ascii('20491231235959Z'),
  ascii('20500101000000Z'),
  ascii('19500101000000Z'),
  ascii('99991231235959Z'),
  ascii('00000000000000Z'),
  ascii('250101000000+0100'),
  ascii('2501010000Z'),
  ascii('20250101000000.5Z'),
  ascii('250230000000Z'),
  ascii('250101240000Z'),
  ascii('250101000060Z'),
  ascii('2501010000000Z'),
  ascii('Z'),
  // strings
  Uint8Array.of(0xc3),
  Uint8Array.of(0xed, 0xa0, 0x80),
  Uint8Array.of(0xef, 0xbb, 0xbf),
  Uint8Array.of(0xf4, 0x90, 0x80, 0x80),
  Uint8Array.of(0xd8, 0x00),
  Uint8Array.of(0, 0, 0xd8, 0),
  Uint8Array.of(0, 0x11, 0, 0),
  ascii('\u0000'),
  ascii('*'),
  ascii('*.*.example.com'),
  ascii('a..example.com'),
  ascii('.example.com'),
  ascii('example.com.'),
  ascii('xn--'),
  ascii('xn--zz'),
  ascii('EXAMPLE.COM'),
  ascii('ex ample.com'),
  ascii('192.0.2.1'),
  ascii('a@'),
  ascii('@example.com'),
  ascii('a@b@example.com'),
  ascii('http://'),
  ascii('ldap:///cn=x'),
  ascii('a'.repeat(300)),
  ascii('é'),
  // addresses, IP constraints (address + mask), key usage bits
  Uint8Array.of(192, 0, 2),
  Uint8Array.of(192, 0, 2, 1, 7),
  Uint8Array.of(10, 0, 0, 0, 255, 0, 0, 0),
  Uint8Array.of(10, 0, 0, 0, 255, 0, 255, 0),
  new Uint8Array(32).fill(0xff),
  Uint8Array.of(7, 0x80),
  Uint8Array.of(8),
  Uint8Array.of(1, 1),
  Uint8Array.of(0, 0xff, 0xff),
  Uint8Array.of(7),
  // malformed OID contents
  Uint8Array.of(0x2a, 0x86),
  Uint8Array.of(0x80, 0x01),
  Uint8Array.of(0x8f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f),
  new Uint8Array(300).fill(0x01),
  ...OIDS.map(oidContent),
]

/** Identifier octets: the universal and context tags X.509 uses, and malformed high-tag-number forms. */
const TAGS: readonly Uint8Array[] = [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0a, 0x0c, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1c, 0x1e, 0x24, 0x30, 0x31,
  0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xff,
]
  .map((t) => Uint8Array.of(t))
  .concat([
    Uint8Array.of(0x1f, 0x20),
    Uint8Array.of(0x3f, 0x82, 0x01),
    Uint8Array.of(0x1f, 0x80, 0x01),
    Uint8Array.of(0x1f, 0x1e),
    Uint8Array.of(0x9f, 0xff, 0xff, 0xff, 0xff, 0x7f),
  ])

/** How to rewrite a length: off by one or by 128, non-minimal long form, short form of a long length, indefinite. */
const LENGTH_CHANGES = [
  '+1',
  '-1',
  '+128',
  '-128',
  'long',
  'short',
  'indefinite',
  'five-octets',
  'max',
  'zero',
] as const
type LengthChange = (typeof LENGTH_CHANGES)[number]

function lengthOctets(length: number, change: LengthChange): Uint8Array {
  switch (change) {
    case '+1':
      return encodeLength(length + 1)
    case '-1':
      return encodeLength(Math.max(0, length - 1))
    case '+128':
      return encodeLength(length + 128)
    case '-128':
      return encodeLength(Math.max(0, length - 128))
    case 'long': {
      // One length octet more than needed (81 05, 83 00 01 2C): valid BER, not DER.
      const value = length < 0x80 ? Uint8Array.of(length) : encodeLength(length).subarray(1)
      return length < 0x80 ? Uint8Array.of(0x81, length) : concatBytes([Uint8Array.of(0x81 + value.length, 0), value])
    }
    case 'short':
      return Uint8Array.of(length & 0x7f)
    case 'indefinite':
      return Uint8Array.of(0x80)
    case 'five-octets':
      return Uint8Array.of(0x85, 0, 0, 0, 0, length & 0xff)
    case 'max':
      return Uint8Array.of(0x84, 0xff, 0xff, 0xff, 0xff)
    case 'zero':
      return Uint8Array.of(0)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// DER mutations

/** A position, taken modulo the length it applies to (so it fits any input and shrinks to 0). */
const position = fc.nat({ max: 0x7fffffff })

type NodeEdit =
  | { edit: 'flip'; at: number; bit: number }
  | { edit: 'byte'; at: number; value: number }
  | { edit: 'truncate'; at: number }
  | { edit: 'insert'; at: number; bytes: Uint8Array }
  | { edit: 'random'; bytes: Uint8Array }
  | { edit: 'value'; value: number }
  | { edit: 'tag'; tag: number }
  | { edit: 'randomTag'; tag: number }
  | { edit: 'length'; change: LengthChange }
  | { edit: 'drop' }
  | { edit: 'duplicate' }
  | { edit: 'swap' }
  | { edit: 'empty' }
  | { edit: 'repeat'; times: number }
  | { edit: 'nest'; depth: number }

/** One mutation of a DER encoding. */
export type DerMutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'byte'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'remove'; at: number; count: number }
  | { op: 'length'; header: number; change: LengthChange }
  | { op: 'node'; node: number; change: NodeEdit }

const nodeEdit: fc.Arbitrary<NodeEdit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ edit: fc.constant('flip' as const), at: position, bit: fc.nat({ max: 7 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ edit: fc.constant('byte' as const), at: position, value: fc.nat({ max: 255 }) }),
  },
  { weight: 2, arbitrary: fc.record({ edit: fc.constant('truncate' as const), at: position }) },
  {
    weight: 1,
    arbitrary: fc.record({
      edit: fc.constant('insert' as const),
      at: position,
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ edit: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ edit: fc.constant('value' as const), value: fc.nat({ max: VALUES.length - 1 }) }),
  },
  { weight: 2, arbitrary: fc.record({ edit: fc.constant('tag' as const), tag: fc.nat({ max: TAGS.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ edit: fc.constant('randomTag' as const), tag: fc.nat({ max: 255 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({ edit: fc.constant('length' as const), change: fc.constantFrom(...LENGTH_CHANGES) }),
  },
  { weight: 2, arbitrary: fc.record({ edit: fc.constant('drop' as const) }) },
  { weight: 1, arbitrary: fc.record({ edit: fc.constant('duplicate' as const) }) },
  { weight: 1, arbitrary: fc.record({ edit: fc.constant('swap' as const) }) },
  { weight: 1, arbitrary: fc.record({ edit: fc.constant('empty' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({ edit: fc.constant('repeat' as const), times: fc.integer({ min: 2, max: 300 }) }),
  },
  { weight: 1, arbitrary: fc.record({ edit: fc.constant('nest' as const), depth: fc.integer({ min: 1, max: 80 }) }) },
)

const derMutation: fc.Arbitrary<DerMutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('flip' as const), at: position, bit: fc.nat({ max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('byte' as const), at: position, value: fc.nat({ max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: position }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      at: position,
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('remove' as const), at: position, count: fc.integer({ min: 1, max: 16 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('length' as const),
      header: position,
      change: fc.constantFrom(...LENGTH_CHANGES),
    }),
  },
  { weight: 10, arbitrary: fc.record({ op: fc.constant('node' as const), node: position, change: nodeEdit }) },
)

/** One to three mutations, applied in order. */
export const derMutations: fc.Arbitrary<DerMutation[]> = fc.array(derMutation, { minLength: 1, maxLength: 3 })

/** One to three tree edits only: the framing stays DER, for bytes that are signed again after the edit. */
export const treeMutations: fc.Arbitrary<DerMutation[]> = fc.array(
  fc.record({ op: fc.constant('node' as const), node: position, change: nodeEdit }),
  { minLength: 1, maxLength: 3 },
)

function editBytes(bytes: Uint8Array, edit: NodeEdit | DerMutation): Uint8Array {
  const at = 'at' in edit ? edit.at % Math.max(1, bytes.length) : 0
  switch ('op' in edit ? edit.op : edit.edit) {
    case 'flip': {
      if (bytes.length === 0) return Uint8Array.of(1 << (edit as { bit: number }).bit)
      const out = bytes.slice()
      out[at] = (out[at] as number) ^ (1 << (edit as { bit: number }).bit)
      return out
    }
    case 'byte': {
      if (bytes.length === 0) return Uint8Array.of((edit as { value: number }).value)
      const out = bytes.slice()
      out[at] = (edit as { value: number }).value
      return out
    }
    case 'truncate':
      return bytes.slice(0, at)
    case 'insert':
      return concatBytes([bytes.subarray(0, at), (edit as { bytes: Uint8Array }).bytes, bytes.subarray(at)])
    case 'remove':
      return concatBytes([bytes.subarray(0, at), bytes.subarray(at + (edit as { count: number }).count)])
    default:
      return bytes
  }
}

/** Every header's length octets in a (possibly already damaged) encoding, as far as they can be found. */
function lengthPositions(der: Uint8Array): { start: number; end: number; length: number }[] {
  const out: { start: number; end: number; length: number }[] = []
  const walk = (start: number, end: number, depth: number) => {
    let offset = start
    while (offset < end && depth < 24) {
      const h = readHeader(der, offset, end)
      if (!h) return
      out.push({ start: h.idEnd, end: h.lengthEnd, length: h.end - h.lengthEnd })
      const tag = der[offset] as number
      if (tag & 0x20 || (tag === 0x04 && der[h.lengthEnd] === 0x30)) walk(h.lengthEnd, h.end, depth + 1)
      else if (tag === 0x03 && der[h.lengthEnd] === 0 && der[h.lengthEnd + 1] === 0x30) {
        walk(h.lengthEnd + 1, h.end, depth + 1)
      }
      offset = h.end
    }
  }
  walk(0, der.length, 0)
  return out
}

function editNode(tree: Tlv[], m: Extract<DerMutation, { op: 'node' }>): void {
  const all = slots(tree)
  const slot = all[m.node % all.length] as Slot
  const { node, siblings, index } = slot
  const e = m.change
  const flatten = () => {
    node.content = bodyOf(node)
    node.children = null
    node.prefix = new Uint8Array(0)
  }
  switch (e.edit) {
    case 'flip':
    case 'byte':
    case 'truncate':
    case 'insert':
      flatten()
      node.content = editBytes(node.content, e)
      return
    case 'random':
      flatten()
      node.content = e.bytes
      return
    case 'value':
      flatten()
      node.content = VALUES[e.value] as Uint8Array
      return
    case 'tag':
      node.id = TAGS[e.tag] as Uint8Array
      return
    case 'randomTag':
      node.id = Uint8Array.of(e.tag)
      return
    case 'length':
      node.lengthOctets = lengthOctets(bodyOf(node).length, e.change)
      return
    case 'drop':
      siblings.splice(index, 1)
      return
    case 'duplicate':
      siblings.splice(index, 0, node)
      return
    case 'swap': {
      const next = siblings[index + 1] ?? siblings[0]
      if (next && next !== node) {
        siblings[siblings.indexOf(next)] = node
        siblings[index] = next
      }
      return
    }
    case 'empty':
      node.children = null
      node.prefix = new Uint8Array(0)
      node.content = new Uint8Array(0)
      return
    case 'repeat':
      siblings.splice(index, 0, ...Array.from({ length: e.times - 1 }, () => node))
      return
    case 'nest': {
      let wrapped: Tlv = node
      for (let i = 0; i < e.depth; i++) {
        wrapped = {
          id: Uint8Array.of(0x30),
          prefix: new Uint8Array(0),
          children: [wrapped],
          content: new Uint8Array(0),
        }
      }
      siblings[index] = wrapped
      return
    }
  }
}

function applyDer(der: Uint8Array, m: DerMutation): Uint8Array {
  switch (m.op) {
    case 'length': {
      const found = lengthPositions(der)
      const h = found[m.header % Math.max(1, found.length)]
      if (!h) return editBytes(der, { op: 'flip', at: m.header, bit: 0 })
      return concatBytes([der.subarray(0, h.start), lengthOctets(h.length, m.change), der.subarray(h.end)])
    }
    case 'node': {
      const tree = readTree(der)
      // Earlier raw edits may have broken the framing: then a bit flip where the node would have been.
      if (!tree || tree.length === 0) return editBytes(der, { op: 'flip', at: m.node, bit: 0 })
      editNode(tree, m)
      return writeTree(tree)
    }
    default:
      return editBytes(der, m)
  }
}

/**
 * Applies the mutations in order.
 *
 * @example
 * mutateDer(certDer, [{ op: 'flip', at: 10, bit: 3 }])
 */
export function mutateDer(der: Uint8Array, mutations: readonly DerMutation[]): Uint8Array {
  return mutations.reduce(applyDer, der)
}

// ---------------------------------------------------------------------------------------------------------------
// PEM text mutations

/** A PEM frame around any bytes under any label (encodePem refuses an empty body and odd labels: not here). */
function frame(label: string, der: Uint8Array): string {
  const lines = toBase64(der).match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

const LABELS = [
  'CERTIFICATE',
  'CERTIFICATE REQUEST',
  'NEW CERTIFICATE REQUEST',
  'X509 CRL',
  'CRL',
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'PUBLIC KEY',
  'RSA PUBLIC KEY',
  'PKCS7',
  'CMS',
  'EC PARAMETERS',
  'X509 CERTIFICATE',
  'TRUSTED CERTIFICATE',
  'certificate',
  ' CERTIFICATE',
  'CERTIFICATE ',
  'CERTIFICATE  REQUEST',
  'A-B',
  '',
  'X'.repeat(200),
  'CERTIFICATE-----',
]

/** Characters to put into base64: its alphabet, padding, and what must not be there. */
const CHARS = [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  '=',
  '-',
  '_',
  ':',
  '\\',
  '"',
  ' ',
  '\t',
  '\r',
  '\n',
  '\u0000',
  '\u00a0',
  '\u2028',
  'é',
  '\ud800',
  '😀',
]

/** One mutation of a PEM text. */
export type TextMutation =
  | { op: 'dropLine' | 'duplicateLine' | 'swapLines'; line: number }
  | { op: 'char'; at: number; char: string }
  | { op: 'delete'; at: number; count: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'truncate'; at: number }
  | { op: 'label'; which: 'begin' | 'end' | 'both'; label: string }
  | { op: 'crlf' | 'escapedNewlines' | 'oneLine' | 'stripPadding' | 'addPadding' | 'nbsp' | 'headers' | 'dashes' }
  | { op: 'json'; style: 'string' | 'object' | 'double' | 'slashes' | 'unicode' }
  | { op: 'concat'; other: number }
  | { op: 'der'; mutations: DerMutation[] }

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constantFrom('dropLine' as const, 'duplicateLine' as const, 'swapLines' as const),
      line: position,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('char' as const), at: position, char: fc.constantFrom(...CHARS) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('delete' as const), at: position, count: fc.integer({ min: 1, max: 8 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      at: position,
      text: fc.string({ maxLength: 12, unit: 'binary' }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: position }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('label' as const),
      which: fc.constantFrom('begin' as const, 'end' as const, 'both' as const),
      label: fc.constantFrom(...LABELS),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constantFrom(
        'crlf' as const,
        'escapedNewlines' as const,
        'oneLine' as const,
        'stripPadding' as const,
        'addPadding' as const,
        'nbsp' as const,
        'headers' as const,
        'dashes' as const,
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('json' as const),
      style: fc.constantFrom(
        'string' as const,
        'object' as const,
        'double' as const,
        'slashes' as const,
        'unicode' as const,
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('concat' as const), other: position }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('der' as const), mutations: derMutations }) },
)

/** One to three text mutations, applied in order. */
export const textMutations: fc.Arbitrary<TextMutation[]> = fc.array(textMutation, { minLength: 1, maxLength: 3 })

function mapLines(text: string, line: number, f: (lines: string[], i: number) => void): string {
  const lines = text.split('\n')
  f(lines, line % lines.length)
  return lines.join('\n')
}

function applyText(text: string, m: TextMutation, others: readonly string[]): string {
  const at = 'at' in m ? m.at % (text.length + 1) : 0
  switch (m.op) {
    case 'dropLine':
      return mapLines(text, m.line, (lines, i) => lines.splice(i, 1))
    case 'duplicateLine':
      return mapLines(text, m.line, (lines, i) => lines.splice(i, 0, lines[i] as string))
    case 'swapLines':
      return mapLines(text, m.line, (lines, i) => {
        const j = (i + 1) % lines.length
        ;[lines[i], lines[j]] = [lines[j] as string, lines[i] as string]
      })
    case 'char':
      return text.slice(0, at) + m.char + text.slice(at + 1)
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.count)
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at)
    case 'truncate':
      return text.slice(0, at)
    case 'label': {
      let out = text
      if (m.which !== 'end') out = out.replace(/-----BEGIN [^\n]*?-----/, `-----BEGIN ${m.label}-----`)
      if (m.which !== 'begin') out = out.replace(/-----END [^\n]*?-----/, `-----END ${m.label}-----`)
      return out
    }
    case 'crlf':
      return text.replace(/\n/g, '\r\n')
    case 'escapedNewlines':
      return text.replace(/\n/g, '\\n')
    case 'oneLine':
      return text.replace(/\n/g, '')
    case 'stripPadding':
      return text.replace(/=/g, '')
    case 'addPadding':
      return text.replace(/\n-----END/, '=\n-----END')
    case 'nbsp':
      return text.replace(/\n/g, '\u00a0')
    case 'headers':
      return text.replace(/-----\n/, '-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n')
    case 'dashes':
      return text.replace(/-----$/m, '----')
    case 'json':
      switch (m.style) {
        case 'string':
          return JSON.stringify(text)
        case 'object':
          return JSON.stringify({ certificate: text, status: 'ISSUED' })
        case 'double':
          return JSON.stringify({ body: JSON.stringify({ csr: text }) })
        case 'slashes':
          return JSON.stringify(text).replace(/\//g, '\\/')
        case 'unicode':
          return JSON.stringify(text).replace(/\+/g, '\\u002B')
      }
      return text
    case 'concat':
      return text + (others[m.other % others.length] ?? '')
    case 'der': {
      const block = /-----BEGIN ([^\n]*?)-----([\s\S]*?)-----END/.exec(text)
      if (!block) return text
      const body = (block[2] as string).replace(/\s+/g, '')
      let der: Uint8Array
      try {
        der = Uint8Array.from(atob(body), (c) => c.charCodeAt(0))
      } catch {
        return text
      }
      return frame(block[1] as string, mutateDer(der, m.mutations))
    }
  }
}

/**
 * Applies the text mutations in order; `others` are the PEM texts a `concat` may append.
 *
 * @example
 * mutateText(pem, [{ op: 'crlf' }], [])
 */
export function mutateText(text: string, mutations: readonly TextMutation[], others: readonly string[]): string {
  return mutations.reduce((t, m) => applyText(t, m, others), text)
}

// ---------------------------------------------------------------------------------------------------------------
// JWK mutations

/** Member values: other key types and curves, empty, short, malformed and oversized base64url. */
const JWK_VALUES = [
  '',
  'A',
  'AA',
  'AAAA',
  '!!!!',
  'AA==',
  'A'.repeat(4000),
  '_-_-',
  'RSA',
  'EC',
  'OKP',
  'oct',
  'P-256',
  'P-384',
  'P-521',
  'Ed25519',
  'X25519',
  'secp256k1',
  'RS256',
  'ES256',
  'EdDSA',
]

/** One change to a JWK member (string values only: a wrong member type is a TypeError by DESIGN.md). */
export type JwkMutation =
  | { op: 'drop'; member: number }
  | { op: 'value'; member: number; value: number }
  | { op: 'random'; member: number; value: string }
  | { op: 'truncate'; member: number; at: number }
  | { op: 'char'; member: number; at: number; char: string }
  | { op: 'swap'; member: number; other: number }

export const jwkMutations: fc.Arbitrary<JwkMutation[]> = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('drop' as const), member: position }),
    fc.record({ op: fc.constant('value' as const), member: position, value: fc.nat({ max: JWK_VALUES.length - 1 }) }),
    fc.record({ op: fc.constant('random' as const), member: position, value: fc.base64String({ maxLength: 200 }) }),
    fc.record({ op: fc.constant('truncate' as const), member: position, at: position }),
    fc.record({ op: fc.constant('char' as const), member: position, at: position, char: fc.constantFrom(...CHARS) }),
    fc.record({ op: fc.constant('swap' as const), member: position, other: position }),
  ),
  { minLength: 1, maxLength: 3 },
)

/**
 * Applies the JWK mutations to a copy of `jwk`.
 *
 * @example
 * mutateJwk(jwk, [{ op: 'drop', member: 3 }])
 */
export function mutateJwk(jwk: JsonWebKey, mutations: readonly JwkMutation[]): JsonWebKey {
  const out: Record<string, unknown> = { ...jwk }
  for (const m of mutations) {
    const names = Object.keys(out).filter((k) => typeof out[k] === 'string')
    const name = names[m.member % Math.max(1, names.length)]
    if (name === undefined) break
    const value = out[name] as string
    const at = 'at' in m ? m.at % (value.length + 1) : 0
    switch (m.op) {
      case 'drop':
        delete out[name]
        break
      case 'value':
        out[name] = JWK_VALUES[m.value]
        break
      case 'random':
        out[name] = m.value.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
        break
      case 'truncate':
        out[name] = value.slice(0, at)
        break
      case 'char':
        out[name] = value.slice(0, at) + m.char + value.slice(at + 1)
        break
      case 'swap': {
        const other = names[m.other % names.length] as string
        out[name] = out[other]
        out[other] = value
        break
      }
    }
  }
  return out as JsonWebKey
}

// ---------------------------------------------------------------------------------------------------------------
// Random inputs

/** Random bytes: plain, or behind a SEQUENCE header claiming some length, so the reader goes past the first octets. */
export const randomDer: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc
    .tuple(fc.constantFrom(0x30, 0x31, 0x02, 0x03, 0x04, 0x06, 0xa0), fc.uint8Array({ maxLength: 600 }))
    .map(([tag, body]) => concatBytes([Uint8Array.of(tag), encodeLength(body.length), body])),
  fc
    .tuple(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }))
    .map(([a, b]) =>
      concatBytes([
        Uint8Array.of(0x30),
        encodeLength(a.length + b.length + 2),
        Uint8Array.of(0x30, a.length & 0x7f),
        a,
        b,
      ]),
    ),
)

/** Random text: any characters, or a PEM frame around random base64 under a known or odd label. */
export const randomText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 300, unit: 'binary' }),
  fc.tuple(fc.constantFrom(...LABELS), randomDer).map(([label, der]) => frame(label, der)),
  fc
    .string({ maxLength: 300, unit: fc.constantFrom(...CHARS) })
    .map((body) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`),
)

/** The hex of bytes, or the JSON of a text, for failure messages. */
export function showInput(input: string | Uint8Array): string {
  return typeof input === 'string' ? `text ${JSON.stringify(input)}` : `hex ${toHex(input)}`
}
