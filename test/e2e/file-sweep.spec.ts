import { spawnSync } from 'node:child_process';
import { existsSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { systemActor } from '../../src/common/auth/actor';
import { CertificateFileSweep } from '../../src/modules/certificates/certificate-file-sweep';
import { CertificateStorage } from '../../src/modules/certificates/certificate-storage';
import { CertificatesService } from '../../src/modules/certificates/certificates.service';
import { CredentialsService } from '../../src/modules/credentials/credentials.service';
import { createTestApp, type TestApp } from '../helpers/app';
import { describeEachEngine } from '../helpers/engines';

const CLI = resolve(__dirname, '../../dist/src/cli.js');

describeEachEngine('The sweep of issued PDFs no certificate refers to', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { env: { JOBS_IN_WEB: 'off' } });
  });
  afterAll(() => t?.close());

  const path = (key: string) => join(t.config.certificates.storageDir, key);
  const age = (key: string, days: number) => {
    const when = new Date(Date.now() - days * 86_400_000);
    utimesSync(path(key), when, when);
  };

  it('removes files a day old that no certificate refers to, keeps the rest, and a dry run removes nothing', async () => {
    const peer = await t.person(['peer']);
    const credential = await t.app
      .get(CredentialsService)
      .record(peer.id, { credentialTypeCode: 'PS-40', issuedOn: '2026-03-01' }, systemActor('test'));
    const certificate = (await t.app.get(CertificatesService).issue(credential.id, null))!;
    age(certificate.storageKey, 30);
    const storage = t.app.get(CertificateStorage);
    // What a rolled-back issue leaves: the PDF stored, its row never committed.
    const orphan = (await storage.put(Buffer.from(`%PDF-1.3 orphan ${engine}`))).key;
    age(orphan, 2);
    const young = (await storage.put(Buffer.from(`%PDF-1.3 just stored ${engine}`))).key;

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      DATA_DIR: t.config.dataDir,
      NODE_ENV: 'development',
    };
    if (t.config.database.type === 'postgres') env.DATABASE_URL = t.config.database.url;
    const dry = spawnSync(process.execPath, [CLI, 'files:sweep', '--dry-run'], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('Would remove 1 certificate file(s) no certificate refers to; 2 kept.');
    expect(dry.stdout).toContain(`  ${orphan}`);
    expect(existsSync(path(orphan))).toBe(true);

    const swept = await t.app.get(CertificateFileSweep).sweep();
    expect(swept).toEqual({ orphans: [orphan], kept: 2 });
    expect(existsSync(path(orphan))).toBe(false);
    expect(existsSync(path(young))).toBe(true);
    expect(existsSync(path(certificate.storageKey))).toBe(true);
    expect(await t.app.get(CertificateFileSweep).sweep()).toEqual({ orphans: [], kept: 2 });
  }, 90_000);
});
