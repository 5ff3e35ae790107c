/**
 * A test harness for running the real kubectl against a loopback HTTP server that serves
 * legacy discovery and our /openapi/v3 documents for a registry, plus whatever resource
 * requests the test answers. Plain HTTP is enough: no credentials are involved. kubectl
 * gets a private HOME, KUBECONFIG and cache directory (never ~/.kube), removed after.
 */
import { createServer, type Server } from 'node:http';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiV3Document } from './openapi.js';
import { apiVersionOf, type Registry } from '../registry.js';

export const KUBECTL = '/usr/bin/kubectl';

/** A request to a path outside discovery and OpenAPI. */
export interface HarnessRequest {
  method: string;
  path: string;
  contentType: string;
  body: Buffer;
}
/** Answers a resource request: a JSON body with its status, or undefined for 404. */
export type ResourceHandler = (req: HarnessRequest) => { status: number; body: unknown } | undefined;

function serve(registry: Registry, handle?: ResourceHandler): Server {
  const gvs = registry.list();
  const docs = new Map(gvs.map((gv) => [gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`, JSON.stringify(openApiV3Document(gv))]));
  const resourceList = (gv: (typeof gvs)[number]) => ({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(gv),
    resources: gv.kinds.map((k) => ({
      name: k.plural,
      singularName: k.singular,
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: k.verbs ?? ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      ...(k.shortNames ? { shortNames: k.shortNames } : {}),
    })),
  });
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/^\/+/, '');
    const json = (body: unknown, code = 200) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (path === 'version') return json({ major: '1', minor: '32', gitVersion: 'v1.32.0-skiff', platform: 'linux/amd64' });
    if (path === 'api') return json({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (path === 'apis')
      return json({
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: gvs
          .filter((gv) => gv.group)
          .map((gv) => {
            const v = { groupVersion: apiVersionOf(gv), version: gv.version };
            return { name: gv.group, versions: [v], preferredVersion: v };
          }),
      });
    const gv = gvs.find((g) => path === (g.group ? `apis/${g.group}/${g.version}` : `api/${g.version}`));
    if (gv) return json(resourceList(gv));
    if (path === 'openapi/v3') {
      const paths: Record<string, unknown> = {};
      for (const key of docs.keys()) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=0` };
      return json({ paths });
    }
    const doc = path.startsWith('openapi/v3/') ? docs.get(path.slice('openapi/v3/'.length)) : undefined;
    if (doc) return json(doc);
    if (handle) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answer = handle({ method: req.method ?? 'GET', path: url.pathname, contentType: String(req.headers['content-type'] ?? ''), body: Buffer.concat(chunks) });
        if (answer) json(answer.body, answer.status);
        else json({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' }, 404);
      });
      return;
    }
    json({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' }, 404);
  });
}

export function kubectl(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(KUBECTL, args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `body` with a fake server and a kubeconfig pointing at it; cleans up after. */
export async function withKubectl(registry: Registry, handle: ResourceHandler | undefined, body: (env: NodeJS.ProcessEnv, dir: string) => Promise<void>): Promise<void> {
  const server = serve(registry, handle);
  const dir = mkdtempSync(join(tmpdir(), 'skiff-openapi-'));
  try {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const kubeconfig = join(dir, 'config');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: `http://127.0.0.1:${port}` } }],
        users: [{ name: 'u', user: {} }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache') };
    await body(env, dir);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A skip reason for node:test when kubectl is absent. */
export const kubectlMissing: string | false = !existsSync(KUBECTL) && 'kubectl not installed';
