/**
 * E-mail addresses are compared by a key: the address in Unicode NFC, lower-cased. `jöl@example.org`
 * typed with a precomposed ö (NFC) and with o + combining diaeresis (NFD, as some keyboards and
 * pasted text give it) look the same and reach the same mailbox, so they are one person here. The
 * key is stored beside the address (`people.email_key`, unique); the address itself is stored in NFC.
 */
export function normalizeEmail(email: string): string {
  return email.normalize('NFC');
}

/** NFC again after lower-casing: lower-casing can leave a sequence that composes differently. */
export function emailKey(email: string): string {
  return email.normalize('NFC').toLowerCase().normalize('NFC');
}
