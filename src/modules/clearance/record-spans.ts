import { addDays, type IsoDate } from '../../common/dates';
import type { ClearanceFacts, CredentialFact } from './clearance-facts';
import { covering, earlier, intersect, merge, without, type Span } from './date-spans';

/** Each credential of one type with the days it counts, and those days joined up; independent of the date asked about. */
export interface CredentialSpans {
  held: CredentialFact[];
  pieces: Array<{ credential: CredentialFact; span: Span }>;
  merged: Span[];
  /** The days they count outside a grace period, joined up. */
  clear: Span[];
}

/**
 * What a person's records add up to, as spans of days: the days each credential type counts, the
 * days they are supervised by a qualified supervisor, and the days their lived experience stands.
 * None of it depends on the date asked about, so it is worked out once per person and kept.
 */
export class RecordSpans {
  private readonly credentialsOf = new WeakMap<ClearanceFacts, Map<string, CredentialSpans>>();
  private readonly supervisionOf = new WeakMap<ClearanceFacts, Span[]>();
  private readonly livedOf = new WeakMap<ClearanceFacts, Span[]>();

  credentials(code: string, facts: ClearanceFacts): CredentialSpans {
    let perType = this.credentialsOf.get(facts);
    if (!perType) this.credentialsOf.set(facts, (perType = new Map()));
    const key = code.toUpperCase();
    let found = perType.get(key);
    if (!found) {
      const held = facts.credentials.filter((c) => c.typeCode.toUpperCase() === key);
      // Each credential counts from its issue date through its expiry plus grace, cut short by a revocation.
      const pieces = held.flatMap((c) => {
        const end = c.expiresOn === null ? null : addDays(c.expiresOn, c.graceDays);
        const whole = { from: c.issuedOn, to: c.revokedOn ? earlier(end, addDays(c.revokedOn, -1)) : end };
        return without(whole, c.suspendedFrom, c.suspendedUntil).map((span) => ({ credential: c, span }));
      });
      const merged = merge(pieces.map((p) => p.span));
      // The same days without the grace periods: where a warning starts. Without any grace (most types), the same spans.
      const graced = held.some((c) => c.graceDays > 0 && c.expiresOn !== null);
      const clear = graced
        ? merge(
            held.flatMap((c) => {
              const to = c.revokedOn ? earlier(c.expiresOn, addDays(c.revokedOn, -1)) : c.expiresOn;
              return without({ from: c.issuedOn, to }, c.suspendedFrom, c.suspendedUntil);
            }),
          )
        : merged;
      found = { held, pieces, merged, clear };
      perType.set(key, found);
    }
    return found;
  }

  livedExperience(facts: ClearanceFacts): Span[] {
    let spans = this.livedOf.get(facts);
    if (!spans) {
      spans = merge(
        facts.livedExperience.map((a) => ({
          from: a.verifiedOn,
          to: a.withdrawnOn ? addDays(a.withdrawnOn, -1) : null,
        })),
      );
      this.livedOf.set(facts, spans);
    }
    return spans;
  }

  /** Supervision counts only while the assignment runs AND the supervisor is qualified. */
  supervision(facts: ClearanceFacts): Span[] {
    let spans = this.supervisionOf.get(facts);
    if (!spans) {
      spans = merge(
        facts.supervision.flatMap((s) =>
          s.supervisorQualified
            .map((q) => intersect({ from: s.startsOn, to: s.endsOn }, q))
            .filter((x): x is Span => x !== null),
        ),
      );
      this.supervisionOf.set(facts, spans);
    }
    return spans;
  }
}

/** The credential of this type that counts on `date` and carries furthest, with the stretch it belongs to. */
export function inForce(
  { pieces, merged }: CredentialSpans,
  date: IsoDate,
): { best: CredentialFact; span: Span } | null {
  const span = covering(merged, date);
  if (!span) return null;
  let best: CredentialFact | null = null;
  for (const { credential: c, span: s } of pieces) {
    if (!(s.from <= date && (s.to === null || date <= s.to))) continue;
    if (best === null) best = c;
    else if (best.expiresOn === null) continue;
    else if (c.expiresOn === null || !(best.expiresOn >= c.expiresOn)) best = c;
  }
  return best ? { best, span } : null;
}
