import { formatDate } from '../../common/dates';
import type { Readiness } from '../ce/renewal-readiness';

interface CredentialLine {
  type: { code: string; name: string };
  expiresOn: string | null;
  standing: string;
  standingLabel: string;
}

/**
 * What a person should do next about their credentials, most urgent first: the latest credential
 * of each type that is lapsed, expired or expiring, and what renewal still asks for.
 */
export function nextSteps(credentials: CredentialLine[], readiness: Readiness[]): string[] {
  const latest = new Map<string, CredentialLine>();
  for (const c of credentials) if (!latest.has(c.type.code)) latest.set(c.type.code, c);
  const steps: Array<[number, string]> = [];
  for (const c of latest.values()) {
    if (c.standing === 'grace')
      steps.push([0, `Renew ${c.type.code} now: it expired ${formatDate(c.expiresOn!)}. ${c.standingLabel}.`]);
    else if (c.standing === 'expired' || c.standing === 'terminated')
      steps.push([
        1,
        `${c.type.code} (${c.type.name}) has ${c.standing === 'terminated' ? 'been terminated: apply anew' : 'expired: renew it'}.`,
      ]);
    else if (c.standing === 'expiring') steps.push([2, `Renew ${c.type.code} by ${formatDate(c.expiresOn!)}.`]);
  }
  for (const r of readiness)
    if (!r.ready)
      steps.push([3, `For the ${r.code} renewal (${formatDate(r.period.to)}), still needed: ${r.missing.join('; ')}.`]);
  return steps.sort((a, b) => a[0] - b[0]).map(([, text]) => text);
}
