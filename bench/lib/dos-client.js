/* global fetch, FormData, Blob, Buffer, setTimeout */
/**
 * The client side of bench/date-of-service.js, in a process of its own so that its work (HTTP,
 * timing, reading a 5 MB answer) does not run on the server's event loop. Told over IPC:
 *   { cmd: 'idle', port, ms }: probes GET /health for that long and answers with the latencies;
 *   { cmd: 'upload', port, token, csv, format, runs }: uploads the file `runs` times, one after the
 *     other, while probing /health all along; answers with each upload's time, status, size and
 *     row count, and the /health latencies seen meanwhile.
 * One probe at a time, with a 5 ms pause between probes: a steady trickle, like a load balancer's
 * health check or a second user clicking about, not a load test.
 */
const http = require('node:http');

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const elapsed = (t) => Number(process.hrtime.bigint() - t) / 1e6;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function health(port) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    http
      .get({ host: '127.0.0.1', port, path: '/health', agent }, (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve(elapsed(started)) : reject(new Error(`/health answered ${res.statusCode}`)),
        );
      })
      .on('error', reject);
  });
}

/** Probes /health until `done()` is true; the latencies in milliseconds. */
async function probe(port, done) {
  const latencies = [];
  while (!done()) {
    latencies.push(await health(port));
    await pause(5);
  }
  return latencies;
}

async function upload(port, token, csv, format) {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'services.csv');
  const started = process.hrtime.bigint();
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/clearance/date-of-service?format=${format}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  const body = Buffer.from(await res.arrayBuffer());
  return { ms: elapsed(started), status: res.status, bytes: body.length, body };
}

/** Rows in an answer, counted after the probes have stopped so that parsing it delays none of them. */
function rowsIn(body, format) {
  if (format === 'json') return JSON.parse(body.toString('utf8')).rows.length;
  return body.toString('utf8').trimEnd().split('\n').length - 1; // the answers have no line breaks inside
}

process.on('message', async (m) => {
  try {
    if (m.cmd === 'idle') {
      const until = Date.now() + m.ms;
      process.send({ ok: true, latencies: await probe(m.port, () => Date.now() >= until) });
    } else if (m.cmd === 'upload') {
      let finished = false;
      const probing = probe(m.port, () => finished);
      const uploads = [];
      for (let i = 0; i < m.runs; i++) uploads.push(await upload(m.port, m.token, m.csv, m.format));
      finished = true;
      const latencies = await probing;
      process.send({
        ok: true,
        latencies,
        uploads: uploads.map((u) => ({ ms: u.ms, status: u.status, bytes: u.bytes, rows: rowsIn(u.body, m.format) })),
      });
    }
  } catch (e) {
    process.send({ ok: false, error: String(e) });
  }
});
