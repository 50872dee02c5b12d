/** Types of gen-wandb.mjs (the W&B log writer shared by tests and the benchmark). */
export type Name = string | string[];
export function field(num: number, bytes: Uint8Array | string): Uint8Array;
export function varintField(num: number, v: number): Uint8Array;
export function item(name: Name, valueJson: string): Uint8Array;
export const records: {
  header(producer?: string): Uint8Array;
  run(r: { id?: string; displayName?: string; project?: string; config?: Array<[Name, string]> }): Uint8Array;
  history(items: Array<[Name, string]>, options?: { num?: number; step?: number }): Uint8Array;
  summary(items: Array<[Name, string]>): Uint8Array;
  config(items: Array<[Name, string]>, removed?: string[]): Uint8Array;
  metric(m: { name?: string; glob?: string; stepMetric?: string }): Uint8Array;
  exit(code: number): Uint8Array;
  output(line: string): Uint8Array;
  stats(items: Array<[string, string]>): Uint8Array;
};
export function frameRecords(recs: Uint8Array[]): Uint8Array;
export function syntheticRun(options?: {
  rows: number;
  go?: boolean;
  seed?: number;
  exitCode?: number;
  withExit?: boolean;
  output?: boolean;
  id?: string;
  displayName?: string;
}): Uint8Array[];
export function ensureBigWandb(mb: number, options?: { go?: boolean }): string;
