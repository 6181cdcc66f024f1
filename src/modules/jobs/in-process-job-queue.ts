import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { sqlRows } from '../../common/db/sql';
import { WriteLock } from '../../common/db/write-lock';
import { backoffDelay, errorText, JobExecutor } from './job-executor';
import {
  JOB_STATES,
  JOBS,
  JobQueue,
  JobRunner,
  KEEP_COMPLETED_MS,
  KEEP_FAILED_MS,
  QUEUE_NAMES,
  type AddJobOptions,
  type JobCounts,
  type JobListFilter,
  type JobName,
  type JobPayloads,
  type JobState,
  type JobView,
  type QueueName,
} from './jobs';

interface JobRow {
  id: string;
  queue: QueueName;
  name: JobName;
  payload: string | JobPayloads[JobName];
  dedupe_key: string | null;
  state: JobState;
  attempts_made: number | string;
  max_attempts: number | string;
  backoff_ms: number | string;
  run_at: number | string;
  locked_by: string | null;
  progress_done: number | null;
  progress_total: number | null;
  error: string | null;
  created_at: number | string;
  finished_at: number | string | null;
}

/** A claimed job's lease: renewed while it runs, so another instance takes it over only if this one died. */
const LEASE_MS = 5 * 60_000;
const RENEW_MS = 60_000;
/**
 * How often an idle runner looks for due jobs. Jobs added in this process wake it at once; this
 * bounds the wait for jobs added by another instance, or falling due after a backoff.
 */
const IDLE_POLL_MS = 5_000;
const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * The driver without Redis: jobs are rows of the `jobs` table, so a restart loses none. Each
 * queue has its own loops that claim the next due row atomically — `FOR UPDATE SKIP LOCKED` on
 * PostgreSQL, where several app instances may share the table; one UPDATE … RETURNING on SQLite,
 * which has one writer — and hold a renewable lease on it. A try that fails is retried after
 * exponential backoff until `JOBS[name].attempts` are spent, then the row stays `failed` with its error.
 */
@Injectable()
export class InProcessJobQueue extends JobQueue implements JobRunner, BeforeApplicationShutdown {
  readonly mode = 'in-process' as const;
  private readonly logger = new Logger('Jobs');
  private readonly postgres: boolean;
  private readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private running = false;
  private readonly loops: Promise<void>[] = [];
  private readonly runs = new Set<Promise<void>>();
  private readonly helpers = new Set<Promise<void>>();
  private readonly helperCount = new Map<QueueName, number>();
  private readonly wakers = new Set<() => void>();
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writeLock: WriteLock,
    private readonly executor: JobExecutor,
    private readonly config: AppConfig,
  ) {
    super();
    this.postgres = dataSource.options.type === 'postgres';
  }

  async add<N extends JobName>(name: N, payload: JobPayloads[N], options: AddJobOptions = {}): Promise<string> {
    const definition = JOBS[name];
    const id = randomUUID();
    const now = Date.now();
    const key = options.key ?? null;
    const inserted = await this.writeLock.run(() =>
      this.query(
        `INSERT INTO "jobs" ("id", "queue", "name", "payload", "dedupe_key", "state", "max_attempts", "backoff_ms", "run_at", "created_at")
       VALUES ($1, $2, $3, $4, $5, 'waiting', $6, $7, $8, $9)
       ON CONFLICT ("dedupe_key") DO NOTHING RETURNING "id"`,
        [id, definition.queue, name, JSON.stringify(payload), key, definition.attempts, definition.backoffMs, now, now],
      ),
    );
    if (inserted.length === 0) {
      const [existing] = await this.query<{ id: string }>(`SELECT "id" FROM "jobs" WHERE "dedupe_key" = $1`, [key]);
      // Removed between our insert and this read: its key is free again.
      return existing ? existing.id : this.add(name, payload, options);
    }
    this.wake();
    return id;
  }

  async get(id: string): Promise<JobView | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await this.query<JobRow>(`SELECT * FROM "jobs" WHERE "id" = $1`, [id]);
    return row ? toView(row) : undefined;
  }

  async counts(): Promise<Record<QueueName, JobCounts>> {
    const rows = await this.query<{ queue: QueueName; state: JobState; n: number | string }>(
      `SELECT "queue", "state", COUNT(*) AS "n" FROM "jobs" GROUP BY "queue", "state"`,
      [],
    );
    const counts = Object.fromEntries(QUEUE_NAMES.map((q) => [q, emptyCounts()])) as Record<QueueName, JobCounts>;
    for (const row of rows) if (counts[row.queue]) counts[row.queue][row.state] = Number(row.n);
    return counts;
  }

  async list(filter: JobListFilter = {}): Promise<JobView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.queue) where.push(`"queue" = $${params.push(filter.queue)}`);
    if (filter.state) where.push(`"state" = $${params.push(filter.state)}`);
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
    const rows = await this.query<JobRow>(
      `SELECT * FROM "jobs" ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY COALESCE("finished_at", "created_at") DESC, "id" LIMIT ${limit}`,
      params,
    );
    return rows.map(toView);
  }

  async retry(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = await this.writeLock.run(() =>
      this.query(
        `UPDATE "jobs" SET "state" = 'waiting', "attempts_made" = 0, "run_at" = $1, "error" = NULL, "finished_at" = NULL,
         "progress_done" = NULL, "progress_total" = NULL
       WHERE "id" = $2 AND "state" = 'failed' RETURNING "id"`,
        [Date.now(), id],
      ),
    );
    if (rows.length) this.wake();
    return rows.length > 0;
  }

  async promote(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = await this.writeLock.run(() =>
      this.query(`UPDATE "jobs" SET "run_at" = $1 WHERE "id" = $2 AND "state" = 'delayed' RETURNING "id"`, [
        Date.now(),
        id,
      ]),
    );
    if (rows.length) this.wake();
    return rows.length > 0;
  }

  async remove(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = await this.writeLock.run(() =>
      this.query(`DELETE FROM "jobs" WHERE "id" = $1 AND "state" <> 'active' RETURNING "id"`, [id]),
    );
    return rows.length > 0;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    for (const queue of QUEUE_NAMES) this.loops.push(this.loop(queue, true));
    this.timers.push(
      setInterval(
        () => void this.prune().catch((e) => this.logger.warn(`Pruning old jobs failed: ${errorText(e)}`)),
        PRUNE_EVERY_MS,
      ),
    );
    this.logger.log(`In-process job runner started (up to ${this.config.jobs.concurrency} at a time per queue).`);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.wake();
    // Running jobs are waited for to the end; a loop stuck on a database that went away is not.
    await Promise.all([...this.runs]);
    const loops = Promise.all([...this.loops.splice(0), ...this.helpers]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([loops, new Promise((resolve) => (timer = setTimeout(resolve, 2_000)))]);
    clearTimeout(timer);
  }

  /** Before the database closes: let the running jobs finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Deletes finished jobs older than they are kept (their keys become free again). */
  async prune(now = Date.now()): Promise<number> {
    const rows = await this.writeLock.run(() =>
      this.query(
        `DELETE FROM "jobs" WHERE ("state" = 'completed' AND "finished_at" < $1) OR ("state" = 'failed' AND "finished_at" < $2) RETURNING "id"`,
        [now - KEEP_COMPLETED_MS, now - KEEP_FAILED_MS],
      ),
    );
    return rows.length;
  }

  /** Takes and runs one due job of `queue`, if any; false when none was due. Tests drive the runner with it. */
  async runNext(queue: QueueName): Promise<boolean> {
    const job = await this.claim(queue);
    if (!job) return false;
    const run = this.run(job);
    this.runs.add(run);
    try {
      await run;
    } finally {
      this.runs.delete(run);
    }
    return true;
  }

  /**
   * One scout per queue polls while idle; when it finds work it brings in helpers up to the
   * concurrency, which leave again as soon as the queue is empty. Idle, a runner costs one cheap
   * query per queue per poll, however high the concurrency.
   */
  private async loop(queue: QueueName, scout: boolean): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        worked = await this.runNext(queue);
      } catch (error) {
        this.logger.error(`The job runner could not read the ${queue} queue: ${errorText(error)}`);
      }
      if (worked) {
        this.addHelpers(queue);
        continue;
      }
      if (!scout) return;
      if (this.running) await this.idle();
    }
  }

  private addHelpers(queue: QueueName): void {
    const helpers = this.helperCount.get(queue) ?? 0;
    for (let i = helpers; i < this.config.jobs.concurrency - 1; i++) {
      this.helperCount.set(queue, (this.helperCount.get(queue) ?? 0) + 1);
      const helper: Promise<void> = this.loop(queue, false).finally(() => {
        this.helperCount.set(queue, (this.helperCount.get(queue) ?? 1) - 1);
        this.helpers.delete(helper);
      });
      this.helpers.add(helper);
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, IDLE_POLL_MS);
      this.wakers.add(done);
    });
  }

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }

  private async claim(queue: QueueName): Promise<JobRow | undefined> {
    const now = Date.now();
    // A due waiting/delayed job, or a running one whose lease ran out (its process died).
    const due = `"queue" = $3 AND (("state" IN ('waiting', 'delayed') AND "run_at" <= $4) OR ("state" = 'active' AND "locked_until" < $4))`;
    const sql = `UPDATE "jobs" SET "state" = 'active', "attempts_made" = "attempts_made" + 1, "locked_by" = $1, "locked_until" = $2
       WHERE "id" = (SELECT "id" FROM "jobs" WHERE ${due} ORDER BY "run_at" LIMIT 1${this.postgres ? ' FOR UPDATE SKIP LOCKED' : ''})
       RETURNING *`;
    const [row] = await this.writeLock.run(() => this.query<JobRow>(sql, [this.workerId, now + LEASE_MS, queue, now]));
    return row;
  }

  private async run(row: JobRow): Promise<void> {
    const attempt = Number(row.attempts_made);
    const maxAttempts = Number(row.max_attempts);
    if (attempt > maxAttempts) {
      await this.finish(row.id, 'failed', 'The process running this job stopped on its last try.');
      return;
    }
    const renew = setInterval(
      () =>
        void this.writeLock
          .run(() =>
            this.query(`UPDATE "jobs" SET "locked_until" = $1 WHERE "id" = $2 AND "locked_by" = $3`, [
              Date.now() + LEASE_MS,
              row.id,
              this.workerId,
            ]),
          )
          .catch(() => undefined),
      RENEW_MS,
    );
    try {
      await this.executor.execute(row.name, parsePayload(row.payload), {
        id: row.id,
        attempt,
        progress: async (done, total) => {
          await this.writeLock.run(() =>
            this.query(`UPDATE "jobs" SET "progress_done" = $1, "progress_total" = $2 WHERE "id" = $3`, [
              done,
              total,
              row.id,
            ]),
          );
        },
      });
      await this.finish(row.id, 'completed', null);
    } catch (error) {
      if (attempt >= maxAttempts) {
        await this.finish(row.id, 'failed', errorText(error));
      } else {
        const runAt = Date.now() + backoffDelay(Number(row.backoff_ms), attempt);
        await this.writeLock.run(() =>
          this.query(
            `UPDATE "jobs" SET "state" = 'delayed', "run_at" = $1, "error" = $2, "locked_by" = NULL, "locked_until" = NULL WHERE "id" = $3 AND "locked_by" = $4`,
            [runAt, errorText(error), row.id, this.workerId],
          ),
        );
      }
    } finally {
      clearInterval(renew);
    }
  }

  private async finish(id: string, state: 'completed' | 'failed', error: string | null): Promise<void> {
    await this.writeLock.run(() =>
      this.query(
        `UPDATE "jobs" SET "state" = $1, "error" = $2, "finished_at" = $3, "locked_by" = NULL, "locked_until" = NULL WHERE "id" = $4 AND "locked_by" = $5`,
        [state, error, Date.now(), id, this.workerId],
      ),
    );
  }

  private query<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]> {
    return sqlRows<T>(this.dataSource, sql, params);
  }
}

function emptyCounts(): JobCounts {
  return Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as JobCounts;
}

function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

function parsePayload(payload: JobRow['payload']): JobPayloads[JobName] {
  return typeof payload === 'string' ? (JSON.parse(payload) as JobPayloads[JobName]) : payload;
}

function toView(row: JobRow): JobView {
  return {
    id: row.id,
    name: row.name,
    queue: row.queue,
    state: row.state,
    key: row.dedupe_key,
    payload: parsePayload(row.payload),
    progress:
      row.progress_total === null || row.progress_total === undefined
        ? null
        : { done: Number(row.progress_done), total: Number(row.progress_total) },
    attemptsMade: Number(row.attempts_made),
    error: row.error,
    createdAt: new Date(Number(row.created_at)),
    finishedAt: row.finished_at === null ? null : new Date(Number(row.finished_at)),
  };
}
