/**
 * AdminServices across a thread: the admin worker holds a stand-in whose every method is a call
 * to the daemon's main thread, where the real rooms answer. Only the methods listed here cross
 * (the audit log's other methods, for one, stay out of the worker's reach).
 */
import { ApiError } from './errors.ts';
import { ServiceError, type AdminServices, type EventsService } from './services.ts';
import { rpcClient, serveRpc, type RpcErrorData, type RpcPort } from './deps.ts';

/** Events are read in the worker, from its own connection (the stored events are already anonymized); the preview is pushed (preview/channel.ts). */
type Group = Exclude<keyof AdminServices, 'loginNameTag' | 'events' | 'preview'>;
type MethodsOf<T> = { [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];

/** Every method of every service, checked against the interfaces by the compiler. */
const METHODS: { [G in Group]-?: readonly MethodsOf<NonNullable<AdminServices[G]>>[] } = {
  people: ['list', 'get', 'create', 'rename', 'setValidity', 'setSchedule', 'addTemplateFromPhoto', 'addTemplateFromCamera', 'erase', 'export'],
  doors: ['list', 'status', 'unlock', 'holdUnlockedUntil', 'setLockdown'],
  status: ['snapshot'],
  calibration: ['thresholds'],
  personStats: ['basis'],
  snapshots: ['forEvent'],
  audit: ['append', 'list'],
  osdp: ['status', 'card', 'setCard'],
  padSelftest: ['start', 'next', 'state', 'cancel', 'proposal'],
  padAdaptation: ['status', 'accept', 'remove'],
};
const TOP_LEVEL = ['loginNameTag'] as const;

/** What a refused call looked like on the main thread, rebuilt so the worker's error handler maps it the same way. */
function rebuild(e: RpcErrorData): Error {
  const f = e.fields;
  if (e.name === 'ServiceError') return new ServiceError(f.kind as ServiceError['kind'], e.message);
  if (e.name === 'ApiError') return new ApiError(Number(f.statusCode), String(f.code), e.message, (f.headers ?? {}) as Record<string, string>);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

/** Main thread: answers the worker's calls on the real services. Returns a function that stops answering. */
export function serveAdminServices(port: RpcPort, services: AdminServices): () => void {
  return serveRpc(port, (method, args) => {
    const [group, name] = method.split('.') as [string, string | undefined];
    if (name === undefined && (TOP_LEVEL as readonly string[]).includes(group)) {
      return (services[group as (typeof TOP_LEVEL)[number]] as (...a: unknown[]) => unknown)(...args);
    }
    const listed = (METHODS as Record<string, readonly string[]>)[group];
    const target = (services as unknown as Record<string, Record<string, unknown> | undefined>)[group];
    const fn = target?.[name ?? ''];
    if (!listed?.includes(name ?? '') || typeof fn !== 'function') throw new Error(`admin services: no method ${method}`);
    return (fn as (...a: unknown[]) => unknown).apply(target, args);
  });
}

/** Admin worker: the services as calls to the main thread, but for `events`. `padSelftest` and `padAdaptation` only when the daemon offers them. */
export function remoteAdminServices(
  port: RpcPort,
  opts: { padSelftest: boolean; padAdaptation: boolean; events: EventsService },
): { services: AdminServices; close(reason: Error): void } {
  const client = rpcClient(port, rebuild);
  const group = (g: Group): Record<string, (...args: unknown[]) => Promise<unknown>> =>
    Object.fromEntries(METHODS[g].map((m) => [m, (...args: unknown[]) => client.call(`${g}.${String(m)}`, args)]));
  const services = {
    people: group('people'),
    doors: group('doors'),
    status: group('status'),
    events: opts.events,
    calibration: group('calibration'),
    personStats: group('personStats'),
    snapshots: group('snapshots'),
    audit: group('audit'),
    osdp: group('osdp'),
    loginNameTag: (typed: string) => client.call('loginNameTag', [typed]),
    ...(opts.padSelftest ? { padSelftest: group('padSelftest') } : {}),
    ...(opts.padAdaptation ? { padAdaptation: group('padAdaptation') } : {}),
  } as unknown as AdminServices;
  return { services, close: (reason) => client.close(reason) };
}
