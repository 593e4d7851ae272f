/** One part of `npm run bench`: measures something and returns dotted keys with numbers. */
export interface BenchPart {
  /** Short name shown in the table, e.g. "camera". */
  name: string;
  run(log: (msg: string) => void): Promise<Record<string, number>>;
}
