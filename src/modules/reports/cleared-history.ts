import { addDays, type IsoDate } from '../../common/dates';
import { lastActiveDay, statusChangeDays } from '../../common/status-periods';
import type { RequirementNode } from '../catalog/requirement-node';
import type {
  ClearanceEngine,
  ClearanceFacts,
  ClearanceStatus,
  RoleRule,
  RuleVersionFact,
} from '../clearance/clearance-engine';

/** How many of `people` were cleared (with or without a warning) for each role on each date: counts[role][date]. */
export interface ClearedCounts {
  dates: IsoDate[];
  counts: number[][];
  /** Engine evaluations made, to show what the shortcuts save. */
  evaluations: number;
}

/** The part of an answer the counts need; the engine's full and brief answers both have it. */
export interface Answer {
  status: ClearanceStatus;
  clearedUntil: IsoDate | null;
  /** Set when a warning stretch (a lapse into a grace period) follows or applies: the last day cleared at all. */
  warningUntil?: IsoDate | null;
}
export type Evaluate = (roleCode: string, date: IsoDate, facts: ClearanceFacts) => Answer;

/** Sorts before every date: "can never be met". */
const NEVER = '';
const earliest = (a: IsoDate | null, b: IsoDate | null) => (a === null ? b : b === null ? a : a < b ? a : b);
const latest = (a: IsoDate | null, b: IsoDate | null) => (a === null || b === null ? null : a > b ? a : b);

/**
 * What a requirement could do over time for one person, worked out from their records alone:
 *   - `points`: the first days of new states in what it reads — a credential issued, past its
 *     expiry, past its grace, revoked, suspended or back; lived experience verified or withdrawn;
 *     a supervision or a supervisor's qualification starting or ending; a dated requirement
 *     starting or stopping. The engine compares the date asked about only with these boundaries,
 *     so between two of them every answer is the same.
 *   - `lastDay`: no date after it can meet the requirement (the latest end of anything that could
 *     meet it; NEVER when nothing on record could; null when there is no end).
 */
interface Reach {
  points: IsoDate[];
  lastDay: IsoDate | null;
}

/** A Reach built up over alternatives, any one of which meets the requirement: it lasts as long as the longest. */
class Alternatives {
  readonly points: IsoDate[] = [];
  private lastDay: IsoDate | null = NEVER;

  /** One more alternative, which can meet the requirement through `end` (null: no end). */
  lasting(end: IsoDate | null): void {
    this.lastDay = this.lastDay === NEVER ? end : latest(this.lastDay, end);
  }

  reach(): Reach {
    return { points: this.points, lastDay: this.lastDay };
  }
}

class ReachAnalysis {
  private readonly memo = new Map<string, Reach>();

  constructor(
    private readonly facts: ClearanceFacts,
    private readonly roles: Map<string, RoleRule>,
  ) {}

  role(code: string, chain: string[] = []): Reach {
    const key = code.toUpperCase();
    const known = this.memo.get(key);
    if (known) return known;
    const role = this.roles.get(key);
    const lastActive = lastActiveDay(this.facts.statusPeriods, this.facts.active);
    const rules: Reach =
      !role || chain.includes(key) || lastActive === NEVER
        ? { points: [], lastDay: NEVER }
        : role.versions
          ? this.versions(role.versions, [...chain, key])
          : role.rule
            ? this.node(role.rule, [...chain, key])
            : { points: [], lastDay: null };
    // Cleared only while active: each change of status is a boundary, and nothing after the last active day counts.
    const reach: Reach =
      rules.lastDay === NEVER
        ? rules
        : {
            points: [...rules.points, ...statusChangeDays(this.facts.statusPeriods)],
            lastDay: earliest(rules.lastDay, lastActive),
          };
    this.memo.set(key, reach);
    return reach;
  }

  /** A versioned rule: a date is judged by the version in force on it, so each version's first and last days are change points too. */
  private versions(versions: RuleVersionFact[], chain: string[]): Reach {
    const reach = new Alternatives();
    for (const v of versions) {
      const r = v.rule ? this.node(v.rule, chain) : { points: [], lastDay: null };
      reach.points.push(...r.points, ...(v.from ? [v.from] : []), ...(v.until ? [addDays(v.until, 1)] : []));
      if (r.lastDay === NEVER) continue;
      reach.lasting(earliest(r.lastDay, v.until));
    }
    return reach.reach();
  }

  private node(node: RequirementNode, chain: string[]): Reach {
    const inner = this.leaf(node, chain);
    if (!node.appliesFrom && !node.appliesUntil) return inner;
    // A dated requirement is met while it does not apply, so it can be met on any day.
    const bounds = [
      ...(node.appliesFrom ? [node.appliesFrom] : []),
      ...(node.appliesUntil ? [addDays(node.appliesUntil, 1)] : []),
    ];
    return { points: [...inner.points, ...bounds], lastDay: null };
  }

  private leaf(node: RequirementNode, chain: string[]): Reach {
    const f = this.facts;
    switch (node.kind) {
      case 'credential': {
        const code = node.credentialTypeCode!.toUpperCase();
        const reach = new Alternatives();
        const points = reach.points;
        for (const c of f.credentials) {
          if (c.typeCode.toUpperCase() !== code) continue;
          points.push(c.issuedOn);
          let end = c.expiresOn === null ? null : addDays(c.expiresOn, c.graceDays);
          if (c.expiresOn) points.push(addDays(c.expiresOn, 1), addDays(end!, 1));
          if (c.revokedOn) {
            points.push(c.revokedOn);
            end = earliest(end, addDays(c.revokedOn, -1));
          }
          if (c.suspendedFrom) points.push(c.suspendedFrom);
          if (c.suspendedUntil) points.push(addDays(c.suspendedUntil, 1));
          else if (c.suspendedFrom) end = earliest(end, addDays(c.suspendedFrom, -1));
          reach.lasting(end);
        }
        return reach.reach();
      }
      case 'lived_experience': {
        const reach = new Alternatives();
        for (const a of f.livedExperience) {
          reach.points.push(a.verifiedOn, ...(a.withdrawnOn ? [a.withdrawnOn] : []));
          reach.lasting(a.withdrawnOn ? addDays(a.withdrawnOn, -1) : null);
        }
        return reach.reach();
      }
      case 'active_supervision': {
        const reach = new Alternatives();
        const points = reach.points;
        for (const s of f.supervision) {
          points.push(s.startsOn);
          if (s.endsOn) points.push(addDays(s.endsOn, 1));
          for (const q of s.supervisorQualified) {
            points.push(q.from);
            if (q.to) points.push(addDays(q.to, 1));
            reach.lasting(earliest(s.endsOn, q.to));
          }
        }
        return reach.reach();
      }
      case 'all_of':
      case 'any_of': {
        const children = (node.children ?? []).map((c) => this.node(c, chain));
        const all = node.kind === 'all_of';
        // All of: met only while every child can be; any of: while one can.
        const lastDay = children.reduce<IsoDate | null>(
          (d, c) =>
            all
              ? d === NEVER || c.lastDay === NEVER
                ? NEVER
                : earliest(d, c.lastDay)
              : d === NEVER
                ? c.lastDay
                : c.lastDay === NEVER
                  ? d
                  : latest(d, c.lastDay),
          all ? null : NEVER,
        );
        return { points: children.flatMap((c) => c.points), lastDay };
      }
      case 'practice_role':
        return this.role(node.practiceRoleCode!, chain);
    }
  }
}

/** The dates once each, in order, and a zero count per role per date. */
function zeroCounts(roles: RoleRule[], dates: IsoDate[]): { sorted: IsoDate[]; counts: number[][] } {
  const sorted = [...new Set(dates)].sort();
  return { sorted, counts: roles.map(() => sorted.map(() => 0)) };
}

/**
 * Cleared counts per role on each of `dates`, asking the engine as few times as the answers allow.
 * Four shortcuts, each a promise the engine's answers or the person's records make:
 *   - an evaluation on date d that says "cleared until u" (u null: no end on present records)
 *     means cleared on every date in [d, u], so those dates need no evaluation of their own;
 *   - when nothing the role reads of the person changes between two dates (no change point in
 *     between, see `Reach`), the later date has the earlier one's answer;
 *   - no date after the last day anything on record could meet the rule is cleared (and a rule
 *     needing something the person has no record of at all is never met).
 * `clearedCountsDirect` asks about every date; the spec holds both to the same counts on a
 * generated population.
 */
export function clearedCounts(
  evaluate: Evaluate,
  roles: RoleRule[],
  people: Iterable<ClearanceFacts>,
  dates: IsoDate[],
): ClearedCounts {
  const { sorted, counts } = zeroCounts(roles, dates);
  const byCode = new Map(roles.map((r) => [r.code.toUpperCase(), r]));
  let evaluations = 0;
  for (const facts of people) {
    const reach = new ReachAnalysis(facts, byCode);
    roles.forEach((role, r) => {
      const { points, lastDay } = reach.role(role.code);
      // Dates after the last day anything could meet the rule are not cleared; none to ask about.
      const end = lastDay === null ? sorted.length : sorted.findIndex((d) => d > lastDay);
      const stop = end === -1 ? sorted.length : end;
      if (stop === 0) return;
      // segment[i]: how many change points fall on or before sorted[i]; equal segments, equal answers.
      const ordered = [...points].sort();
      const segment: number[] = [];
      for (let i = 0, p = 0; i < stop; i++) {
        while (p < ordered.length && ordered[p] <= sorted[i]) p++;
        segment.push(p);
      }
      let i = 0;
      let lastSegment = -1;
      let lastCleared = false;
      while (i < stop) {
        if (segment[i] === lastSegment) {
          if (lastCleared) counts[r][i]++;
          i++;
          continue;
        }
        const answer = evaluate(role.code, sorted[i], facts);
        evaluations++;
        lastSegment = segment[i];
        lastCleared = answer.status !== 'not_cleared';
        if (!lastCleared) {
          i++;
          continue;
        }
        // Cleared on sorted[i] itself whatever `until` says, so the walk always moves on.
        counts[r][i]++;
        let j = i + 1;
        // Cleared with a warning is cleared: counted through the last day cleared at all.
        const until = answer.warningUntil ?? answer.clearedUntil;
        while (j < stop && (until === null || sorted[j] <= until)) counts[r][j++]++;
        // Past `until` the answer is unknown until asked.
        lastSegment = -1;
        i = j;
      }
    });
  }
  return { dates: sorted, counts, evaluations };
}

/** The same counts by evaluating every role on every date: the reference the shortcuts are tested against. */
export function clearedCountsDirect(
  engine: ClearanceEngine,
  roles: RoleRule[],
  people: Iterable<ClearanceFacts>,
  dates: IsoDate[],
): ClearedCounts {
  const { sorted, counts } = zeroCounts(roles, dates);
  let evaluations = 0;
  for (const facts of people)
    roles.forEach((role, r) =>
      sorted.forEach((date, d) => {
        evaluations++;
        if (engine.evaluate(role.code, date, facts).status !== 'not_cleared') counts[r][d]++;
      }),
    );
  return { dates: sorted, counts, evaluations };
}

/** The last day of each of the `n` months up to `today`, oldest first; the current month counts when today is its last day. */
export function monthEndsUpTo(today: IsoDate, n: number): IsoDate[] {
  const [y, m] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  const ends: IsoDate[] = [];
  for (let k = 0; ends.length < n; k++) {
    // Day 0 of month m+1-k is the last day of month m-k.
    const end = new Date(Date.UTC(y, m - k, 0)).toISOString().slice(0, 10);
    if (end <= today) ends.unshift(end);
  }
  return ends;
}
