import type { IsoDate } from '../../common/dates';

/**
 * The job contract every feature codes against: queue and job names, each job's payload, its
 * options. Drivers (BullMQ on Redis, or the in-process runner) live beside this file and only
 * move payloads to the handlers that features register; they know nothing of what a job does.
 */
export const QUEUE_NAMES = ['certificates', 'notifications', 'maintenance', 'imports'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Every job there is, and the payload it carries (plain JSON: ids and dates, never entities). */
export interface JobPayloads {
  /** Make the certificate of one credential (a no-op when it already has one). */
  'certificate.issue': { credentialId: string };
  /** Re-issue the certificates of these credentials from the current template (bulk, with progress). */
  'certificate.regenerate': { credentialIds: string[]; requestedById: string };
  /** Deliver one outbox message (e-mail). */
  'notification.deliver': { outboxId: string };
  /** Move credentials through their statuses and send the reminders due on this date (default today). */
  'maintenance.expiry-scan': { date?: IsoDate };
  /** The weekly e-mail to each supervisor (default: as of today). */
  'maintenance.supervisor-digest': { date?: IsoDate };
  /** Re-queue delivery of outbox e-mail left pending longer than a few minutes (a job lost between commit and queueing). */
  'maintenance.outbox-sweep': { olderThanMinutes?: number };
  /**
   * Retention of evidence: files of submissions returned or withdrawn longer ago than SUBMISSION_EVIDENCE_DAYS,
   * and stored files no submission refers to (older than a day). `date` is the local day of the scheduled run.
   */
  'maintenance.evidence-sweep': { date?: IsoDate };
  /** Remove issued PDFs no certificate refers to, once a day old (a row rolled back after its file was stored). */
  'maintenance.file-sweep': { date?: IsoDate };
  /** Append the audit log's head to the anchor file outside the database (daily). */
  'maintenance.audit-anchor': { date?: IsoDate };
  /** A consistent backup of the database and every stored file into BACKUP_DIR, keeping BACKUP_KEEP (nightly). */
  'maintenance.backup': { date?: IsoDate };
  /** The dry run of an uploaded spreadsheet: every row checked, nothing written. */
  'import.check': { importId: string };
  /** Write a checked import, all in one transaction (or, with skipRejected, its valid rows). */
  'import.commit': { importId: string; actor: { personId: string | null; label: string; ip: string | null } };
}
export type JobName = keyof JobPayloads;

export interface JobDefinition {
  queue: QueueName;
  /** Tries in all, the first included. */
  attempts: number;
  /** The first retry waits this long; each later one twice as long as the one before. */
  backoffMs: number;
}

export const JOBS: Record<JobName, JobDefinition> = {
  'certificate.issue': { queue: 'certificates', attempts: 5, backoffMs: 2_000 },
  'certificate.regenerate': { queue: 'certificates', attempts: 3, backoffMs: 5_000 },
  'notification.deliver': { queue: 'notifications', attempts: 8, backoffMs: 5_000 },
  'maintenance.expiry-scan': { queue: 'maintenance', attempts: 5, backoffMs: 60_000 },
  'maintenance.supervisor-digest': { queue: 'maintenance', attempts: 5, backoffMs: 60_000 },
  'maintenance.outbox-sweep': { queue: 'maintenance', attempts: 3, backoffMs: 30_000 },
  'maintenance.evidence-sweep': { queue: 'maintenance', attempts: 3, backoffMs: 60_000 },
  'maintenance.file-sweep': { queue: 'maintenance', attempts: 3, backoffMs: 60_000 },
  'maintenance.audit-anchor': { queue: 'maintenance', attempts: 5, backoffMs: 60_000 },
  'maintenance.backup': { queue: 'maintenance', attempts: 3, backoffMs: 5 * 60_000 },
  'import.check': { queue: 'imports', attempts: 2, backoffMs: 5_000 },
  'import.commit': { queue: 'imports', attempts: 3, backoffMs: 10_000 },
};

/** What a handler may tell the runtime while it works. */
export interface JobContext {
  readonly id: string;
  /** 1 on the first try. */
  readonly attempt: number;
  /** Progress shown on the page that started the job. */
  progress(done: number, total: number): Promise<void>;
}

/** A handler is a plain service method; it must be safe to run again after a crash halfway. */
export type JobHandler<N extends JobName> = (payload: JobPayloads[N], context: JobContext) => Promise<void>;

export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

export const JOB_STATES: readonly JobState[] = ['waiting', 'delayed', 'active', 'completed', 'failed'];

export interface JobView {
  id: string;
  name: JobName;
  queue: QueueName;
  state: JobState;
  /** The de-duplication key it was added with. */
  key: string | null;
  payload: JobPayloads[JobName];
  progress: { done: number; total: number } | null;
  attemptsMade: number;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface AddJobOptions {
  /**
   * De-duplication key: while a job with this key exists (waiting, running, done or failed and not
   * removed), adding another with the same key returns the existing one instead.
   */
  key?: string;
}

export type JobCounts = Record<JobState, number>;

export interface JobListFilter {
  queue?: QueueName;
  state?: JobState;
  /** Newest first; at most this many (default 50). */
  limit?: number;
}

/**
 * How long finished jobs stay visible (and keep their de-duplication key): completed ones for two
 * weeks, failed ones for 90 days so someone can look at them and retry.
 */
export const KEEP_COMPLETED_MS = 14 * 86_400_000;
export const KEEP_FAILED_MS = 90 * 86_400_000;

/** Where features put work. Bound to the BullMQ driver with REDIS_URL, to the in-process runner without. */
export abstract class JobQueue {
  /** Returns the job's id (the existing job's id when `key` matched one). */
  abstract add<N extends JobName>(name: N, payload: JobPayloads[N], options?: AddJobOptions): Promise<string>;
  abstract get(id: string): Promise<JobView | undefined>;
  /** Jobs per state, for each queue. */
  abstract counts(): Promise<Record<QueueName, JobCounts>>;
  abstract list(filter?: JobListFilter): Promise<JobView[]>;
  /** Runs a failed job again from its first try; false when there is no failed job with this id. */
  abstract retry(id: string): Promise<boolean>;
  /** Runs a delayed job (one waiting for its next try) now; false when there is no delayed job with this id. */
  abstract promote(id: string): Promise<boolean>;
  /** Removes a job that is not running; false when there is none (or it is running). */
  abstract remove(id: string): Promise<boolean>;
}

/** The side of a driver that runs jobs: the web app (in-process mode) and `npm run worker` start it. */
export abstract class JobRunner {
  abstract readonly mode: 'redis' | 'in-process';
  /** Starts taking jobs from every queue; resolves once ready. */
  abstract start(): Promise<void>;
  /** Stops taking jobs and waits for the running ones to finish. */
  abstract stop(): Promise<void>;
}
