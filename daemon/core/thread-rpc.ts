/**
 * Calls between two threads over a MessagePort (a worker and its parent): the caller gets a
 * promise per call; the callee runs a handler and answers with its value or its error. Other
 * messages on the same port (those without an `rpc` field) are left to their own listeners.
 * Arguments and results go by structured clone: plain data, typed arrays, Dates.
 */
export interface RpcPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** An error as it crosses: its class name, message and the own fields a receiver may rebuild it from. */
export interface RpcErrorData {
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

interface RpcCall {
  rpc: 'call';
  id: number;
  method: string;
  args: unknown[];
}
type RpcReply = { rpc: 'reply'; id: number; ok: true; value: unknown } | { rpc: 'reply'; id: number; ok: false; error: RpcErrorData };

const isRpc = (m: unknown, kind: 'call' | 'reply'): boolean => typeof m === 'object' && m !== null && (m as { rpc?: unknown }).rpc === kind;

/** The own data fields of an error (code, kind, statusCode, ...), without its stack or cause. */
export function errorData(err: unknown): RpcErrorData {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) {
    if (k !== 'cause' && (v === null || ['string', 'number', 'boolean'].includes(typeof v) || (typeof v === 'object' && !Array.isArray(v)))) fields[k] = v;
  }
  return { name: err.constructor.name, message: err.message, fields };
}

export interface RpcClient {
  call(method: string, args: unknown[]): Promise<unknown>;
  /** Fails every open call (the other side is gone) and refuses new ones. */
  close(reason: Error): void;
}

/** The calling side. `rebuild` turns an answered error back into the class the caller expects. */
export function rpcClient(port: RpcPort, rebuild: (e: RpcErrorData) => Error): RpcClient {
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let closedBy: Error | null = null;
  port.on('message', (m) => {
    if (!isRpc(m, 'reply')) return;
    const r = m as RpcReply;
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (r.ok) p.resolve(r.value);
    else p.reject(rebuild(r.error));
  });
  return {
    call(method, args) {
      if (closedBy) return Promise.reject(closedBy);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        port.postMessage({ rpc: 'call', id, method, args } satisfies RpcCall);
      });
    },
    close(reason) {
      closedBy = reason;
      for (const p of pending.values()) p.reject(reason);
      pending.clear();
    },
  };
}

/**
 * The answering side: each call runs `handle(method, args)`; an unknown method is the handler's
 * to refuse. Returns a function that stops answering.
 */
export function serveRpc(port: RpcPort, handle: (method: string, args: unknown[]) => unknown): () => void {
  const onMessage = (m: unknown): void => {
    if (!isRpc(m, 'call')) return;
    const { id, method, args } = m as RpcCall;
    void (async () => {
      try {
        const value = await handle(method, args);
        port.postMessage({ rpc: 'reply', id, ok: true, value } satisfies RpcReply);
      } catch (err) {
        port.postMessage({ rpc: 'reply', id, ok: false, error: errorData(err) } satisfies RpcReply);
      }
    })();
  };
  port.on('message', onMessage);
  return () => {
    port.off('message', onMessage);
  };
}
