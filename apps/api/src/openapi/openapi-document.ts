import { INestApplication, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, OperationObject, ResponseObject, SchemaObject, SwaggerModule } from '@nestjs/swagger';
import { PUBLIC_KEY, SCOPE_KEY, SERVICE_ACCOUNT_KEY } from '../auth/require-scope.decorator';
import { ErrorResponse } from '../http/error-body';
import { isIngestRateLimited } from '../http/ingest-throttler.guard';
import { ERROR_DESCRIPTIONS } from './api-error.decorator';

const operationId = (controller: string, method: string) => `${controller}_${method}`;

export interface OpenApiOptions {
  version: string;
  /** Where the api is reachable (PUBLIC_URL); the document is served relative to itself without it. */
  serverUrl?: string;
  /** Every controller of the api: their guard metadata is the one source of each operation's security and auth errors. */
  controllers: Type<unknown>[];
  /** Named schemas that are objects, not classes (e.g. EventInput). */
  schemas: Record<string, SchemaObject>;
}

/**
 * The OpenAPI document of the api. Controllers declare their success schemas
 * and their own errors (404, 409, a specific 400); what follows from the
 * route's guards and body is added here from the same metadata the guards
 * read, so the document cannot disagree with them: the security requirement
 * and scope, 401/403, 429 (throttled routes, and failed authentication on any keyed route), 400/413/415 where there is a
 * body or parameters, and 503 where the database is read.
 */
export function buildOpenApiDocument(app: INestApplication, options: OpenApiOptions): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Tidings')
    .setDescription(
      'Transactional-outbox event and webhook engine. Every route but /health, /metrics and /docs needs an API key, ' +
        'as "Authorization: Bearer <api key>"; each operation names the scope it needs (x-required-scope; admin keys may do everything).',
    )
    .setVersion(options.version)
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer(options.serverUrl ?? '/')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'API key',
        description: 'An API key (tid_…, from POST /v1/api-keys or `npm run cli -- api-keys create`), or TIDINGS_ADMIN_KEY. Not a JWT.',
      },
      'bearer',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'ServiceAccountAuthenticationKey',
        description: 'The same API key, as data tools speaking the DataKitchen API send it',
      },
      'ServiceAccountAuthenticationKey',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: operationId, extraModels: [ErrorResponse] });
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...options.schemas } };

  const operations = new Map<string, OperationObject>();
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = item[method];
      if (op?.operationId) operations.set(op.operationId, op);
    }
  }
  const reflector = new Reflector();
  for (const controller of options.controllers) {
    for (const method of Object.getOwnPropertyNames(controller.prototype)) {
      const op = operations.get(operationId(controller.name, method));
      if (!op) continue; // not a route, or excluded from the document
      operations.delete(operationId(controller.name, method));
      describeAccess(op, reflector, controller, controller.prototype[method]);
    }
  }
  if (operations.size) throw new Error(`OpenAPI operations of no listed controller: ${[...operations.keys()].join(', ')}`);
  return document;
}

function describeAccess(op: OperationObject, reflector: Reflector, controller: Type<unknown>, handler: Function): void {
  const targets = [handler, controller];
  const errors = new Set<number>();
  if (reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
    op.security = [];
  } else {
    // The same reading as ApiKeyGuard: no scope metadata means admin only.
    const scope = reflector.getAllAndOverride<string>(SCOPE_KEY, targets) ?? 'admin';
    const serviceAccount = reflector.getAllAndOverride<boolean>(SERVICE_ACCOUNT_KEY, targets) ?? false;
    op.security = serviceAccount ? [{ bearer: [] }, { ServiceAccountAuthenticationKey: [] }] : [{ bearer: [] }];
    (op as OperationObject & { 'x-required-scope': string })['x-required-scope'] = scope;
    const needs =
      scope === 'any'
        ? 'Any valid API key.'
        : scope === 'admin'
          ? 'Needs an admin API key.'
          : `Needs an API key with the ${scope} scope (or admin).`;
    op.description = op.description ? `${op.description}\n\n${needs}` : needs;
    errors.add(401);
    if (scope !== 'any') errors.add(403);
    // ApiKeyGuard: too many invalid keys from one address.
    errors.add(429);
    // The key is looked up in Postgres (cached for seconds), and every such route reads or writes it.
    errors.add(503);
  }
  if (isIngestRateLimited(controller, handler)) errors.add(429);
  if (op.requestBody) [400, 413, 415].forEach((status) => errors.add(status));
  if (op.parameters?.length) errors.add(400);

  for (const status of [...errors].sort((a, b) => a - b)) {
    if (op.responses[status]) continue; // the route said something more specific
    const response: ResponseObject = {
      description: ERROR_DESCRIPTIONS[status],
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
    if (status === 429) response.headers = { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } };
    op.responses[status] = response;
  }
}
