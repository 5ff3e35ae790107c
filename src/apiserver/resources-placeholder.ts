import type { ResourceHandler } from './types.js';
import { writeStatus } from './http/respond.js';
import { pathNotFound } from './http/status.js';

/** Stands in for the resource layer until it lands: every resource request is a 404 Status. */
export function placeholderResourceHandler(): ResourceHandler & { close(): Promise<void> } {
  const handler: ResourceHandler = async (_req, res) => {
    writeStatus(res, pathNotFound());
  };
  return Object.assign(handler, { close: async () => {} });
}
