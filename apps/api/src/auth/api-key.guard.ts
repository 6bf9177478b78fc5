import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeysService, FailedAuthThrottle } from '@tidings/auth';
import { TidingsError } from '@tidings/common';
import { Request, Response } from 'express';
import { PUBLIC_KEY, SCOPE_KEY, SERVICE_ACCOUNT_KEY } from './require-scope.decorator';

/**
 * Bearer API keys (or ServiceAccountAuthenticationKey where a route accepts it): missing or invalid → 401, valid without
 * the scope → 403; an address with too many invalid keys lately → 429 with Retry-After, before any lookup.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
    private readonly failures: FailedAuthThrottle,
  ) {}

  /** What each route asks of a key, read from its metadata once. */
  private readonly access = new WeakMap<object, RouteAccess>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { isPublic, serviceAccount, needed } = this.accessOf(context);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const header = req.headers.authorization;
    let match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match && header === undefined && serviceAccount) {
      // Data tools speaking the DataKitchen API send the bare key in their own header.
      const alternative = req.headers['serviceaccountauthenticationkey'];
      match = typeof alternative === 'string' ? /^\s*(?:Bearer\s+)?(\S+)\s*$/i.exec(alternative) : null;
    }
    if (!match) {
      const how = serviceAccount
        ? '"Authorization: Bearer <key>" or "ServiceAccountAuthenticationKey: <key>"'
        : '"Authorization: Bearer <key>"';
      throw new TidingsError('unauthorized', `Send an API key as ${how}`);
    }
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const wait = this.failures.retryAfterSeconds(address);
    if (wait > 0) {
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(wait));
      throw new TidingsError('rate_limited', `Too many invalid API keys from this address; retry after ${wait} s (Retry-After)`);
    }
    const key = await this.keys.verify(match[1]);
    if (!key) {
      this.failures.recordFailure(address);
      throw new TidingsError('unauthorized', 'The API key is invalid or revoked');
    }
    if (needed === 'any' || key.scopes.includes('admin') || key.scopes.includes(needed as never)) {
      (req as Request & { apiKeyId?: string }).apiKeyId = key.id;
      return true;
    }
    throw new TidingsError('forbidden', `This API key lacks the ${needed} scope`);
  }

  private accessOf(context: ExecutionContext): RouteAccess {
    const handler = context.getHandler();
    let access = this.access.get(handler);
    if (!access) {
      const targets = [handler, context.getClass()];
      access = {
        isPublic: this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ?? false,
        serviceAccount: this.reflector.getAllAndOverride<boolean>(SERVICE_ACCOUNT_KEY, targets) ?? false,
        needed: this.reflector.getAllAndOverride<string>(SCOPE_KEY, targets) ?? 'admin',
      };
      this.access.set(handler, access);
    }
    return access;
  }
}

interface RouteAccess {
  isPublic: boolean;
  serviceAccount: boolean;
  /** The scope it needs besides admin; `any` = any valid key. */
  needed: string;
}
