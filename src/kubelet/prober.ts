import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Container } from '../api/core/v1/container.js';
import type { Probe } from '../api/core/v1/probe.js';
import type { Runtime } from './runtime.js';

export interface ProbeResult {
  ok: boolean;
  message: string;
}

/** A named container port, or a number. */
function resolvePort(port: unknown, c: Container): number {
  if (typeof port === 'number') return port;
  const n = Number(port);
  if (Number.isInteger(n) && n > 0) return n;
  const p = (c.ports ?? []).find((x) => x.name === port);
  if (!p) throw new Error(`port "${String(port)}" not found in container ${c.name}`);
  return p.containerPort ?? 0;
}

/**
 * Runs one probe attempt (exec, httpGet, tcpSocket) against a container whose pod has
 * address podIP. HTTP: a status in [200, 400) succeeds, as in Kubernetes.
 */
export async function runProbe(probe: Probe, c: Container, ctx: { runtime: Runtime; containerId: string; podIP: string }): Promise<ProbeResult> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.exec) {
    const r = await ctx.runtime.execSync(ctx.containerId, probe.exec.command ?? [], timeoutMs);
    return r.exitCode === 0 ? { ok: true, message: '' } : { ok: false, message: `command ${JSON.stringify(probe.exec.command ?? [])} exited with ${r.exitCode}: ${(r.stdout + r.stderr).trim()}` };
  }
  if (probe.httpGet) {
    const g = probe.httpGet;
    const port = resolvePort(g.port, c);
    const host = g.host || ctx.podIP;
    const scheme = (g.scheme ?? 'HTTP').toUpperCase();
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
    for (const h of g.httpHeaders ?? []) if (h.name) headers[h.name] = h.value ?? '';
    return new Promise((resolve) => {
      const req = (scheme === 'HTTPS' ? httpsRequest : httpRequest)({ host, port, path: g.path || '/', method: 'GET', headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? { ok: true, message: '' } : { ok: false, message: `HTTP probe failed with statuscode: ${code}` });
      });
      req.on('timeout', () => {
        req.destroy();
        resolve({ ok: false, message: `Get "${scheme.toLowerCase()}://${host}:${port}${g.path || '/'}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
      });
      req.on('error', (err) => resolve({ ok: false, message: `Get "${scheme.toLowerCase()}://${host}:${port}${g.path || '/'}": ${err.message}` }));
      req.end();
    });
  }
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port, c);
    const host = probe.tcpSocket.host || ctx.podIP;
    return new Promise((resolve) => {
      const s = connect({ host, port, timeout: timeoutMs });
      s.once('connect', () => {
        s.destroy();
        resolve({ ok: true, message: '' });
      });
      s.once('timeout', () => {
        s.destroy();
        resolve({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` });
      });
      s.once('error', (err) => resolve({ ok: false, message: `dial tcp ${host}:${port}: ${err.message}` }));
    });
  }
  return { ok: true, message: '' };
}
