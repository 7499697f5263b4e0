// The officially assigned ISO 3166-1 alpha-2 codes (249: the same set as the IANA time zone database's
// iso3166.tab). User-assigned and reserved codes (XK, UK, EU, ...) are not country names in a certificate, so they
// are refused. Written as a first letter followed by every second letter it takes ('AD AE AF' is 'ADEF'): the list
// ships in every bundle that makes a CSR, and this form is a third of its size.
const ASSIGNED = new Set(
  [
    'ADEFGILMOQRSTUWXZ BABDEFGHIJLMNOQRSTVWYZ CACDFGHIKLMNORUVWXYZ DEJKMOZ ECEGHRST FIJKMOR ',
    'GABDEFGHILMNPQRSTUWY HKMNRTU IDELMNOQRST JEMOP KEGHIMNPRWYZ LABCIKRSTUVY MACDEFGHKLMNOPQRSTUVWXYZ ',
    'NACEFGILOPRUZ OM PAEFGHKLMNRSTWY QA REOSUW SABCDEGHIJKLMNORSTVXYZ TCDFGHJKLMNORTVWZ UAGMSYZ VACEGINU ',
    'WFS YET ZAMW ',
  ]
    .join('')
    .trim()
    .split(' ')
    .flatMap((group) => [...group.slice(1)].map((second) => group[0] + second)),
)

/**
 * Whether the text is an assigned ISO 3166-1 alpha-2 code (upper-case).
 *
 * @example
 * isCountryCode('GB') // true
 * isCountryCode('UK') // false
 */
export function isCountryCode(code: string): boolean {
  return ASSIGNED.has(code)
}
