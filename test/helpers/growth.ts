/**
 * Linear-time checks without a wall-clock bound. The cost of a call is this process's CPU time
 * (process.cpuUsage: other processes on a busy machine do not count); the same work on an input
 * `k` times larger costs about k times more when it is linear, k² times when it is quadratic.
 * Both sizes are measured in turns, five times each (every sample repeats the call until it
 * has taken 10 ms), and the least cost of each is kept: noise only ever adds time.
 */
const SAMPLE_MICROS = 10_000;
const ROUNDS = 5;

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** CPU microseconds per call of `fn`, over one sample. */
function sample(fn: () => void): number {
  const start = cpuMicros();
  let calls = 0;
  let spent = 0;
  do {
    fn();
    calls++;
    spent = cpuMicros() - start;
  } while (spent < SAMPLE_MICROS);
  return spent / calls;
}

/** cost(large) / cost(small): about the size ratio for linear work, its square for quadratic. */
export function costGrowth(small: () => void, large: () => void): number {
  let smallCost = Infinity;
  let largeCost = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    smallCost = Math.min(smallCost, sample(small));
    largeCost = Math.min(largeCost, sample(large));
  }
  return largeCost / Math.max(1, smallCost);
}
