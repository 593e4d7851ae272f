/** Where a sealed row that cannot be opened is reported (by id); without one, the first such row throws. */
export type OnUnreadable = (id: string, err: unknown) => void;

/** Opens every row; one unreadable row (tampered, key lost) goes to onError and the others still open. */
export function openEach<R extends { id: string }, T>(rows: readonly R[], open: (row: R) => T, onError?: OnUnreadable): T[] {
  const out: T[] = [];
  for (const r of rows) {
    try {
      out.push(open(r));
    } catch (err) {
      if (!onError) throw err;
      onError(r.id, err);
    }
  }
  return out;
}
