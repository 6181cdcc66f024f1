import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

const RELEASE = Symbol('write-lock release');

/**
 * Lets a request that has done its writing stop holding the lock, e.g. before it waits for a job that
 * needs the lock itself (the import upload waiting for its dry run); without this they wait for each other.
 */
export function releaseWriteLock(req: Request): void {
  (req as Request & { [RELEASE]?: () => void })[RELEASE]?.();
}

/**
 * TypeORM talks to SQLite over one shared connection, so two transactions (two requests, or a
 * request and a background job) would interleave on it. In embedded mode everything that changes
 * data therefore takes turns (SQLite admits one writer at a time anyway); PostgreSQL needs no such
 * queue, so the lock is built disabled there. Re-entrant: work already holding the lock (a job
 * that adds another job) runs straight through instead of waiting for itself.
 */
export class WriteLock {
  private tail: Promise<void> = Promise.resolve();
  /** Mutable, so a request's work stops counting as holding the lock once the request released it. */
  private readonly held = new AsyncLocalStorage<{ held: boolean }>();

  constructor(readonly enabled = true) {}

  async acquire(): Promise<() => void> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => turn);
    await previous;
    return release;
  }

  /** Runs `work` holding the lock (at once when this async context already holds it). */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (!this.enabled || this.held.getStore()?.held) return work();
    const release = await this.acquire();
    try {
      return await this.held.run({ held: true }, work);
    } finally {
      release();
    }
  }

  middleware() {
    return async (req: Request, res: Response, next: NextFunction) => {
      if (!this.enabled || req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
      const release = await this.acquire();
      let released = false;
      const hold = { held: true };
      const done = () => {
        hold.held = false;
        if (!released) {
          released = true;
          release();
        }
      };
      res.on('finish', done);
      res.on('close', done);
      (req as Request & { [RELEASE]?: () => void })[RELEASE] = done;
      this.held.run(hold, () => next());
    };
  }
}
