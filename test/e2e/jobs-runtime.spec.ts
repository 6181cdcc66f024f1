import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { AppConfig } from '../../src/config/app-config';
import { prepareDatabase } from '../../src/database/prepare-database';
import { BullmqJobQueue } from '../../src/modules/jobs/bullmq-job-queue';
import { JobHandlers } from '../../src/modules/jobs/job-handlers';
import { JOBS, JobQueue, JobRunner, type JobHandler, type JobName } from '../../src/modules/jobs/jobs';
import { createTestApp, type TestApp } from '../helpers/app';
import { createTestDatabase, describeEachEngine, redisAvailable, redisUrl } from '../helpers/engines';
import { drivers, makeQueue, settle, uniqueRedisPrefix, type TestQueue } from '../helpers/jobs';

// The runtime alone, with handlers defined here: both drivers, both engines, real Redis.
describeEachEngine('Job runtime', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    // JOBS_IN_WEB=off: the app's own runner must not take the jobs these tests add for their own handlers.
    t = await createTestApp(engine, { env: { JOBS_IN_WEB: 'off' } });
  });
  afterAll(() => t?.close());

  for (const driver of drivers()) {
    describe(`on the ${driver} driver`, () => {
      const open: TestQueue[] = [];
      let prefix: string;
      let handlers: JobHandlers;
      beforeEach(async () => {
        prefix = uniqueRedisPrefix();
        handlers = new JobHandlers();
        await t.dataSource.query(`DELETE FROM "jobs"`);
      });
      afterEach(async () => {
        // One after another: each empties the shared Redis prefix, which two at once would race over.
        for (const q of open.splice(0)) await q.close();
      });
      const queue = () => {
        const q = makeQueue(driver, t, handlers, prefix);
        open.push(q);
        return q;
      };

      it('runs a job through its handler, with progress, and reports it completed', async () => {
        const seen: string[] = [];
        handlers.register('certificate.regenerate', async (payload, context) => {
          for (let i = 1; i <= payload.credentialIds.length; i++) {
            seen.push(payload.credentialIds[i - 1]);
            await context.progress(i, payload.credentialIds.length);
          }
        });
        const q = queue();
        await q.start();
        const id = await q.add('certificate.regenerate', { credentialIds: ['a', 'b', 'c'], requestedById: 'someone' });
        const done = await settle(q, id);
        expect(done).toMatchObject({
          id,
          name: 'certificate.regenerate',
          queue: 'certificates',
          state: 'completed',
          progress: { done: 3, total: 3 },
          error: null,
        });
        expect(done.payload).toEqual({ credentialIds: ['a', 'b', 'c'], requestedById: 'someone' });
        expect(done.finishedAt).toBeInstanceOf(Date);
        expect(seen).toEqual(['a', 'b', 'c']);
      });

      it('de-duplicates by key: the same key gives the same job, run once', async () => {
        let runs = 0;
        handlers.register('certificate.issue', async () => {
          runs++;
        });
        const q = queue();
        const first = await q.add('certificate.issue', { credentialId: 'c1' }, { key: 'issue:c1' });
        const second = await q.add('certificate.issue', { credentialId: 'c1' }, { key: 'issue:c1' });
        const other = await q.add('certificate.issue', { credentialId: 'c2' }, { key: 'issue:c2' });
        expect(second).toBe(first);
        expect(other).not.toBe(first);
        await q.start();
        await settle(q, first);
        await settle(q, other);
        expect(await q.add('certificate.issue', { credentialId: 'c1' }, { key: 'issue:c1' })).toBe(first);
        expect(runs).toBe(2);
      });

      it('retries a failing try after a backoff and keeps the error in view meanwhile', async () => {
        let tries = 0;
        handlers.register('certificate.issue', async (_payload, context) => {
          tries++;
          if (context.attempt === 1) throw new Error('font file locked');
        });
        const q = queue();
        await q.start();
        const id = await q.add('certificate.issue', { credentialId: 'c1' });
        let view = await q.get(id);
        const deadline = Date.now() + 10_000;
        while (!(view?.state === 'delayed' && view.attemptsMade === 1) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 10));
          view = await q.get(id);
        }
        // The backoff (2 s for this job) holds it: nothing runs until it is due or promoted.
        expect(view).toMatchObject({ state: 'delayed', attemptsMade: 1 });
        expect(view?.error).toBe('font file locked');
        expect(await q.promote(id)).toBe(true);
        const done = await settle(q, id);
        expect(done).toMatchObject({ state: 'completed', attemptsMade: 2 });
        expect(tries).toBe(2);
      });

      it('ends a job that keeps failing as failed with its error; it can be listed, counted, retried and removed', async () => {
        let fail = true;
        let tries = 0;
        handlers.register('notification.deliver', async (payload) => {
          tries++;
          if (fail) throw new Error(`SMTP refused ${payload.outboxId}`);
        });
        const q = queue();
        await q.start();
        const id = await q.add('notification.deliver', { outboxId: 'o-1' });
        const failed = await settle(q, id);
        expect(failed).toMatchObject({
          state: 'failed',
          error: 'SMTP refused o-1',
          attemptsMade: JOBS['notification.deliver'].attempts,
        });
        expect(tries).toBe(JOBS['notification.deliver'].attempts);
        expect((await q.counts()).notifications).toMatchObject({ failed: 1, waiting: 0, active: 0 });
        expect((await q.list({ state: 'failed' })).map((j) => j.id)).toEqual([id]);
        expect(await q.retry(randomUUID())).toBe(false);

        fail = false;
        expect(await q.retry(id)).toBe(true);
        expect(await settle(q, id)).toMatchObject({ state: 'completed', error: null });
        expect(await q.retry(id)).toBe(false);
        expect((await q.counts()).notifications).toMatchObject({ failed: 0, completed: 1 });
        expect(await q.remove(id)).toBe(true);
        expect(await q.get(id)).toBeUndefined();
      });

      // The in-process driver reads a job in one SELECT; BullMQ's view takes two reads.
      if (driver === 'bullmq')
        it('never shows a finished job with the tries of the one before (it reads the state first)', async () => {
          const attempts = JOBS['notification.deliver'].attempts;
          let reachLast!: () => void;
          const lastTryRunning = new Promise<void>((resolve) => (reachLast = resolve));
          let endLast!: () => void;
          const lastTryMayEnd = new Promise<void>((resolve) => (endLast = resolve));
          handlers.register('notification.deliver', async (_payload, context) => {
            if (context.attempt === attempts) {
              reachLast();
              await lastTryMayEnd;
            }
            throw new Error('SMTP refused');
          });
          const q = queue();
          await q.start();
          const id = await q.add('notification.deliver', { outboxId: 'o-torn' });
          let running = false;
          void lastTryRunning.then(() => (running = true));
          while (!running) {
            if ((await q.get(id))?.state === 'delayed') await q.promote(id);
            await new Promise((r) => setTimeout(r, 10));
          }
          // The read lands exactly between the two halves of a view: the job's fields are fetched
          // during the last try, which then fails before the view is put together.
          const bull = (q as unknown as BullmqJobQueue).queue('notifications');
          const getJob = bull.getJob.bind(bull);
          const spy = jest.spyOn(bull, 'getJob').mockImplementationOnce(async (jobId) => {
            const during = await getJob(jobId);
            endLast();
            while ((await bull.getJobState(jobId)) !== 'failed') await new Promise((r) => setTimeout(r, 10));
            return during;
          });
          expect(await q.get(id)).toMatchObject({ state: 'active', attemptsMade: attempts - 1 });
          spy.mockRestore();
          expect(await settle(q, id)).toMatchObject({
            state: 'failed',
            attemptsMade: attempts,
            finishedAt: expect.any(Date),
          });
        });

      it('two runners on the same queue run each job exactly once', async () => {
        const runs = new Map<string, number>();
        const runners: string[] = [];
        const handle =
          (name: string) =>
          async ({ credentialId }: { credentialId: string }) => {
            runs.set(credentialId, (runs.get(credentialId) ?? 0) + 1);
            runners.push(name);
            await new Promise((r) => setTimeout(r, 2));
          };
        const handlersB = new JobHandlers();
        handlers.register('certificate.issue', handle('a'));
        handlersB.register('certificate.issue', handle('b'));
        const a = queue();
        const b = makeQueue(driver, t, handlersB, prefix);
        open.push(b);
        const ids: string[] = [];
        for (let i = 0; i < 60; i++)
          ids.push(await a.add('certificate.issue', { credentialId: `c${i}` }, { key: `issue:c${i}` }));
        // Both add the same keyed jobs again, as two instances reacting to one event would.
        for (let i = 0; i < 60; i++)
          expect(await b.add('certificate.issue', { credentialId: `c${i}` }, { key: `issue:c${i}` })).toBe(ids[i]);
        await Promise.all([a.start(), b.start()]);
        for (const id of ids) expect((await settle(a, id)).state).toBe('completed');
        expect([...runs.values()].every((n) => n === 1)).toBe(true);
        expect(runs.size).toBe(60);
        if (engine === 'postgres' || driver === 'bullmq') expect(new Set(runners).size).toBe(2);
      });
    });
  }
});

describeEachEngine('In-process job runner across a restart', (engine) => {
  it('keeps queued jobs in the database and runs them after the app restarts; a dead runner’s job is taken over', async () => {
    const db = await createTestDatabase(engine);
    const config = AppConfig.fromEnvironment({
      NODE_ENV: 'test',
      DEMO_DATA: 'off',
      LOG_LEVEL: 'error',
      JOBS_IN_WEB: 'off',
      ...db.env,
    });
    const boot = async () => {
      const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] }).compile();
      const app = moduleRef.createNestApplication({ logger: ['fatal'] });
      await app.init();
      await prepareDatabase(app);
      return app;
    };
    try {
      const first = await boot();
      const queue = first.get(JobQueue);
      expect(first.get(JobRunner).mode).toBe('in-process');
      const ids = [
        await queue.add('certificate.issue', { credentialId: 'x1' }),
        await queue.add('certificate.issue', { credentialId: 'x2' }),
      ];
      // A runner that claimed a third job and then died: its lease ran out.
      const abandoned = await queue.add('certificate.issue', { credentialId: 'x3' });
      await first
        .get(DataSource)
        .query(
          `UPDATE "jobs" SET "state" = 'active', "attempts_made" = 1, "locked_by" = 'dead', "locked_until" = 1 WHERE "id" = '${abandoned}'`,
        );
      await first.close();

      const second = await boot();
      const ran: string[] = [];
      // The certificates feature registers the real handler; this test asks only whether queued jobs
      // survive a restart, so a recording handler stands in for it (looked up when each job runs).
      const handlers = second.get(JobHandlers);
      const registered = handlers.get.bind(handlers);
      const recording: JobHandler<'certificate.issue'> = async ({ credentialId }) => {
        ran.push(credentialId);
      };
      jest
        .spyOn(handlers, 'get')
        .mockImplementation(((name: JobName) =>
          name === 'certificate.issue' ? recording : registered(name)) as typeof handlers.get);
      const again = second.get(JobQueue);
      expect((await again.get(ids[0]))?.state).toBe('waiting');
      await second.get(JobRunner).start();
      for (const id of [...ids, abandoned]) expect((await settle(again, id)).state).toBe('completed');
      expect(ran.sort()).toEqual(['x1', 'x2', 'x3']);
      expect((await again.get(abandoned))?.attemptsMade).toBe(2);
      await second.close();
    } finally {
      await db.cleanup();
    }
  });
});

(redisAvailable() ? describe : describe.skip)('Web app in Redis mode', () => {
  it('binds the BullMQ driver under the configured prefix', async () => {
    const prefix = uniqueRedisPrefix();
    const t = await createTestApp('sqlite', { env: { REDIS_URL: redisUrl(), REDIS_PREFIX: prefix } });
    try {
      expect(t.app.get(JobRunner).mode).toBe('redis');
      const id = await t.app
        .get(JobQueue)
        .add('maintenance.expiry-scan', { date: '2026-12-01' }, { key: 'scan:2026-12-01' });
      expect(id).toBe('maintenance.k-scan%3A2026-12-01');
      expect(await t.app.get(JobQueue).get(id)).toMatchObject({
        state: 'waiting',
        key: 'scan:2026-12-01',
        payload: { date: '2026-12-01' },
      });
      await t.app.get(JobQueue).remove(id);
    } finally {
      await t.close();
    }
  });
});
