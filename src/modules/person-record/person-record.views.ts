import { formatDate } from '../../common/dates';
import { pagerView } from '../../common/http/pager';
import { credentialStanding } from '../credentials/credential-status';
import type { ListPeopleQuery } from '../people/dto/person.dto';
import type { PeoplePage } from '../people/people.service';
import { personView } from '../people/people.views';
import type { PersonRecord } from './person-record.service';
import type { PersonStatusPeriod, StatusReason } from '../people/person-status-period.entity';

const REASON_LABELS: Record<StatusReason, string> = {
  joined: 'Joined or returned',
  left: 'Left the program',
  leave: 'On leave',
  other: 'Other',
};

/** A person's status periods, newest first, for the small table on their page. */
export function statusHistoryView(periods: PersonStatusPeriod[]) {
  return [...periods].reverse().map((p, i, all) => ({
    status: p.status,
    // The first period also stands for the days before it (nothing earlier is known): the page says so.
    first: i === all.length - 1,
    fromDate: String(p.fromDate),
    toDate: p.toDate === null ? null : String(p.toDate),
    reason: REASON_LABELS[p.reason] ?? p.reason,
  }));
}

export function personRecordView(record: PersonRecord, today: string) {
  return {
    ...personView(record.person),
    livedExperience: record.attestations.map((a) => ({
      id: a.id,
      verifiedOn: a.verifiedOn,
      verifiedBy: { id: a.verifiedById, name: a.verifiedBy?.name ?? null },
      evidenceLocation: a.evidenceLocation,
      withdrawnOn: a.withdrawnOn,
    })),
    credentials: record.credentials.map((c) => {
      const revoked = c.revokedOn !== null && c.revokedOn <= today;
      const suspended =
        c.suspendedFrom !== null &&
        c.suspendedFrom <= today &&
        (c.suspendedUntil === null || today <= c.suspendedUntil);
      const standing = revoked
        ? { standing: 'revoked', label: `Revoked from ${formatDate(c.revokedOn!)}` }
        : suspended
          ? {
              standing: 'revoked',
              label: `Suspended${c.suspendedUntil ? ` until ${formatDate(c.suspendedUntil)}` : ''}`,
            }
          : credentialStanding(c, c.credentialType, today);
      return {
        id: c.id,
        type: {
          id: c.credentialTypeId,
          code: c.credentialType.code,
          name: c.credentialType.name,
          kind: c.credentialType.kind,
          termsPublished: c.credentialType.termsPublished,
        },
        source: c.source,
        issuedOn: c.issuedOn,
        expiresOn: c.expiresOn,
        licenceNumber: c.licenceNumber,
        issuingBody: c.issuingBody,
        standing: standing.standing,
        standingLabel: standing.label,
        revokedOn: c.revokedOn,
        revocationReason: c.revocationReason,
        verifiedOn: c.verifiedOn,
        verificationResult: c.verificationResult,
      };
    }),
  };
}

/** The people list: a page of people, the filters it was asked for, and links to the pages either side. */
export function peopleListView(page: PeoplePage, q: ListPeopleQuery) {
  const link = (n: number) =>
    `/people?${new URLSearchParams({ ...(q.q ? { q: q.q } : {}), ...(q.role ? { role: q.role } : {}), ...(q.status ? { status: q.status } : {}), page: String(n) })}`;
  return {
    items: page.items.map(personView),
    total: page.total,
    query: q,
    filtered: Boolean(q.q || q.role || q.status),
    pager: pagerView(page, link),
  };
}
