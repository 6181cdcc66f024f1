import { Injectable } from '@nestjs/common';
import { addDays, addMonths, type IsoDate } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import { hasRole, type AuthUser } from '../../common/auth/auth-user';
import { activeOn } from '../../common/status-periods';
import { ClearanceEngine, type ClearanceFacts, type CredentialFact } from '../clearance/clearance-engine';
import { ClearanceService } from '../clearance/clearance.service';
import { SupervisionService } from '../supervision/supervision.service';
import type { ChartModel } from './charts/chart-model';
import { clearedCounts, monthEndsUpTo } from './cleared-history';
import { PeopleReportsRepository } from './people-reports.repository';
import { TrainingReportsRepository, type PipelineRow } from './training-reports.repository';
import { isSupervisionOverdue } from '../supervision/supervision-gap';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const EXPIRY_WINDOWS = [30, 60, 90] as const;

export interface PipelineCourse {
  courseId: string;
  code: string;
  title: string;
  enrolled: number;
  inProgress: number;
  completed: number;
}

export interface Dashboard {
  date: IsoDate;
  /** Whose numbers these are: the whole program (admins) or the viewer's team (supervisors). */
  scope: 'program' | 'team';
  peers: number;
  clearedToday: Array<{ code: string; name: string; cleared: number }>;
  expiring: Record<`in${(typeof EXPIRY_WINDOWS)[number]}`, number>;
  /** Past their expiry date, not renewed, inside the grace period (still lawful, with a warning). */
  lapsed: number;
  /** Past expiry and grace within the last year, not renewed. */
  expiredLastYear: number;
  supervisionGap: { days: number; peers: number };
  charts: { expirations: ChartModel; cleared: ChartModel; pipeline: ChartModel };
  pipeline: PipelineCourse[];
  /** The figures in a few sentences, the ones a program manager would say first. */
  story: string[];
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * What the dashboard says, in words: how the role most peers are cleared for moved since the last
 * month end, the busiest month of expirations ahead and what dominates it, and supervision gaps.
 */
export function storyOf(d: Omit<Dashboard, 'story'>): string[] {
  const story: string[] = [];
  const cleared = d.charts.cleared;
  const last = cleared.categories.length - 1;
  const lead = cleared.series.reduce<(typeof cleared.series)[number] | null>(
    (best, s) => (best === null || (s.values[last] ?? 0) > (best.values[last] ?? 0) ? s : best),
    null,
  );
  if (lead && d.peers > 0) {
    const today = d.clearedToday.find((r) => r.code === lead.key)?.cleared ?? 0;
    const before = lead.values[last] ?? 0;
    const peak = Math.max(...lead.values);
    const change =
      today === before ? 'the same as' : today > before ? `up from ${before} at` : `down from ${before} at`;
    story.push(
      `${today} of ${plural(d.peers, 'peer', 'peers')} ${today === 1 ? 'is' : 'are'} cleared as ${lead.label} today, ${change} the end of ${cleared.categories[last].longLabel ?? cleared.categories[last].label}${peak > Math.max(today, before) ? ` (a high of ${peak} in the last 12 months)` : ''}.`,
    );
  }
  const exp = d.charts.expirations;
  const totals = exp.categories.map((_, i) => exp.series.reduce((n, s) => n + (s.values[i] ?? 0), 0));
  const busiest = totals.indexOf(Math.max(...totals));
  if (totals[busiest] > 0) {
    const top = [...exp.series].sort((a, b) => (b.values[busiest] ?? 0) - (a.values[busiest] ?? 0))[0];
    const month = exp.categories[busiest].longLabel ?? exp.categories[busiest].label;
    story.push(
      `${plural(d.expiring.in30, 'credential expires', 'credentials expire')} within 30 days; the busiest month ahead is ${month}, with ${totals[busiest]} (${top.values[busiest]} ${top.label}).`,
    );
  } else story.push('No credential expires in the next 12 months.');
  if (d.lapsed)
    story.push(`${plural(d.lapsed, 'credential is', 'credentials are')} past expiry in the grace period: renew now.`);
  story.push(
    d.supervisionGap.peers
      ? `${d.supervisionGap.peers} of ${plural(d.peers, 'peer has', 'peers have')} had no supervision session in ${d.supervisionGap.days} days.`
      : `Every peer has had a supervision session in the last ${d.supervisionGap.days} days.`,
  );
  return story;
}

/** Milliseconds per step, for the benchmark's breakdown. */
export type Timings = Record<string, number>;

/** The credential a person currently holds of a type: the latest issued of that type (a renewal supersedes the old one). */
function currentCredentials(facts: ClearanceFacts): CredentialFact[] {
  const latest = new Map<string, CredentialFact>();
  for (const c of facts.credentials) {
    const known = latest.get(c.typeCode);
    if (!known || c.issuedOn > known.issuedOn) latest.set(c.typeCode, c);
  }
  return [...latest.values()].filter((c) => c.revokedOn === null);
}

/**
 * A month on a chart's axis: "Dec", with the year beneath January and beneath the first month —
 * unless a January follows at once, where two years side by side would run together.
 */
function monthLabel(
  month: string,
  i: number,
  months: string[],
): { key: string; label: string; group?: string; longLabel: string } {
  const m = Number(month.slice(5, 7));
  const nextIsJanuary = months[i + 1]?.slice(5, 7) === '01';
  const group = m === 1 || (i === 0 && !nextIsJanuary) ? { group: month.slice(0, 4) } : {};
  return { key: month, label: MONTHS[m - 1], ...group, longLabel: `${MONTHS[m - 1]} ${month.slice(0, 4)}` };
}

/**
 * The program dashboard's figures for a date, over the active peers the viewer may see: facts are
 * loaded once (ClearanceService.factsFor) and the clearance engine is asked about today and the
 * last twelve month ends over that one load, skipping dates a "cleared until" already answers.
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly clearance: ClearanceService,
    private readonly supervision: SupervisionService,
    private readonly people: PeopleReportsRepository,
    private readonly training: TrainingReportsRepository,
    private readonly config: AppConfig,
  ) {}

  async build(viewer: AuthUser, date: IsoDate, timings: Timings = {}): Promise<Dashboard> {
    const step = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
      const started = performance.now();
      try {
        return await work();
      } finally {
        timings[name] = (timings[name] ?? 0) + performance.now() - started;
      }
    };
    const today = this.config.today();
    const filter = { viewer, today };
    const monthEnds = monthEndsUpTo(date, 12);
    // Everyone active on a day the charts ask about: someone deactivated today still counts in last June's figures.
    const peers = await step('people', () => this.people.visiblePeers(filter, { from: monthEnds[0], to: date }));
    const everyone = peers.map((p) => p.id);
    const [facts, roles, pipelineRows] = await step('load facts', () =>
      Promise.all([
        this.clearance.factsFor(everyone),
        this.clearance.roles(),
        this.training.trainingPipeline(filter, date, addMonths(date, -12)),
      ]),
    );
    // The headline figures are about the peers active on the dashboard's date.
    const ids = everyone.filter((id) => activeOn(facts.get(id)!.statusPeriods, date, facts.get(id)!.active));
    const lastSessions = await this.supervision.lastSessionOn(ids, date);

    const engine = new ClearanceEngine(roles);
    const history = await step('clearance history', () =>
      clearedCounts(
        // Counts need status and cleared-until only: the engine's brief answers, without explanation trees.
        // The engine judges each date by the status then, so a peer counts only at month ends they were active.
        (code, day, f) => engine.brief(code, day, f),
        roles,
        everyone.map((id) => facts.get(id)!),
        [...new Set([...monthEnds, date])],
      ),
    );
    const at = (d: IsoDate) => history.dates.indexOf(d);
    timings['clearance evaluations'] = history.evaluations;

    const figures = await step('credentials', () =>
      this.credentialFigures(
        ids.map((id) => facts.get(id)!),
        date,
      ),
    );
    const pipeline = this.pipeline(pipelineRows);

    const dashboard: Omit<Dashboard, 'story'> = {
      date,
      scope: hasRole(viewer, 'admin') ? 'program' : 'team',
      peers: ids.length,
      clearedToday: roles.map((r, i) => ({ code: r.code, name: r.name, cleared: history.counts[i][at(date)] })),
      ...figures.headline,
      supervisionGap: {
        days: this.config.supervisionGapDays,
        peers: ids.filter((id) => isSupervisionOverdue(lastSessions.get(id), date, this.config.supervisionGapDays))
          .length,
      },
      pipeline,
      charts: {
        expirations: {
          kind: 'stacked-bar',
          id: 'expirations',
          title: 'Credentials expiring by month, next 12 months',
          description: `Current credentials (not renewed or revoked) of ${ids.length} peers that expire in each month from ${figures.months[0]} to ${figures.months[11]}, stacked by credential type. ${figures.expiringTotal} in all.`,
          xLabel: 'Month of expiry',
          yLabel: 'Credentials expiring',
          categories: figures.months.map((m, i, all) => monthLabel(m, i, all)),
          series: figures.byType,
        },
        cleared: {
          kind: 'line',
          id: 'cleared',
          title: 'Peers cleared to practise, by practice role, at each month end',
          description: `How many of the ${ids.length} peers were cleared for each practice role on the last day of each month from ${monthEnds[0]} to ${monthEnds[monthEnds.length - 1]}, from the clearance rules and today's records.`,
          xLabel: 'Month end',
          yLabel: 'Peers cleared',
          categories: monthEnds.map((d, i, all) =>
            monthLabel(
              d.slice(0, 7),
              i,
              all.map((x) => x.slice(0, 7)),
            ),
          ),
          series: roles.map((r, i) => ({
            key: r.code,
            label: r.name,
            values: monthEnds.map((d) => history.counts[i][at(d)]),
          })),
        },
        pipeline: {
          kind: 'stacked-bar',
          id: 'pipeline',
          title: 'Training pipeline by course',
          description:
            'People enrolled in a cohort that has not started, in a cohort under way, and who completed the course in the last 12 months, per course.',
          xLabel: 'Course',
          yLabel: 'People',
          categories: pipeline.map((c) => ({ key: c.code, label: c.code })),
          series: [
            { key: 'enrolled', label: 'Enrolled, not started', values: pipeline.map((c) => c.enrolled) },
            { key: 'in_progress', label: 'In progress', values: pipeline.map((c) => c.inProgress) },
            { key: 'completed', label: 'Completed (12 months)', values: pipeline.map((c) => c.completed) },
          ],
        },
      },
    };
    return { ...dashboard, story: storyOf(dashboard) };
  }

  private credentialFigures(people: ClearanceFacts[], date: IsoDate) {
    const thisMonth = date.slice(0, 7);
    const months = Array.from({ length: 12 }, (_, i) => addMonths(`${thisMonth}-01`, i).slice(0, 7));
    const lastDay = addDays(addMonths(`${thisMonth}-01`, 12), -1);
    const byType = new Map<string, { label: string; values: number[] }>();
    const headline = { expiring: { in30: 0, in60: 0, in90: 0 }, lapsed: 0, expiredLastYear: 0 };
    const windows = EXPIRY_WINDOWS.map((d) => addDays(date, d));
    const yearAgo = addDays(date, -365);
    let expiringTotal = 0;
    for (const facts of people) {
      for (const c of currentCredentials(facts)) {
        if (c.expiresOn === null) continue;
        if (c.expiresOn >= date) {
          EXPIRY_WINDOWS.forEach((d, i) => {
            if (c.expiresOn! <= windows[i]) headline.expiring[`in${d}`]++;
          });
          if (c.expiresOn <= lastDay) {
            let t = byType.get(c.typeCode);
            if (!t) byType.set(c.typeCode, (t = { label: c.typeCode, values: months.map(() => 0) }));
            t.values[months.indexOf(c.expiresOn.slice(0, 7))]++;
            expiringTotal++;
          }
        } else if (addDays(c.expiresOn, c.graceDays) >= date) headline.lapsed++;
        else if (addDays(c.expiresOn, c.graceDays) >= yearAgo) headline.expiredLastYear++;
      }
    }
    const series = [...byType.entries()]
      .map(([key, t]) => ({ key, label: t.label, values: t.values }))
      .sort(
        (a, b) =>
          b.values.reduce((n, v) => n + v, 0) - a.values.reduce((n, v) => n + v, 0) || a.key.localeCompare(b.key),
      );
    return { headline, months, byType: series, expiringTotal };
  }

  private pipeline(rows: PipelineRow[]): PipelineCourse[] {
    const courses = new Map<string, PipelineCourse>();
    for (const r of rows) {
      let c = courses.get(r.courseId);
      if (!c)
        courses.set(
          r.courseId,
          (c = { courseId: r.courseId, code: r.code, title: r.title, enrolled: 0, inProgress: 0, completed: 0 }),
        );
      if (r.stage === 'enrolled') c.enrolled += r.people;
      else if (r.stage === 'in_progress') c.inProgress += r.people;
      else c.completed += r.people;
    }
    return [...courses.values()].sort((a, b) => a.code.localeCompare(b.code));
  }
}
