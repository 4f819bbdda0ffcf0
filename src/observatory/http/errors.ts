// Every error the API sends has the same body, `{error, message}`: a stable code and a sentence, also
// for the errors fastify's router and Node's HTTP parser raise before any route runs.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: string;
  /** Sent as `Retry-After` (seconds, rounded up) when set. */
  readonly retryAfterMs: number | null;

  constructor(statusCode: number, code: string, message: string, retryAfterMs: number | null = null) {
    // An answer, not a bug: no stack to capture (under abuse every 429 is one of these).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackTraceLimit;
    this.statusCode = statusCode;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface ErrorBody {
  error: string;
  message: string;
}

export const errorBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'Stable machine code, e.g. invalid_domain, rate_limited.' },
    message: { type: 'string', description: 'What went wrong, for people.' },
  },
} as const;

export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/** Maps fastify's own errors (validation, body size, JSON syntax) and ours to one body shape. */
export function handleError(
  error: FastifyError | ApiError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const body = toErrorBody(error);
  if (error instanceof ApiError && error.retryAfterMs !== null)
    reply.header('retry-after', retryAfterSeconds(error.retryAfterMs));
  if (body.status >= 500) request.log.error({ err: error }, 'request failed');
  void reply
    .code(body.status)
    .type('application/json; charset=utf-8')
    .send({ error: body.error, message: body.message });
}

function toErrorBody(error: FastifyError | ApiError): ErrorBody & { status: number } {
  if (error instanceof ApiError)
    return { status: error.statusCode, error: error.code, message: error.message };
  if ('validation' in error && error.validation) {
    return { status: 400, error: 'invalid_request', message: `The request is invalid: ${error.message}.` };
  }
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return { status: 400, error: 'bad_url', message: 'The URL is not validly percent-encoded.' };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return {
        status: 414,
        error: 'uri_too_long',
        message: 'A part of the URL is longer than this API accepts.',
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        error: 'body_too_large',
        message: 'The request body is larger than this API accepts.',
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        error: 'unsupported_media_type',
        message: 'Send the request body as application/json.',
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        error: 'invalid_json',
        message: 'The request body is empty; send a JSON object.',
      };
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return { status: 400, error: 'invalid_json', message: 'The request body is not valid JSON.' };
  }
  const status =
    typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600
      ? error.statusCode
      : 500;
  if (status >= 500)
    return { status, error: 'internal_error', message: 'The server failed to answer; try again later.' };
  return { status, error: 'bad_request', message: error.message };
}

/** What Node's HTTP parser and timers report on a connection, as `{status, error, message}`. */
export function clientErrorBody(code: string | undefined): ErrorBody & { status: number } {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        error: 'request_timeout',
        message: 'The request (headers and body) did not arrive in time.',
      };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, error: 'headers_too_large', message: 'The request headers are too large.' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
    case 'HPE_INVALID_CHUNK_SIZE':
      return { status: 400, error: 'bad_chunking', message: 'The chunked request body is malformed.' };
    default:
      return { status: 400, error: 'bad_request', message: 'The request is not valid HTTP/1.1.' };
  }
}

/** fastify's `clientErrorHandler`: answers in the API's shape, then closes the connection. */
export function handleClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const { status, ...body } = clientErrorBody(error.code);
    const text = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy();
}
