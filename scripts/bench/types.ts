/** One part of `npm run bench`: measures something and returns dotted keys with numbers. */
export interface BenchPart {
  /** Short name shown in the table, e.g. "camera". */
  name: string;
  run(log: (msg: string) => void, options: BenchOptions): Promise<Record<string, number>>;
}

/** What `npm run bench` was asked for beyond which parts run. */
export interface BenchOptions {
  /** `--load N`: N admin API clients during the decision bench's second half (null: no load). */
  adminLoad: number | null;
}
