import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { HANDLES_JOB } from './handles-job';
import { JobHandlers } from './job-handlers';
import type { JobContext, JobName } from './jobs';

/**
 * Registers every provider method marked `@HandlesJob(name)` with JobHandlers, once the application's
 * providers exist and before any driver starts taking jobs (drivers start after init). A second
 * method for a job already handled is an error that stops the start, naming both.
 */
@Injectable()
export class JobHandlerDiscovery implements OnModuleInit {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly handlers: JobHandlers,
  ) {}

  onModuleInit(): void {
    const owners = new Map<JobName, string>();
    const scanned = new Set<object>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      // A request-scoped provider has no instance at start-up; one instance under two tokens
      // (useExisting, or a factory returning another provider) is scanned once.
      if (!wrapper.isDependencyTreeStatic() || !instance || typeof instance !== 'object' || scanned.has(instance))
        continue;
      scanned.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const handler = (instance as Record<string, unknown>)[method] as (p: unknown, c: JobContext) => Promise<void>;
        const name = this.reflector.get<JobName | undefined>(HANDLES_JOB, handler);
        if (!name) continue;
        const owner = `${instance.constructor.name}.${method}`;
        const earlier = owners.get(name);
        if (earlier) throw new Error(`Two handlers for job "${name}": ${earlier} and ${owner}.`);
        owners.set(name, owner);
        this.handlers.register(name, (payload, context) => handler.call(instance, payload, context));
        this.logger.debug(`${name} → ${owner}`);
      }
    }
  }
}
