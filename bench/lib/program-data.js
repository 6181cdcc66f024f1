/**
 * The program every benchmark at program scale starts from, generated into a freshly migrated and
 * seeded database: 40 supervisors (4 of whom stop being qualified mid-2026), 10,000 active peers, a
 * lived-experience attestation for 19 in 20 of them, a supervision period each (1 in 15 ended),
 * two supervision sessions each in the last 4 months, and 10 credential records each (100,000) spread
 * over 2023-2028: yearly MT-CBHPSS renewals (1 in 8 peers without the 2026 one, so some lapse), CPR,
 * MHFA, CORR, Narcan, doula and the course credentials, 1 in 97 revoked.
 */
const { randomUUID } = require('node:crypto');
const { join } = require('node:path');
const { addDays } = require(join(__dirname, '..', '..', 'dist', 'src', 'common', 'dates'));

const PEOPLE = 10_000;
const CREDENTIALS_PER_PERSON = 10;
const SUPERVISORS = 40;
/** The "today" the data is arranged around. */
const DATE = '2026-11-28';

async function insertMany(db, table, rows) {
  const columns = Object.keys(rows[0]);
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await db.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ')}`,
      chunk.flatMap((r) => columns.map((c) => r[c])),
    );
  }
}

/**
 * Inserts the program in one transaction (`people` peers, 10,000 by default); `more(tx, peers, supervisors)` adds a
 * benchmark's own rows in the same transaction. Returns the peers ({ id, name, email }).
 */
async function generateProgram(db, more = async () => {}, people = PEOPLE) {
  const types = Object.fromEntries(
    (await db.query('SELECT id, code FROM credential_types')).map((t) => [t.code, t.id]),
  );
  const supervisors = Array.from({ length: SUPERVISORS }, (_, i) => ({
    id: randomUUID(),
    name: `Supervisor ${i}`,
    email: `supervisor.${i}@bench.example.org`,
    status: 'active',
  }));
  const peers = Array.from({ length: people }, (_, i) => ({
    id: randomUUID(),
    name: `Peer ${String(i).padStart(5, '0')}`,
    email: `peer.${i}@bench.example.org`,
    status: 'active',
  }));
  await db.transaction(async (tx) => {
    await insertMany(tx, 'people', [...supervisors, ...peers]);
    await insertMany(tx, 'person_roles', [
      ...supervisors.map((s) => ({ person_id: s.id, role: 'supervisor' })),
      ...peers.map((p) => ({ person_id: p.id, role: 'peer' })),
    ]);
    await insertMany(
      tx,
      'supervisor_qualifications',
      supervisors.map((s, i) => ({
        id: randomUUID(),
        person_id: s.id,
        licence: `LCPC #${i}`,
        qualified_from: '2015-01-01',
        qualified_until: i % 10 === 0 ? '2026-06-30' : null,
      })),
    );
    await insertMany(
      tx,
      'lived_experience_attestations',
      peers
        .filter((_, i) => i % 20 !== 0)
        .map((p, i) => ({
          id: randomUUID(),
          person_id: p.id,
          verified_by_id: supervisors[0].id,
          verified_on: addDays('2024-01-01', i % 600),
          evidence_location: 'HR file',
        })),
    );
    await insertMany(
      tx,
      'supervision_assignments',
      peers.map((p, i) => ({
        id: randomUUID(),
        peer_id: p.id,
        supervisor_id: supervisors[i % SUPERVISORS].id,
        starts_on: addDays('2024-06-01', i % 500),
        ends_on: i % 15 === 0 ? '2026-10-31' : null,
      })),
    );
    const sessions = [];
    peers.forEach((p, i) => {
      for (let k = 0; k < 2; k++)
        sessions.push({
          id: randomUUID(),
          peer_id: p.id,
          supervisor_id: supervisors[i % SUPERVISORS].id,
          held_on: addDays(DATE, -((i * 13 + k * 29) % 120)),
          minutes: 30 + 15 * (k + (i % 3)),
          summary: 'Bench session',
          attested_at: new Date().toISOString(),
        });
    });
    await insertMany(tx, 'supervision_sessions', sessions);
    const credentials = [];
    const plan = ['PS-40', 'MT-CBHPSS', 'MT-CBHPSS', 'MT-CBHPSS', 'CPR', 'MHFA', 'CORR', 'NARCAN-MT', 'DOULA', 'BT-W'];
    peers.forEach((p, i) => {
      for (let k = 0; k < CREDENTIALS_PER_PERSON; k++) {
        const code = plan[k];
        // Three yearly state certifications, the last one (2026) not held by one peer in eight, so some lapse.
        const year = 2023 + k;
        const skipLast = code === 'MT-CBHPSS' && k === 3 && i % 8 === 0;
        const issued =
          code === 'MT-CBHPSS' ? `${skipLast ? 2022 : year}-02-01` : addDays('2024-06-01', (i * 7 + k * 31) % 900);
        const expires =
          code === 'MT-CBHPSS'
            ? `${skipLast ? 2022 : year}-12-31`
            : code === 'PS-40' || code === 'BT-W'
              ? null
              : addDays(issued, 365 * (code === 'CORR' ? 1 : 2));
        credentials.push({
          id: randomUUID(),
          person_id: p.id,
          credential_type_id: types[code],
          source: 'external',
          issued_on: issued,
          expires_on: expires,
          revoked_on: i % 97 === 0 && k === 3 ? '2026-09-01' : null,
        });
      }
    });
    await insertMany(tx, 'credentials', credentials);
    await more(tx, peers, supervisors);
  });
  return peers;
}

module.exports = { PEOPLE, CREDENTIALS_PER_PERSON, SUPERVISORS, DATE, insertMany, generateProgram };
