import { randomUUID } from 'node:crypto';
import { BullmqJobQueue } from '../../src/modules/jobs/bullmq-job-queue';
import { JobQueue, JobRunner, QUEUE_NAMES } from '../../src/modules/jobs/jobs';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine, redisUrl } from '../helpers/engines';
import { drivers, settle, uniqueRedisPrefix } from '../helpers/jobs';

// The admin's view of the queues through the API and the page, in both modes: counts, a real failure, retry, remove.
describeEachEngine('Jobs API for admins', (engine) => {
  for (const driver of drivers()) {
    it(`shows a failing delivery with its error, retries and removes it [${driver}]`, async () => {
      const prefix = uniqueRedisPrefix();
      const t: TestApp = await createTestApp(engine, {
        env: driver === 'bullmq' ? { REDIS_URL: redisUrl(), REDIS_PREFIX: prefix } : {},
      });
      try {
        if (driver === 'bullmq') await t.app.get(JobRunner).start();
        const { bearer } = await t.token(['admin']);
        const api = t.withBearer(bearer);
        const outboxId = randomUUID();
        // A message whose template does not exist: every try fails the same way.
        await t.dataSource.query(
          `INSERT INTO outbox (id, to_address, subject, template, context) VALUES (${engine === 'postgres' ? '$1, $2, $3, $4, $5' : '?, ?, ?, ?, ?'})`,
          [outboxId, 'someone@example.org', 'Broken', 'no-such-template', '{}'],
        );
        const queue = t.app.get(JobQueue);
        const id = await queue.add('notification.deliver', { outboxId }, { key: `deliver:${outboxId}` });
        expect((await settle(queue, id)).state).toBe('failed');

        const overview = await api.get('/api/v1/jobs').expect(200);
        expect(overview.body.mode).toBe(driver === 'bullmq' ? 'redis' : 'in-process');
        expect(overview.body.counts.find((c: { queue: string }) => c.queue === 'notifications')).toMatchObject({
          failed: 1,
        });
        const failure = overview.body.failures.find((f: { id: string }) => f.id === id);
        expect(failure.error).toMatch(/no-such-template/);
        expect(failure.attemptsMade).toBe(8);
        const [row] = await t.dataSource.query(`SELECT state, last_error FROM outbox WHERE id = '${outboxId}'`);
        expect(row.state).toBe('failed');

        await api.get('/api/v1/jobs?state=nonsense').expect(400);
        await api.post(`/api/v1/jobs/${encodeURIComponent(id)}/promote`).expect(400);
        const retried = await api.post(`/api/v1/jobs/${encodeURIComponent(id)}/retry`).expect(200);
        expect(['waiting', 'active', 'delayed', 'failed']).toContain(retried.body.state);
        expect((await settle(queue, id)).state).toBe('failed');
        await api.delete(`/api/v1/jobs/${encodeURIComponent(id)}`).expect(200, { id, removed: true });
        await api.get(`/api/v1/jobs/${encodeURIComponent(id)}`).expect(404);
        const audit = await t.dataSource.query(`SELECT action FROM audit_log WHERE entity_type = 'job' ORDER BY id`);
        expect(audit.map((a: { action: string }) => a.action)).toEqual(['job.retry', 'job.remove']);
      } finally {
        if (driver === 'bullmq') {
          const bull = t.app.get(BullmqJobQueue);
          await bull.stop();
          for (const name of QUEUE_NAMES) {
            await bull.queue(name).pause();
            await bull.queue(name).obliterate({ force: true });
          }
        }
        await t.close();
      }
    }, 60_000);

    it(`offers Remove for a failed job but not a completed one, and refuses removing a completed one [${driver}]`, async () => {
      const prefix = uniqueRedisPrefix();
      const t: TestApp = await createTestApp(engine, {
        env: driver === 'bullmq' ? { REDIS_URL: redisUrl(), REDIS_PREFIX: prefix } : {},
      });
      try {
        if (driver === 'bullmq') await t.app.get(JobRunner).start();
        const queue = t.app.get(JobQueue);
        const done = await queue.add('maintenance.outbox-sweep', {});
        expect((await settle(queue, done)).state).toBe('completed');
        const outboxId = randomUUID();
        await t.dataSource.query(
          `INSERT INTO outbox (id, to_address, subject, template, context) VALUES (${engine === 'postgres' ? '$1, $2, $3, $4, $5' : '?, ?, ?, ?, ?'})`,
          [outboxId, 'someone@example.org', 'Broken', 'no-such-template', '{}'],
        );
        const failed = await queue.add('notification.deliver', { outboxId });
        expect((await settle(queue, failed)).state).toBe('failed');

        const admin = await t.browser(['admin']);
        const html = (await t.as(admin).get('/admin/jobs').expect(200)).text;
        const recent = html.slice(html.indexOf('id="recent"'));
        const forms = (id: string) =>
          [...recent.matchAll(/action="\/admin\/jobs\/([^/"]+)\/(\w+)"/g)].filter((m) => m[1] === id).map((m) => m[2]);
        // A completed job holds its de-duplication key: it has nothing to offer. A failed one keeps Retry and Remove.
        expect(forms(done)).toEqual([]);
        expect(forms(failed)).toEqual(['retry', 'remove']);

        const refused = await t
          .as(admin)
          .post(`/admin/jobs/${encodeURIComponent(done)}/remove`)
          .expect(400);
        expect(refused.text).toContain('A completed job cannot be removed');
        const api = t.withBearer((await t.token(['admin'])).bearer);
        const viaApi = await api.delete(`/api/v1/jobs/${encodeURIComponent(done)}`).expect(400);
        expect(viaApi.body.message).toMatch(/^A completed job cannot be removed: it keeps its de-duplication key/);
        expect((await api.get(`/api/v1/jobs/${encodeURIComponent(done)}`).expect(200)).body.state).toBe('completed');

        await t
          .as(admin)
          .post(`/admin/jobs/${encodeURIComponent(failed)}/remove`)
          .expect(303);
        await api.get(`/api/v1/jobs/${encodeURIComponent(failed)}`).expect(404);
        const audit = await t.dataSource.query(`SELECT action FROM audit_log WHERE entity_type = 'job' ORDER BY id`);
        expect(audit.map((a: { action: string }) => a.action)).toEqual(['job.remove']);
      } finally {
        if (driver === 'bullmq') {
          const bull = t.app.get(BullmqJobQueue);
          await bull.stop();
          for (const name of QUEUE_NAMES) {
            await bull.queue(name).pause();
            await bull.queue(name).obliterate({ force: true });
          }
        }
        await t.close();
      }
    }, 60_000);
  }
});
