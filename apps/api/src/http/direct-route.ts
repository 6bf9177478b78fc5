import { CanActivate, ExceptionFilter, ExecutionContext, ForbiddenException, Logger, Type } from '@nestjs/common';
import type { HttpArgumentsHost, RpcArgumentsHost, WsArgumentsHost } from '@nestjs/common/interfaces';
import type { Express, Request, Response } from 'express';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * One route served straight off the HTTP server, past Express's router and Nest's per-request
 * pipeline, by the same objects that serve it through Nest: the same global guard instances in the
 * same order, the same controller method, the same exception filter and the same request log
 * (issue 13: on `POST /v1/events` the router, the guard and pipe consumers and `res.json` cost
 * more api CPU than registering the event). Only a route whose parameters are plain (no pipes
 * transform them) can be served so: `invoke` maps the request to the method's arguments.
 */
export interface DirectRoute<C> {
  method: 'POST';
  /** The exact path; a query string is allowed, any other spelling goes through Nest (same answer, slower). */
  path: string;
  controller: Type<C>;
  handler: (this: C, ...args: any[]) => Promise<unknown>;
  invoke: (controller: C, req: Request, res: Response) => Promise<unknown>;
}

export interface DirectRouting {
  /** Nest's Express application: its request and response prototypes give `req.ip`, `res.status`… as under Express. */
  express: Express;
  routes: { route: DirectRoute<any>; controller: unknown }[];
  /** The global guards, in the order Nest runs them. */
  guards: CanActivate[];
  filter: ExceptionFilter;
  /** The request log middleware Express runs first. */
  requestLog: (req: Request, res: Response, next: () => void) => void;
}

/**
 * Puts the direct routes in front of Express on `server`: a request for one of them is served
 * here, any other goes to Express as before.
 */
export function serveDirectRoutes(server: Server, routing: DirectRouting): void {
  const { express } = routing;
  const byPath = new Map(routing.routes.map((entry) => [`${entry.route.method} ${entry.route.path}`, entry]));
  const listeners = server.listeners('request');
  if (listeners.length !== 1 || listeners[0] !== express) throw new Error('Expected the Express application as the only request listener');
  server.removeListener('request', express);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const entry = byPath.get(`${req.method} ${query < 0 ? url : url.slice(0, query)}`);
    if (!entry) return express(req, res);
    // What Express's own request handler does first: its request and response methods, each side linked to the other.
    Object.setPrototypeOf(req, express.request);
    Object.setPrototypeOf(res, express.response);
    const request = req as Request;
    const response = res as Response;
    request.res = response;
    response.req = request;
    response.locals = Object.create(null);
    routing.requestLog(request, response, () => void serve(routing, entry, request, response));
  });
}

async function serve(routing: DirectRouting, entry: DirectRouting['routes'][number], req: Request, res: Response): Promise<void> {
  const context = new HttpContext(req, res, entry.route.controller, entry.route.handler);
  try {
    for (const guard of routing.guards) {
      // Nest's answer to a guard saying no.
      if (!(await guard.canActivate(context))) throw new ForbiddenException('Forbidden resource');
    }
    res.statusCode = 201; // Nest's default for POST; the handler may set another.
    reply(res, await entry.route.invoke(entry.controller, req, res));
  } catch (error) {
    try {
      routing.filter.catch(error, context);
    } catch (failure) {
      new Logger('HTTP').error(failure instanceof Error ? (failure.stack ?? failure.message) : String(failure));
      if (!res.headersSent) res.status(500).end();
    }
  }
}

/** As Nest's Express adapter replies with a handler's value (`res.json`), without an ETag: a POST's answer is not cached. */
function reply(res: Response, value: unknown): void {
  if (value === undefined || value === null) {
    res.end();
    return;
  }
  const text = JSON.stringify(value);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Nest's execution context of an HTTP request, as guards and exception filters read it. */
class HttpContext implements ExecutionContext, HttpArgumentsHost {
  private readonly args: [Request, Response, undefined];

  constructor(
    req: Request,
    res: Response,
    private readonly controller: Type<unknown>,
    private readonly handler: (...args: any[]) => unknown,
  ) {
    this.args = [req, res, undefined];
  }

  getClass<T>(): Type<T> {
    return this.controller as Type<T>;
  }

  getHandler(): (...args: any[]) => unknown {
    return this.handler;
  }

  getArgs<T extends any[] = any[]>(): T {
    return this.args as unknown as T;
  }

  getArgByIndex<T = any>(index: number): T {
    return this.args[index] as T;
  }

  getType<T extends string = 'http'>(): T {
    return 'http' as T;
  }

  switchToHttp(): HttpArgumentsHost {
    return this;
  }

  switchToRpc(): RpcArgumentsHost {
    throw new Error('Not an RPC context');
  }

  switchToWs(): WsArgumentsHost {
    throw new Error('Not a WebSocket context');
  }

  getRequest<T = any>(): T {
    return this.args[0] as T;
  }

  getResponse<T = any>(): T {
    return this.args[1] as T;
  }

  getNext<T = any>(): T {
    return this.args[2] as T;
  }
}
