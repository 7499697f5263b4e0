import { createCertificate, keyIdentifier } from '../cert/create.ts'
import { PROFILES } from '../cert/profiles.ts'
import { randomSerial } from '../cert/serial.ts'
import type { NameConstraints } from '../cert/types.ts'
import { PkiArgumentError } from '../errors.ts'
import { keyTypeSpec } from '../keys/generate.ts'
import type { KeyType } from '../keys/types.ts'
import { randomUuid } from '../lib/crypto.ts'
import { encodeName } from '../names/encode.ts'
import { checkX509Parameters } from '../names/subject.ts'
import type { X509Parameters } from '../names/types.ts'
import { encodePem } from '../pem/index.ts'
import { makeCaKeys, sealOption } from './custody.ts'
import { checkTime, DAY_MS, runtime } from './options.ts'
import { type StoreOption, storeOption } from './persist.ts'
import { checkSettings } from './settings.ts'
import type { CertificateAuthority, Runtime } from './types.ts'

/** Options of {@link createRootCa}. */
export interface CreateRootCaOptions extends Runtime, StoreOption {
  subject: X509Parameters
  /** Default 'EC256'. */
  keyType?: KeyType
  /** Days, 1..36500 (default 3650). Roots often live 20-25 years; that is the one place past 3650 days. */
  validityDays?: number
  /** basicConstraints pathLenConstraint: how many CA levels may sit below this root (default: unlimited). */
  pathLen?: number
  /** Name constraints written into the root and so enforced on everything below it. */
  nameConstraints?: NameConstraints
  /** Written into the certificates this CA issues. */
  crlUrls?: string[]
  ocspUrl?: string
  caIssuersUrl?: string
  /** Certificate policy OIDs for the certificates this CA issues. */
  policies?: string[]
  /**
   * Keeps a sealed copy of the key so that {@link exportCaBackup} can write it, encrypted (default false; true
   * when `store` keeps keys as encrypted PKCS#8, as the file store does). Without it the key can never leave this
   * WebCrypto implementation, not even to a backup.
   */
  allowBackup?: boolean
}

/**
 * Checks a pathLen option.
 *
 * @example
 * checkPathLen(0)
 */
export function checkPathLen(pathLen: unknown, field = 'pathLen'): number | undefined {
  if (pathLen === undefined) return undefined
  if (typeof pathLen !== 'number') throw new TypeError(`${field} must be a number`)
  if (!Number.isInteger(pathLen) || pathLen < 0 || pathLen > 255) {
    throw new PkiArgumentError(field, `${field} must be a whole number in 0..255`)
  }
  return pathLen
}

/**
 * Makes a root CA on this machine: a fresh key pair (private key non-extractable) and a self-signed certificate
 * (profile `root-ca`: basicConstraints CA:TRUE critical, keyUsage keyCertSign + cRLSign critical, SKI = AKI).
 * The CA is ACTIVE. With `store`, it is added to the store (and only returned once it is there).
 *
 * @example
 * const root = await createRootCa({ subject: { commonName: 'Example Root CA', organization: 'Example' },
 *   keyType: 'EC384', validityDays: 7300, pathLen: 1 })
 */
export async function createRootCa(o: CreateRootCaOptions): Promise<CertificateAuthority> {
  if (typeof o !== 'object' || o === null) throw new TypeError('createRootCa takes an options object')
  const checked = checkX509Parameters(o.subject)
  const keyType = o.keyType ?? 'EC256'
  const spec = keyTypeSpec(keyType)
  const validityDays = o.validityDays ?? 3650
  if (typeof validityDays !== 'number') throw new TypeError('validityDays must be a number')
  if (!Number.isInteger(validityDays) || validityDays < 1 || validityDays > 36500) {
    throw new PkiArgumentError('validityDays', 'validityDays must be a whole number of days in 1..36500')
  }
  const pathLen = checkPathLen(o.pathLen)
  const settings = checkSettings(o)
  const store = storeOption(o)
  const sealed = sealOption(o, store)
  const { crypto, at } = runtime(o)

  const notAfter = checkTime(new Date(at.getTime() + validityDays * DAY_MS), 'validityDays')
  const { keys, sealedKey } = await makeCaKeys(crypto, keyType, sealed)
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))
  const keyId = keyIdentifier(spki)
  const subject = encodeName(checked.attributes)
  const profile = PROFILES['root-ca']
  const der = await createCertificate(
    crypto,
    {
      serialNumber: randomSerial(crypto),
      subject,
      notBefore: at,
      notAfter,
      publicKey: spki,
      isCa: true,
      ...(pathLen !== undefined ? { pathLen } : {}),
      keyUsage: profile.keyUsage,
      subjectKeyId: keyId,
      dnsNames: checked.dnsNames,
      emails: checked.emails,
      ips: checked.ips,
      ...(settings.nameConstraints ? { nameConstraints: settings.nameConstraints } : {}),
    },
    { name: subject, keyId, privateKey: keys.privateKey, publicKey: keys.publicKey, spec },
  )
  const ca: CertificateAuthority = {
    id: randomUuid(crypto),
    status: 'ACTIVE',
    keyType,
    keys,
    certificate: encodePem('CERTIFICATE', der),
    chain: [],
    settings,
    revoked: [],
    crlNumber: 0,
    ...(sealedKey ? { sealedKey } : {}),
  }
  await store?.addCa(ca)
  return ca
}
