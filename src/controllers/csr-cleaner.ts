import { X509Certificate } from 'node:crypto';
import { CertificateSigningRequestKind, type CertificateSigningRequest } from '../api/certificates/v1/index.js';
import { controller } from '../client/controller.js';
import { isNotFound } from '../client/status-error.js';
import { firstPemBlock } from '../machinery/certificate-request.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';

const HOUR_MS = 3600 * 1000;
/** Upstream's csrcleaner deadlines. */
const PENDING_MS = 24 * HOUR_MS;
const DECIDED_MS = HOUR_MS;

/**
 * Upstream's csrcleaner: certificate signing requests do not pile up. A pending one goes
 * 24 h after it was made; a denied or failed one, and an issued one, an hour after that
 * decision; any whose certificate has expired, at once. Each request is looked at again
 * when its deadline comes (requeued for then), not on a global poll.
 */
export const csrCleanerController: ControllerDescriptor = {
  name: 'csrcleaner',
  create: (ctx) => newCsrCleaner(ctx),
};

/** When `csr` may be deleted (ms since the epoch). */
export function csrDeadline(csr: CertificateSigningRequest): number {
  const conditions = csr.status?.conditions ?? [];
  const at = (type: string) => {
    const c = conditions.find((x) => x.type === type);
    return c ? Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? '') || Date.parse(csr.metadata?.creationTimestamp ?? '') : undefined;
  };
  const created = Date.parse(csr.metadata?.creationTimestamp ?? '') || 0;
  const deadlines: number[] = [];
  const denied = at('Denied') ?? at('Failed');
  const approved = at('Approved');
  if (denied !== undefined) deadlines.push(denied + DECIDED_MS);
  else if (approved !== undefined && csr.status?.certificate) deadlines.push(approved + DECIDED_MS);
  else if (approved === undefined) deadlines.push(created + PENDING_MS);
  const expiry = certificateExpiry(csr.status?.certificate);
  if (expiry !== undefined) deadlines.push(expiry);
  return deadlines.length > 0 ? Math.min(...deadlines) : Infinity;
}

function certificateExpiry(b64: string | undefined): number | undefined {
  const block = b64 ? firstPemBlock(Buffer.from(b64, 'base64').toString('latin1')) : undefined;
  if (!block) return undefined;
  try {
    return Date.parse(new X509Certificate(block.der).validTo);
  } catch {
    return undefined;
  }
}

export function newCsrCleaner(ctx: ControllerContext): RunningController {
  const informer = ctx.informers.informerFor<CertificateSigningRequest>(CertificateSigningRequestKind);
  const csrs = ctx.client.resource<CertificateSigningRequest>(CertificateSigningRequestKind);
  const reconcile = async (name: string) => {
    const csr = informer.indexer.get(name);
    if (!csr || csr.metadata?.deletionTimestamp) return;
    const wait = csrDeadline(csr) - ctx.clock.now();
    if (wait > 0) return Number.isFinite(wait) ? { requeueAfterMs: wait } : undefined;
    try {
      await csrs.delete(name, { preconditions: { uid: csr.metadata?.uid ?? '' } });
      ctx.log.info('deleted an old certificate signing request', { csr: name });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return undefined;
  };
  const c = controller('csrcleaner', { reconcile, workers: 1, clock: ctx.clock, logger: ctx.log }).watches(informer);
  return { start: () => c.start(), stop: () => c.stop() };
}
