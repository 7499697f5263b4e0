/**
 * Building certificate hierarchies from small specs for the chain tests: CAs and leaves made with the toolkit
 * (createRootCa, createSubordinateCa + signSubordinateCa + importCaCertificate, issueCertificate) where our CA
 * would make them, and "careless" certificates (what a sloppy or hostile CA would sign: expired, over pathLen,
 * outside name constraints, unknown critical extensions, tampered) written here with the same extension encoders
 * and signed with the issuer's key.
 */
import { keyIdentifier, type Signer } from '../../src/cert/create.ts'
import {
  authorityKeyIdentifier,
  basicConstraints,
  extension,
  extKeyUsage,
  keyUsage,
  nameConstraintsExtension,
  subjectAltName,
  subjectKeyIdentifier,
} from '../../src/cert/extensions.ts'
import { readCertificate } from '../../src/cert/read.ts'
import { randomSerial } from '../../src/cert/serial.ts'
import type { KeyUsage, NameConstraints } from '../../src/cert/types.ts'
import { OID, oid } from '../../src/der/oid.ts'
import { encodeTime } from '../../src/der/time.ts'
import { bitString, contextTag, integer, printableString, sequence, setOf, utf8String } from '../../src/der/writer.ts'
import {
  type CertificateAuthority,
  createRootCa,
  createSubordinateCa,
  decodePem,
  encodePem,
  generateKeyPair,
  getCaCsr,
  importCaCertificate,
  importPrivateKey,
  issueCertificate,
  type KeyType,
  parseIp,
  signSubordinateCa,
} from '../../src/index.ts'
import { specOf } from '../../src/keys/detect.ts'
import { signBytes } from '../../src/keys/sign.ts'
import { signingContextForTests } from './ca-helpers.ts'

export const DAY = 86_400_000

/**
 * A subject: a common name, or attributes in order ([OID, value], one per RDN), each a UTF8String except C, or a
 * PrintableString when marked `printable`.
 */
export type SubjectSpec = string | [oid: string, value: string, type?: 'printable'][]

/**
 * A DER Name.
 *
 * @example
 * nameDer('Root') // CN=Root
 */
export function nameDer(subject: SubjectSpec): Uint8Array {
  const attributes = typeof subject === 'string' ? [[OID.commonName, subject] as const] : subject
  return sequence(
    ...attributes.map(([o, v, type]) =>
      setOf([sequence(oid(o), o === OID.country || type === 'printable' ? printableString(v) : utf8String(v))]),
    ),
  )
}

/** What a careless certificate holds. Times default to yesterday .. in 30 days. */
export interface CraftSpec {
  subject: SubjectSpec | Uint8Array
  publicKey: CryptoKey
  /** Replaces the SPKI exported from publicKey (to write the same key under another algorithm identifier). */
  spki?: Uint8Array
  notBefore?: Date
  notAfter?: Date
  isCa?: boolean
  pathLen?: number
  keyUsage?: KeyUsage[]
  extKeyUsage?: string[]
  dnsNames?: string[]
  ips?: string[]
  emails?: string[]
  uris?: string[]
  nameConstraints?: NameConstraints
  /** Replaces the computed SKI (to claim another key's identifier). */
  subjectKeyId?: Uint8Array
  /** Raw Extension encodings appended after the others. */
  extra?: Uint8Array[]
}

/** A critical extension with an OID nobody processes (a private arc). */
export const UNKNOWN_CRITICAL = extension('1.3.6.1.4.1.55555.1', true, Uint8Array.of(0x05, 0x00))

/**
 * Writes and signs a certificate exactly as specified, without any check: the template goes straight to DER.
 *
 * @example
 * const pem = await craftCertificate(rootSigner, { subject: 'Careless', publicKey: keys.publicKey, isCa: true })
 */
export async function craftCertificate(signer: Signer, spec: CraftSpec): Promise<string> {
  const spki = spec.spki ?? new Uint8Array(await crypto.subtle.exportKey('spki', spec.publicKey))
  const ski = spec.subjectKeyId ?? keyIdentifier(spki)
  const subject = spec.subject instanceof Uint8Array ? spec.subject : nameDer(spec.subject)
  const ips = (spec.ips ?? []).map((ip) => parseIp(ip) as Uint8Array)
  const names = { dnsNames: spec.dnsNames, emails: spec.emails, ips, uris: spec.uris }
  const extensions = [
    ...(spec.isCa !== undefined ? [basicConstraints(spec.isCa, spec.pathLen)] : []),
    ...(spec.keyUsage ? [keyUsage(spec.keyUsage)] : []),
    ...(spec.extKeyUsage ? [extKeyUsage(spec.extKeyUsage)] : []),
    subjectKeyIdentifier(ski),
    authorityKeyIdentifier(signer.keyId),
    ...(spec.dnsNames?.length || ips.length || spec.emails?.length || spec.uris?.length
      ? [subjectAltName(names, false)]
      : []),
    ...(spec.nameConstraints ? [nameConstraintsExtension(spec.nameConstraints)] : []),
    ...(spec.extra ?? []),
  ]
  const tbs = sequence(
    contextTag(0, true, integer(2)),
    integer(randomSerial(crypto)),
    signer.spec.signatureAlgorithm,
    signer.name,
    sequence(
      encodeTime(spec.notBefore ?? new Date(Date.now() - DAY)),
      encodeTime(spec.notAfter ?? new Date(Date.now() + 30 * DAY)),
    ),
    subject,
    spki,
    contextTag(3, true, sequence(...extensions)),
  )
  const signature = await signBytes(crypto, signer.spec, signer.privateKey, tbs)
  return encodePem('CERTIFICATE', sequence(tbs, signer.spec.signatureAlgorithm, bitString(signature)))
}

/**
 * A Signer for a key pair under a name (for careless CAs, end entities used as issuers, self-signed roots).
 *
 * @example
 * const signer = await keySigner(keys, nameDer('Careless CA'))
 */
export async function keySigner(keys: CryptoKeyPair, name: Uint8Array, keyId?: Uint8Array): Promise<Signer> {
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))
  return {
    name,
    keyId: keyId ?? keyIdentifier(spki),
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    spec: specOf(keys.privateKey),
  }
}

/**
 * The same certificate with the last octet (inside the signature) flipped.
 *
 * @example
 * const bad = tamper(leafPem)
 */
export function tamper(pem: string): string {
  const der = new Uint8Array((decodePem(pem)[0] as { der: Uint8Array }).der)
  der[der.length - 1] = (der[der.length - 1] as number) ^ 0x01
  return encodePem('CERTIFICATE', der)
}

/** One certificate of a hierarchy spec. */
export interface NodeSpec {
  id: string
  /** The id of the issuer; none: self-signed. */
  issuer?: string
  /** Made with the toolkit (root, subordinate or issued leaf) rather than crafted. */
  api?: boolean
  /** Subject: the id as common name by default; the same subject as another node gives a self-issued or twin CA. */
  subject?: SubjectSpec
  /** Crafted: the issuer name written, when it should differ in encoding from the issuer's subject. */
  issuerName?: SubjectSpec
  keyType?: KeyType
  /** Reuse the key pair of another node. */
  keyOf?: string
  isCa?: boolean
  pathLen?: number
  keyUsage?: KeyUsage[]
  extKeyUsage?: string[]
  dnsNames?: string[]
  ips?: string[]
  emails?: string[]
  nameConstraints?: NameConstraints
  /** Validity in days from now; default [-1, 30] crafted, the toolkit's defaults otherwise. */
  validity?: [number, number]
  /** Toolkit leaves: days (default 365). */
  period?: number
  unknownCritical?: boolean
  subjectKeyId?: Uint8Array
  /** Flip a signature bit afterwards. */
  tamper?: boolean
}

/** A built node: its PEM and what is needed to sign below it. */
export interface BuiltNode {
  pem: string
  keys: CryptoKeyPair
  name: Uint8Array
  signer: Signer
  ca?: CertificateAuthority
}

/**
 * Builds the nodes in order (issuers first).
 *
 * @example
 * const h = await buildHierarchy([{ id: 'root', api: true }, { id: 'leaf', issuer: 'root', api: true, dnsNames: ['a.example'] }])
 * h.leaf.pem
 */
export async function buildHierarchy(specs: NodeSpec[]): Promise<Record<string, BuiltNode>> {
  const built: Record<string, BuiltNode> = {}
  for (const spec of specs) {
    const issuer = spec.issuer ? (built[spec.issuer] as BuiltNode) : undefined
    const node = spec.api ? await toolkitNode(spec, issuer) : await craftedNode(spec, issuer, built)
    if (spec.tamper) node.pem = tamper(node.pem)
    built[spec.id] = node
  }
  return built
}

async function toolkitNode(spec: NodeSpec, issuer: BuiltNode | undefined): Promise<BuiltNode> {
  const commonName = typeof spec.subject === 'string' ? spec.subject : (spec.dnsNames?.[0] ?? spec.id)
  if (!issuer) {
    const ca = await createRootCa({
      subject: { commonName },
      ...(spec.keyType ? { keyType: spec.keyType } : {}),
      ...(spec.pathLen !== undefined ? { pathLen: spec.pathLen } : {}),
      ...(spec.nameConstraints ? { nameConstraints: spec.nameConstraints } : {}),
    })
    return caNode(ca)
  }
  const parent = issuer.ca as CertificateAuthority
  if (spec.isCa) {
    const pending = await createSubordinateCa({
      subject: { commonName },
      ...(spec.keyType ? { keyType: spec.keyType } : {}),
    })
    const certificate = await signSubordinateCa(parent, await getCaCsr(pending), {
      ...(spec.pathLen !== undefined ? { pathLen: spec.pathLen } : {}),
      ...(spec.nameConstraints ? { nameConstraints: spec.nameConstraints } : {}),
    })
    return caNode(await importCaCertificate(pending, certificate, [parent.certificate, ...parent.chain].join('')))
  }
  const issued = await issueCertificate(parent, {
    ...(spec.keyType ? { keyType: spec.keyType } : {}),
    period: spec.period ?? 365,
    x509Parameters: {
      commonName,
      ...(spec.dnsNames ? { altName: [...spec.dnsNames, ...(spec.emails ?? [])] } : {}),
      ...(spec.ips ? { ip: spec.ips } : {}),
    },
  })
  const keys = await importPrivateKey(issued.privateKey)
  const name = nameOf(issued.certificate)
  return { pem: issued.certificate, keys, name, signer: await keySigner(keys, name) }
}

/** The subject Name DER of a certificate. */
function nameOf(pem: string): Uint8Array {
  return readCertificate((decodePem(pem)[0] as { der: Uint8Array }).der).subject
}

async function caNode(ca: CertificateAuthority): Promise<BuiltNode> {
  const context = await signingContextForTests(ca)
  return { pem: ca.certificate as string, keys: ca.keys, name: context.signer.name, signer: context.signer, ca }
}

async function craftedNode(
  spec: NodeSpec,
  issuer: BuiltNode | undefined,
  built: Record<string, BuiltNode>,
): Promise<BuiltNode> {
  const keys = spec.keyOf ? (built[spec.keyOf] as BuiltNode).keys : await generateKeyPair(spec.keyType ?? 'EC256')
  const name = nameDer(spec.subject ?? spec.id)
  const own = await keySigner(keys, name, spec.subjectKeyId)
  const [from, to] = spec.validity ?? [-1, 30]
  const signer = issuer?.signer ?? own
  const pem = await craftCertificate(spec.issuerName ? { ...signer, name: nameDer(spec.issuerName) } : signer, {
    subject: name,
    publicKey: keys.publicKey,
    notBefore: new Date(Date.now() + from * DAY),
    notAfter: new Date(Date.now() + to * DAY),
    ...(spec.isCa !== undefined ? { isCa: spec.isCa } : {}),
    ...(spec.pathLen !== undefined ? { pathLen: spec.pathLen } : {}),
    ...(spec.keyUsage ? { keyUsage: spec.keyUsage } : spec.isCa ? { keyUsage: ['keyCertSign', 'cRLSign'] } : {}),
    ...(spec.extKeyUsage ? { extKeyUsage: spec.extKeyUsage } : {}),
    ...(spec.dnsNames ? { dnsNames: spec.dnsNames } : {}),
    ...(spec.ips ? { ips: spec.ips } : {}),
    ...(spec.emails ? { emails: spec.emails } : {}),
    ...(spec.nameConstraints ? { nameConstraints: spec.nameConstraints } : {}),
    ...(spec.subjectKeyId ? { subjectKeyId: spec.subjectKeyId } : {}),
    ...(spec.unknownCritical ? { extra: [UNKNOWN_CRITICAL] } : {}),
  })
  return { pem, keys, name, signer: own }
}

/**
 * A WebCrypto whose `subtle.verify` calls are counted, to bound the work of path building in tests.
 *
 * @example
 * const counter = countingCrypto()
 * await verifyChain(leaf, { roots, crypto: counter.crypto })
 * counter.verifies // 3
 */
export function countingCrypto(): { crypto: Crypto; readonly verifies: number } {
  let verifies = 0
  const subtle = crypto.subtle
  const counted = new Proxy(subtle, {
    get(target, property) {
      const value = Reflect.get(target, property, target)
      if (typeof value !== 'function') return value
      if (property === 'verify') {
        return (...args: unknown[]) => {
          verifies++
          return value.apply(target, args)
        }
      }
      return value.bind(target)
    },
  })
  const wrapped = { subtle: counted, getRandomValues: crypto.getRandomValues.bind(crypto) } as unknown as Crypto
  return {
    crypto: wrapped,
    get verifies() {
      return verifies
    },
  }
}
