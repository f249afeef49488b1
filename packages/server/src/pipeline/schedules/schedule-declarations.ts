import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { EventTypes } from '../events/event-catalog.js';
import { schedulesDeclaredOn } from '@switchyard/core/platform';
import { checkSchedule, type ScheduleSpec } from './schedule-spec.js';
import { ScheduleService } from './schedule.service.js';

/**
 * Finds every `@EventSchedule` at startup, refuses to start on a declaration
 * the catalog or the timing rules reject (or two with one name), and upserts
 * the rest. Every replica does it; the upsert is idempotent.
 */
@Injectable()
export class ScheduleDeclarations implements OnApplicationBootstrap {
  private readonly logger = new Logger(ScheduleDeclarations.name);

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly schedules: ScheduleService,
    private readonly types: EventTypes,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const specs = await this.discover();
    await this.schedules.declare(specs);
    if (specs.length) this.logger.log(`${specs.length} schedules declared in code: ${specs.map((spec) => spec.name).join(', ')}`);
  }

  async discover(): Promise<ScheduleSpec[]> {
    const byName = new Map<string, ScheduleSpec>();
    const seen = new Set<unknown>();
    for (const wrapper of this.discovery.getProviders()) {
      const type = wrapper.metatype;
      if (!type || typeof type !== 'function' || seen.has(type)) continue;
      seen.add(type);
      const declared = schedulesDeclaredOn(type);
      for (const options of declared) {
        const checked = await checkSchedule(options, this.types);
        const label = `@EventSchedule(${JSON.stringify(options.name)}) on ${type.name}`;
        if (!checked.ok) {
          const problems = checked.unknownType !== undefined ? [`type "${checked.unknownType}" is not in the event catalog`] : checked.errors.map((e) => `${e.path} ${e.message}`);
          throw new Error(`${label}: ${problems.join('; ')}`);
        }
        if (byName.has(checked.spec.name)) throw new Error(`${label}: another declaration has the same name; schedule names must be unique`);
        byName.set(checked.spec.name, checked.spec);
      }
    }
    return [...byName.values()];
  }
}
