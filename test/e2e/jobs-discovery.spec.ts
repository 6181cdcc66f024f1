import { JobHandlers } from '../../src/modules/jobs/job-handlers';
import { JOBS, type JobName } from '../../src/modules/jobs/jobs';
import { createTestApp, type TestApp } from '../helpers/app';

// The application as it starts: every job in the catalogue has the one handler its feature marked.
describe('Job handlers of the application', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite', { env: { JOBS_IN_WEB: 'off' } });
  });
  afterAll(() => t?.close());

  it('finds a @HandlesJob method for every job there is', () => {
    const handlers = t.app.get(JobHandlers);
    const missing = (Object.keys(JOBS) as JobName[]).filter((name) => {
      try {
        handlers.get(name);
        return false;
      } catch {
        return true;
      }
    });
    expect(missing).toEqual([]);
  });
});
