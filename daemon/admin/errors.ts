import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from './deps.ts';
import { ServiceError } from './services.ts';

/** An error with the HTTP status and the `{error, message}` body the client gets. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(statusCode: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
    this.headers = headers;
  }
}

export const notFound = (what: string): ApiError => new ApiError(404, 'not_found', `${what} not found`);

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'rate_limited',
};

/** Maps every thrown error (ours, fastify's, plugins') to a status and `{error, message}`; never leaks a stack. */
export function errorHandler(log: Logger) {
  return (err: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (err instanceof ApiError) {
      return reply.code(err.statusCode).headers(err.headers).send({ error: err.code, message: err.message });
    }
    if (err instanceof ServiceError) {
      const [status, code] = err.kind === 'conflict' ? [409, 'conflict'] : err.kind === 'invalid' ? [422, 'unprocessable'] : [503, 'unavailable'];
      return reply.code(status).send({ error: code, message: err.message });
    }
    const fe = err as FastifyError & { validation?: unknown };
    if (fe.validation) {
      // Well-formed JSON that breaks the schema: 422 with ajv's line, e.g. "body/name must NOT have more than 100 characters".
      return reply.code(422).send({ error: 'validation_failed', message: fe.message });
    }
    const status = fe.statusCode ?? 500;
    if (status >= 500) {
      log.error({ err, url: request.url, method: request.method }, 'admin request failed');
      return reply.code(500).send({ error: 'internal', message: 'internal error; see the daemon log' });
    }
    let message = fe.message;
    if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (status === 400 && err instanceof SyntaxError)) message = `malformed JSON body: ${fe.message}`;
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.code === 'FST_REQ_FILE_TOO_LARGE') message = `request too large: ${fe.message}`;
    return reply.code(status).send({ error: CODE_BY_STATUS[status] ?? 'bad_request', message });
  };
}
