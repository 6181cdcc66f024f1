import type { NextFunction, Request, Response } from 'express';

/**
 * TypeORM talks to SQLite over one shared connection, so two requests' transactions would
 * interleave on it. In embedded mode, requests that change data therefore take turns (SQLite
 * admits one writer at a time anyway); PostgreSQL needs no such queue.
 */
export class WriteLock {
  private tail: Promise<void> = Promise.resolve();

  async acquire(): Promise<() => void> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => turn);
    await previous;
    return release;
  }

  middleware() {
    return async (req: Request, res: Response, next: NextFunction) => {
      if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
      const release = await this.acquire();
      let released = false;
      const done = () => {
        if (!released) {
          released = true;
          release();
        }
      };
      res.on('finish', done);
      res.on('close', done);
      next();
    };
  }
}
