// The OpenAPI 3.1 document, assembled from the routes' own JSON schemas (3.1 uses JSON Schema as is).
// Hand-assembled because @fastify/swagger is not a dependency and this needs a dozen lines.
import type { RouteOptions } from 'fastify';

declare module 'fastify' {
  interface FastifySchema {
    /** One line for the OpenAPI document. */
    summary?: string;
  }
}

interface RouteSchema {
  summary?: string;
  params?: { properties?: Record<string, unknown> };
  body?: unknown;
  response?: Record<string, unknown>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, unknown>>;
}

export function createOpenApiCollector(): {
  onRoute: (route: RouteOptions) => void;
  document: () => OpenApiDocument;
} {
  const paths: OpenApiDocument['paths'] = {};
  return {
    onRoute(route) {
      if (!route.url.startsWith('/api/') || !route.schema) return;
      const schema = route.schema as RouteSchema;
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      for (const method of [route.method].flat()) {
        if (method === 'HEAD') continue;
        const operation: Record<string, unknown> = { summary: schema.summary, responses: {} };
        if (schema.params?.properties) {
          operation.parameters = Object.entries(schema.params.properties).map(([name, s]) => ({
            name,
            in: 'path',
            required: true,
            schema: s,
          }));
        }
        if (schema.body)
          operation.requestBody = {
            required: true,
            content: { 'application/json': { schema: schema.body } },
          };
        for (const [status, body] of Object.entries(schema.response ?? {})) {
          (operation.responses as Record<string, unknown>)[status] =
            status === '304'
              ? { description: 'Not modified' }
              : {
                  description: status.startsWith('2') ? 'OK' : 'Error',
                  content: { 'application/json': { schema: body } },
                };
        }
        paths[path] = { ...paths[path], [method.toLowerCase()]: operation };
      }
    },
    document: () => ({
      openapi: '3.1.0',
      info: {
        title: 'Hoplight observatory API',
        version: '1',
        description:
          'Grades of XMPP servers (c2s and s2s TLS). Errors are {error, message}; 429 and 503 carry Retry-After.',
      },
      paths,
    }),
  };
}
