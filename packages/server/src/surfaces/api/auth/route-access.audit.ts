import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { ROUTE_ACCESS } from './route-access.js';

/**
 * Refuses to start the API when a controller route says neither
 * @RequireScope nor @Public: a route added without thinking about who may
 * call it must not go live open.
 */
@Injectable()
export class RouteAccessAudit implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const undeclared: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!type) continue;
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        if (!this.reflector.getAllAndOverride(ROUTE_ACCESS, [handler, type])) undeclared.push(`${type.name}.${name}`);
      }
    }
    if (undeclared.length) throw new Error(`Routes without @RequireScope or @Public: ${undeclared.join(', ')}`);
  }
}
