import { fileURLToPath } from 'node:url';
import Fastify, { LogController } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import { Type } from '@sinclair/typebox';
import type { FastifyTypebox } from './app-type.ts';
import type { AdminContext } from './context.ts';
import { packageInfo, systemClock, type BusEvents, type Clock, type Config, type Database, type EventBus, type Logger } from './deps.ts';
import { ApiError, errorHandler } from './errors.ts';
import { AuthStore } from './auth/auth-store.ts';
import { guard } from './auth/guard.ts';
import { LoginThrottle } from './auth/login-throttle.ts';
import { prepareSetupCode } from './auth/setup-code.ts';
import { ErrorBody } from './schemas.ts';
import type { AdminServices } from './services.ts';
import { RuntimeSettings } from './settings.ts';
import { validatorCompiler } from './validators.ts';
import { chooseTransport, type Transport } from './tls.ts';
import { httpTimeouts, nodeServerTimeouts } from './http-timeouts.ts';
import { DoorFirst } from './door-first.ts';
import { authRoutes } from './routes/auth.ts';
import { statusRoutes } from './routes/status.ts';
import { peopleRoutes } from './routes/people.ts';
import { eventsRoutes } from './routes/events.ts';
import { doorRoutes } from './routes/doors.ts';
import { calibrationRoutes } from './routes/calibration.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { personStatsRoutes } from './routes/person-stats.ts';
import { settingsRoutes } from './routes/settings.ts';
import { userRoutes } from './routes/users.ts';
import { padSelftestRoutes } from './routes/pad-selftest.ts';
import { padAdaptationRoutes } from './routes/pad-adaptation.ts';
import { cameraPreviewRoutes } from './routes/camera-preview.ts';
import { osdpRoutes } from './routes/osdp.ts';

export const WEB_ROOT = fileURLToPath(new URL('./web/', import.meta.url));

export interface AdminServerOptions {
  config: Config;
  services: AdminServices;
  db: Database;
  bus: EventBus<BusEvents>;
  log: Logger;
  clock?: Clock;
  /** Defaults to package.json's version. */
  version?: string;
  /** Tests pass a transport to skip certificate work; main.ts lets it be chosen from the config. */
  transport?: Transport;
  /** Shared with main.ts so other rooms can apply changed keys live. */
  settings?: RuntimeSettings;
}

export interface AdminServer {
  app: FastifyTypebox;
  settings: RuntimeSettings;
  /** The setup code made at this start (null once an admin exists); also in the log and <data_dir>/setup-code. */
  setupCode: string | null;
  transport: Transport;
  /** Every route with who may call it, for tests and docs. */
  routes: { method: string; url: string; access: string }[];
  /** Listens on admin.host:admin.port; resolves to the URL it serves. */
  start(): Promise<string>;
  stop(): Promise<void>;
}

/** Builds the admin API and panel on the given services; nothing listens until start(). */
export async function createAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const { config, services, db, bus } = options;
  const log = options.log.child({ room: 'admin' });
  const clock = options.clock ?? systemClock;
  const c = config.admin;
  const dataDir = config.daemon.data_dir;
  const transport = options.transport ?? chooseTransport(c, dataDir, log);
  const secure = transport.https !== null;

  const auth = new AuthStore(db, () => clock.now());
  auth.purgeExpiredSessions();
  const setupCode = prepareSetupCode(auth, dataDir, log);
  const settings = options.settings ?? new RuntimeSettings(db, config);

  // Slow or silent clients must not hold sockets (issue 17 item 10); the event stream is kept by its heartbeat.
  const timeouts = httpTimeouts(c);
  const nodeServer = nodeServerTimeouts(timeouts);
  const app = Fastify({
    loggerInstance: log,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: c.body_limit_kb * 1024,
    trustProxy: false,
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    ...(transport.https ? { https: { ...transport.https, ...nodeServer } } : { http: nodeServer }),
  }) as unknown as FastifyTypebox;

  const ctx: AdminContext = {
    config,
    settings,
    auth,
    services,
    bus,
    log,
    clock,
    dataDir,
    secure,
    throttle: new LoginThrottle(c.login_window_min * 60_000, () => clock.monotonic()),
    version: options.version ?? packageInfo().version,
    startedAt: clock.now(),
    startedMono: clock.monotonic(),
  };

  app.setValidatorCompiler(validatorCompiler());
  app.addSchema(ErrorBody);
  app.setErrorHandler(errorHandler(log));
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }));

  // First of all hooks, before any work for the request (even a 429 costs a reply that invites the
  // next request): while a passage is being decided, requests wait for the door.
  const doorFirst = new DoorFirst({ bus, clock });
  app.addHook('onRequest', async () => doorFirst.turn());
  app.addHook('onClose', async () => doorFirst.stop());

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: secure ? { maxAge: 15552000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(cookie);
  await app.register(rateLimit, {
    max: c.rate_limit_per_min,
    timeWindow: 60_000,
    keyGenerator: (request) => request.ip,
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, 'rate_limited', `more than ${context.max} requests a minute; try again in ${Math.ceil(context.ttl / 1000)} s`),
  });
  await app.register(multipart, {
    preservePath: true, // so a name with a path in it reaches checkFileName and is refused, not silently trimmed
    limits: { fileSize: Math.round(c.upload_limit_mb * 1024 * 1024), files: 10, fields: 10, fieldSize: 1024, parts: 20, headerPairs: 100 },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'facegate admin API',
        version: ctx.version,
        description: 'Errors are {error, message}. Auth: the session cookie (+ x-csrf-token on changes) or Authorization: Bearer <API token>.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'fg_session' } } },
      security: [{ bearer: [] }, { session: [] }],
    },
  });

  app.addHook('onRequest', guard(auth));
  const routes: AdminServer['routes'] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      if (method !== 'HEAD' && r.url.startsWith('/api/')) routes.push({ method, url: r.url, access: r.config?.access ?? 'admin' });
    }
  });

  app.get(
    '/api/openapi.json',
    {
      config: { access: 'viewer' },
      schema: { tags: ['meta'], summary: 'This OpenAPI document', response: { 200: Type.Record(Type.String(), Type.Unknown()) } },
    },
    async () => app.swagger() as unknown as Record<string, unknown>,
  );

  authRoutes(app, ctx);
  statusRoutes(app, ctx);
  peopleRoutes(app, ctx);
  eventsRoutes(app, ctx);
  doorRoutes(app, ctx);
  calibrationRoutes(app, ctx);
  dashboardRoutes(app, ctx);
  personStatsRoutes(app, ctx);
  settingsRoutes(app, ctx);
  userRoutes(app, ctx);
  padSelftestRoutes(app, ctx);
  padAdaptationRoutes(app, ctx);
  cameraPreviewRoutes(app, ctx);
  osdpRoutes(app, ctx);

  await app.register(fastifyStatic, { root: WEB_ROOT, prefix: '/', index: ['index.html'], dotfiles: 'deny', cacheControl: true, maxAge: 0 });

  return {
    app,
    settings,
    setupCode,
    transport,
    routes,
    async start() {
      const address = await app.listen({ host: c.host, port: c.port });
      log.info({ address, transport: transport.source }, 'admin panel listening');
      return address;
    },
    async stop() {
      await app.close();
    },
  };
}
