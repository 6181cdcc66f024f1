import { Logger } from '@nestjs/common';
import cluster, { type Worker } from 'node:cluster';

/** What a web process tells the primary once it listens: the start-up box it would have printed alone. */
export interface ListeningMessage {
  type: 'listening';
  box: string;
}

/** A process that dies this many times within the window is a bug, not bad luck: stop instead of looping. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 1_000;

/**
 * `WEB_CONCURRENCY=N` (PostgreSQL only; the configuration refuses it on SQLite): the primary forks N web
 * processes that share the port through node:cluster. Everything they share lives in PostgreSQL or Redis —
 * sessions, sign-in attempts, rate limits, the job table whose rows each process claims with
 * `FOR UPDATE SKIP LOCKED`, and the scheduled runs, which are keyed by job and date so that N schedulers
 * queue each run once. The first process migrates and seeds before the others start, so no two migrate at
 * once. A process that dies is replaced; the primary prints the start-up box once, when all N listen.
 */
export function runWebCluster(processes: number): void {
  const logger = new Logger('Cluster');
  let stopping = false;
  let box: string | null = null;
  const listening = new Set<number>();
  const restarts: number[] = [];

  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('message', (message: ListeningMessage) => {
      if (message?.type !== 'listening') return;
      listening.add(worker.id);
      if (box === null) {
        box = message.box;
        for (let i = 1; i < processes; i++) fork();
      }
      if (listening.size === processes) console.log(`${box}\n${processes} web processes share the port.`);
    });
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (stopping) return;
    const now = Date.now();
    restarts.push(now);
    while (restarts.length && restarts[0] < now - RESTART_WINDOW_MS) restarts.shift();
    if (box === null || restarts.length > MAX_RESTARTS) {
      logger.error(
        box === null
          ? `The first web process exited (${signal ?? `code ${code}`}) before it listened; stopping.`
          : `Web processes died ${restarts.length} times in a minute; stopping.`,
      );
      stop(1);
      return;
    }
    logger.warn(`Web process ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another.`);
    setTimeout(() => !stopping && fork(), RESTART_DELAY_MS);
  });

  const stop = (exitCode: number) => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    if (workers.length === 0) process.exit(exitCode);
    let left = workers.length;
    for (const w of workers) {
      w.once('exit', () => --left === 0 && process.exit(exitCode));
      w.process.kill('SIGTERM');
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop(0));

  fork();
}
