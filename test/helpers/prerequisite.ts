/**
 * Tests that need something outside the project (the real-log corpus, python3, the single
 * executable) skip with a note when it is missing, except under CI=true, where the missing piece
 * fails the test file: a broken CI setup must not pass by skipping those tests.
 */
const inCi = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** `present`, or (when it is false) a note and false; under CI=true an error naming what is missing. */
export function prerequisite(present: boolean, missing: string): boolean {
  if (present) return true;
  if (inCi) throw new Error(`${missing} (CI=true: these tests must run, not skip)`);
  console.warn(`${missing}: skipping its tests`);
  return false;
}
