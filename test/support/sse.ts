// Server-Sent Events read from a fetch Response, as a browser's EventSource would see them.

export interface ServerSentEvent {
  name: string;
  data: unknown;
}

export interface EventReader {
  /** Every event so far. */
  readonly events: ServerSentEvent[];
  /** Reads on until `enough(events)` holds or the stream ends; fails after timeoutMs. Resolves with every event so far. */
  until(enough: (events: ServerSentEvent[]) => boolean, timeoutMs?: number): Promise<ServerSentEvent[]>;
}

export function sseEvents(res: Response): EventReader {
  const events: ServerSentEvent[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ended = false;
  return {
    events,
    async until(enough, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (!enough(events) && !ended) {
        if (Date.now() > deadline) throw new Error(`not the events awaited in ${timeoutMs} ms: ${JSON.stringify(events.map((e) => e.name))}`);
        const { value, done } = await reader.read();
        if (done) ended = true;
        text += decoder.decode(value, { stream: !done });
        for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const name = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (name && data) events.push({ name, data: JSON.parse(data) as unknown });
        }
      }
      return events;
    },
  };
}
