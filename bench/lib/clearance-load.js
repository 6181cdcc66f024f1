/**
 * The load generator for bench/clearance.js, in a process of its own so that the clients' work
 * (HTTP parsing, timing) does not run on the server's event loop. Told { port, token, paths,
 * clients, requests } over IPC; answers with every request's latency in milliseconds.
 */
const http = require('node:http');

process.once('message', async ({ port, token, paths, clients, requests, warmup }) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const get = (path) =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      http
        .get({ host: '127.0.0.1', port, path, agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
              : reject(new Error(`HTTP ${res.statusCode} for ${path}`)),
          );
        })
        .on('error', reject);
    });
  const run = async (count) => {
    let next = 0;
    const latencies = [];
    const t = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < count) latencies.push(await get(paths[next++ % paths.length]));
      }),
    );
    return { latencies, seconds: Number(process.hrtime.bigint() - t) / 1e9 };
  };
  try {
    await run(warmup);
    process.send({ ok: true, ...(await run(requests)) });
  } catch (e) {
    process.send({ ok: false, error: String(e) });
  }
  agent.destroy();
});
