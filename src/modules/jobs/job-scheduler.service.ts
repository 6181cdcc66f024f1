import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { addDays, dateInZone, formatPerZone, type IsoDate } from '../../common/dates';
import { AppConfig } from '../../config/app-config';
import { BullmqJobQueue } from './bullmq-job-queue';
import { errorText } from './job-executor';
import { JobQueue } from './jobs';

/** How often the in-process scheduler looks at the clock; a run is at most this late. */
const TICK_MS = 30_000;
/**
 * How often the outbox sweep runs: with its 20-second age (SWEEP_AFTER_MS), a message whose delivery
 * job was lost is queued again within 50 seconds of its commit (issue 21 §6: within a minute).
 */
export const SWEEP_EVERY_MS = 30_000;

export interface LocalClock {
  date: IsoDate;
  /** Minutes since local midnight. */
  minutes: number;
  /** 0 = Sunday. */
  weekday: number;
}

const clockFormat = formatPerZone('en-US', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', weekday: 'short' });

/** The wall clock in `timeZone` at `instant` (daylight saving included). */
export function localClock(instant: Date, timeZone: string): LocalClock {
  const parts = Object.fromEntries(
    clockFormat(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return {
    date: dateInZone(instant, timeZone),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday),
  };
}

export interface ScheduledRun {
  job:
    | 'maintenance.expiry-scan'
    | 'maintenance.evidence-sweep'
    | 'maintenance.supervisor-digest'
    | 'maintenance.file-sweep'
    | 'maintenance.audit-anchor'
    | 'maintenance.backup';
  date: IsoDate;
  key: string;
}

/** What runs once a day at EXPIRY_SCAN_AT (and the nightly backup, when BACKUP_DIR is set). */
const DAILY_RUNS = [
  'maintenance.expiry-scan',
  'maintenance.evidence-sweep',
  'maintenance.file-sweep',
  'maintenance.audit-anchor',
] as const;

/**
 * The runs that should exist by `now`: today's daily runs (DAILY_RUNS) once their time has passed, and the most
 * recent weekly digest whose time has passed (at most a week back). Each has a key made of the job
 * and its local date, so however many instances ask, and however late one starts (catch-up after
 * downtime), each run is queued once.
 */
export function dueRuns(now: Date, config: Pick<AppConfig, 'timeZone' | 'jobs' | 'backup'>): ScheduledRun[] {
  const { expiryScan, supervisorDigest } = config.jobs.schedule;
  const clock = localClock(now, config.timeZone);
  const runs: ScheduledRun[] = [];
  if (clock.minutes >= expiryScan.hour * 60 + expiryScan.minute) {
    // The evidence and file sweeps and the audit anchor ride on the daily scan's time: one quiet moment a day.
    for (const job of DAILY_RUNS)
      runs.push({ job, date: clock.date, key: `${job.slice('maintenance.'.length)}:${clock.date}` });
    if (config.backup.dir) runs.push({ job: 'maintenance.backup', date: clock.date, key: `backup:${clock.date}` });
  }
  let back = (clock.weekday - supervisorDigest.weekday + 7) % 7;
  if (back === 0 && clock.minutes < supervisorDigest.hour * 60 + supervisorDigest.minute) back = 7;
  const date = addDays(clock.date, -back);
  runs.push({ job: 'maintenance.supervisor-digest', date, key: `supervisor-digest:${date}` });
  return runs;
}

/**
 * Fires the daily expiry scan and evidence sweep and the weekly digest, exactly once across instances. With Redis:
 * BullMQ job schedulers (upserted by every process; Redis keeps one of each, and one worker takes
 * each run). Without: every instance ticks and queues the due runs under their date keys, which
 * the jobs table's unique index admits once.
 */
@Injectable()
export class JobScheduler implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Scheduler');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly queue: JobQueue,
    private readonly bullmq: BullmqJobQueue,
  ) {}

  async start(): Promise<void> {
    if (this.config.redisUrl) return this.upsertRedisSchedulers();
    if (this.timer) return;
    await this.tick();
    this.timer = setInterval(() => void this.tick(), TICK_MS);
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Queues whatever is due at `now` (tests pass the instant). */
  async tick(now = new Date()): Promise<string[]> {
    const ids: string[] = [];
    try {
      for (const run of dueRuns(now, this.config))
        ids.push(await this.queue.add(run.job, { date: run.date }, { key: run.key }));
      const slot = Math.floor(now.getTime() / SWEEP_EVERY_MS);
      ids.push(await this.queue.add('maintenance.outbox-sweep', {}, { key: `outbox-sweep:${slot}` }));
    } catch (error) {
      this.logger.error(`Could not queue the scheduled jobs: ${errorText(error)}`);
    }
    return ids;
  }

  private async upsertRedisSchedulers(): Promise<void> {
    const { expiryScan, supervisorDigest } = this.config.jobs.schedule;
    const queue = this.bullmq.queue('maintenance');
    const tz = this.config.timeZone;
    const upsert = (
      name: ScheduledRun['job'] | 'maintenance.outbox-sweep',
      repeat: { pattern: string; tz: string } | { every: number },
    ) =>
      queue.upsertJobScheduler(name, repeat, {
        name,
        data: { payload: {}, key: null },
        opts: this.bullmq.jobOptions(name),
      });
    // The daily runs share the expiry scan's time, as the in-process schedule does (dueRuns).
    const daily = { pattern: `${expiryScan.minute} ${expiryScan.hour} * * *`, tz };
    for (const name of DAILY_RUNS) await upsert(name, daily);
    if (this.config.backup.dir) await upsert('maintenance.backup', daily);
    else await queue.removeJobScheduler('maintenance.backup');
    await upsert('maintenance.supervisor-digest', {
      pattern: `${supervisorDigest.minute} ${supervisorDigest.hour} * * ${supervisorDigest.weekday}`,
      tz,
    });
    await upsert('maintenance.outbox-sweep', { every: SWEEP_EVERY_MS });
    this.logger.log(
      `BullMQ schedulers in place (${tz}): expiry scan, evidence and file sweeps, audit anchor${this.config.backup.dir ? ' and backup' : ''} daily, supervisor digest weekly, outbox sweep every ${SWEEP_EVERY_MS / 1000} seconds.`,
    );
  }
}
