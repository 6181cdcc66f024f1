/**
 * The one line every benchmark ends with (issue 20): `BENCH {json}` holding the bench's name, the load
 * average before and after, the number of cores, and every figure by name. A figure is a number, or
 * `{ target, value, met }` where it has a target. `npm run bench` (bench/run-all.js) reads these lines.
 *
 *   const report = startBench('clearance');   // prints the load average before
 *   report.figure('floor_ms', 312);
 *   report.atMost('brief_board_ms', 700, 2.5 * 312);
 *   report.finish();                          // prints the load average after, then the BENCH line
 */
const { loadavg, cpus } = require('node:os');

const round = (x, digits = 1) => Number(x.toFixed(digits));
const loads = () => loadavg().map((x) => round(x, 2));

function startBench(name) {
  const loadBefore = loads();
  console.log(`before: load average ${loadBefore.join(', ')} on ${cpus().length} cores`);
  const figures = {};
  const number = (value, digits) => (typeof value === 'number' ? round(value, digits) : value);
  return {
    loadBefore,
    /** A figure without a target: a number (rounded to `digits`), or any JSON value such as a list of runs. */
    figure(key, value, digits = 1) {
      figures[key] = Array.isArray(value) ? value.map((v) => number(v, digits)) : number(value, digits);
    },
    /** A figure that must not exceed `target`. */
    atMost(key, value, target, digits = 1) {
      figures[key] = { target: round(target, 2), value: round(value, digits), met: value <= target };
    },
    /** A figure that must reach `target`. */
    atLeast(key, value, target, digits = 1) {
      figures[key] = { target: round(target, 2), value: round(value, digits), met: value >= target };
    },
    finish() {
      const loadAfter = loads();
      console.log(`after: load average ${loadAfter.join(', ')}`);
      const line = { bench: name, load_before: loadBefore, load_after: loadAfter, cores: cpus().length, ...figures };
      console.log(`BENCH ${JSON.stringify(line)}`);
      return line;
    },
  };
}

module.exports = { startBench, round };
