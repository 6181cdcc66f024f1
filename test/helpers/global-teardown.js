// Jest globalTeardown: drops the PostgreSQL databases this run created (createTestDatabase in
// engines.ts) that a test file did not clean up itself, e.g. after a crash or a timeout.
const { Client } = require('pg');

module.exports = async function globalTeardown() {
  const runId = process.env.TEST_RUN_ID;
  if (process.env.TEST_POSTGRES !== '1' || !runId || !/^[a-z0-9]+$/.test(runId)) return;

  const prefix = `lms_test_${runId}_`;
  const client = new Client({ connectionString: process.env.TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    // starts_with, not LIKE: '_' is a LIKE wildcard and could match other databases.
    const { rows } = await client.query('select datname from pg_database where starts_with(datname, $1)', [prefix]);
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
};
