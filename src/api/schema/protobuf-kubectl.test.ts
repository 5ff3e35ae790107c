/**
 * The protobuf codec against real gogo-protobuf bytes: typed `kubectl create …` commands
 * send protobuf bodies; each must decode to what the same command prints as JSON with
 * `--dry-run=client -o json`. Skipped when kubectl is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEnvelope, hasProtobufMagic } from '../../machinery/protobuf-envelope.js';
import { Registry } from '../registry.js';
import { decodeObject } from './protobuf.js';
import { f, kind, object, t } from './dsl.js';
import { ObjectMetaSchema } from '../meta/v1/index.js';
import { kubectl, kubectlMissing, withKubectl, type HarnessRequest } from './kubectl-harness.js';

/** The object bytes of a `k8s\0` + runtime.Unknown body. */
function unwrap(body: Buffer): { apiVersion: string; kind: string; raw: Uint8Array } {
  assert.ok(hasProtobufMagic(body));
  return decodeEnvelope(body);
}

/** JSON as Go prints a typed object, minus what omitempty keeps but means nothing (null times). */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]));
  return v;
}

/** Commands and the kind each sends; those whose kind is not declared yet are skipped. */
const commands: { needs: [apiVersion: string, kind: string]; args: string[] }[] = [
  { needs: ['v1', 'Namespace'], args: ['create', 'namespace', 'foo'] },
  { needs: ['scheduling.k8s.io/v1', 'PriorityClass'], args: ['create', 'priorityclass', 'high', '--value=1000', '--description=important pods', '--preemption-policy=Never'] },
  { needs: ['rbac.authorization.k8s.io/v1', 'ClusterRole'], args: ['create', 'clusterrole', 'pod-reader', '--verb=get,list,watch', '--resource=pods,deployments.apps', '--resource-name=a'] },
  { needs: ['rbac.authorization.k8s.io/v1', 'Role'], args: ['create', 'role', 'cm-editor', '--verb=update', '--resource=configmaps', '-n', 'default'] },
  { needs: ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'], args: ['create', 'clusterrolebinding', 'crb', '--clusterrole=pod-reader', '--user=alice', '--group=devs', '--serviceaccount=default:robot'] },
  { needs: ['rbac.authorization.k8s.io/v1', 'RoleBinding'], args: ['create', 'rolebinding', 'rb', '--role=cm-editor', '--user=bob', '-n', 'default'] },
  { needs: ['policy/v1', 'PodDisruptionBudget'], args: ['create', 'poddisruptionbudget', 'web', '--selector=app=web,tier in (a,b)', '--min-available=50%', '-n', 'default'] },
  { needs: ['policy/v1', 'PodDisruptionBudget'], args: ['create', 'poddisruptionbudget', 'db', '--selector=app=db', '--max-unavailable=1', '-n', 'default'] },
  { needs: ['v1', 'ConfigMap'], args: ['create', 'configmap', 'cm', '--from-literal=a=1', '--from-literal=b=', '-n', 'default'] },
  { needs: ['v1', 'Secret'], args: ['create', 'secret', 'generic', 's', '--from-literal=k=vé', '--type=Opaque', '-n', 'default'] },
  { needs: ['v1', 'ServiceAccount'], args: ['create', 'serviceaccount', 'robot', '-n', 'default'] },
  { needs: ['v1', 'Service'], args: ['create', 'service', 'clusterip', 'svc', '--tcp=80:8080', '--tcp=443:https', '-n', 'default'] },
  { needs: ['v1', 'ResourceQuota'], args: ['create', 'quota', 'q', '--hard=cpu=1500m,memory=1Gi,pods=10', '-n', 'default'] },
  { needs: ['apps/v1', 'Deployment'], args: ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=0', '--port=80', '-n', 'default'] },
  { needs: ['batch/v1', 'Job'], args: ['create', 'job', 'j', '--image=busybox', '-n', 'default', '--', 'sh', '-c', 'exit 0'] },
  { needs: ['batch/v1', 'CronJob'], args: ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/5 * * * *', '-n', 'default'] },
  {
    needs: ['networking.k8s.io/v1', 'Ingress'],
    args: ['create', 'ingress', 'web', '--class=nginx', '--rule=foo.com/bar*=svc1:8080,tls=my-cert', '--rule=bar.com/=svc2:http', '--annotation=team=a', '-n', 'default'],
  },
  { needs: ['networking.k8s.io/v1', 'Ingress'], args: ['create', 'ingress', 'catch-all', '--default-backend=svc:80', '-n', 'default'] },
];

/** Resources the commands name (RBAC rules), served in discovery only if not yet declared. */
function withStubs(registry: Registry): Registry {
  const stubs: [string, string, string][] = [['', 'pods', 'Pod'], ['', 'configmaps', 'ConfigMap'], ['apps', 'deployments', 'Deployment']];
  for (const [group, plural, kindName] of stubs) {
    if (registry.byGroupVersionResource(group, 'v1', plural)) continue;
    const schema = object(kindName, 'A stand-in for discovery.', { metadata: f(1, t.object(() => ObjectMetaSchema), 'Metadata.') });
    registry.add(kind({ group, version: 'v1', kind: kindName, plural, singular: kindName.toLowerCase(), namespaced: true, schema, printerColumns: [] }));
  }
  return registry;
}

test('objects kubectl sends as protobuf decode to the JSON it would send', { skip: kubectlMissing }, async (t) => {
  const registry = new Registry();
  const served = withStubs(new Registry());
  const posts: HarnessRequest[] = [];
  const handle = (req: HarnessRequest) => {
    if (req.method !== 'POST') return undefined;
    posts.push(req);
    const { apiVersion, kind, raw } = unwrap(req.body);
    const spec = registry.byApiVersionKind(apiVersion, kind);
    return spec ? { status: 201, body: decodeObject(spec, raw) } : undefined;
  };
  await withKubectl(served, handle, async (env) => {
    for (const { needs, args } of commands) {
      if (!registry.byApiVersionKind(...needs)) {
        t.diagnostic(`skipped (not declared yet): kubectl ${args.join(' ')}`);
        continue;
      }
      // Flags go before a `--` (after it they would be the container's command).
      const sep = args.includes('--') ? args.indexOf('--') : args.length;
      const dry = await kubectl([...args.slice(0, sep), '--dry-run=client', '-o', 'json', ...args.slice(sep)], env);
      assert.equal(dry.code, 0, `${args.join(' ')}: ${dry.stderr}`);
      const expected = withoutNulls(JSON.parse(dry.stdout));

      const before = posts.length;
      const real = await kubectl(args, env);
      assert.equal(real.code, 0, `${args.join(' ')}: ${real.stderr}`);
      assert.equal(posts.length, before + 1);
      const post = posts[before]!;
      assert.equal(post.contentType, 'application/vnd.kubernetes.protobuf', args.join(' '));
      const { apiVersion, kind, raw } = unwrap(post.body);
      const spec = registry.byApiVersionKind(apiVersion, kind);
      assert.ok(spec, `${apiVersion} ${kind} is registered`);
      assert.deepEqual(decodeObject(spec, raw), expected, args.join(' '));
    }
  });
});

test('kubectl auth can-i: the SelfSubjectAccessReview decodes', { skip: kubectlMissing }, async () => {
  const registry = new Registry();
  let decoded: Record<string, unknown> | undefined;
  const handle = (req: HarnessRequest) => {
    if (req.method !== 'POST') return undefined;
    const { apiVersion, kind, raw } = unwrap(req.body);
    const spec = registry.byApiVersionKind(apiVersion, kind);
    if (!spec) return undefined;
    decoded = decodeObject(spec, raw);
    return { status: 201, body: { ...decoded, status: { allowed: true } } };
  };
  await withKubectl(registry, handle, async (env) => {
    const r = await kubectl(['auth', 'can-i', 'get', 'pods', '-n', 'default', '--subresource=log'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'yes');
    assert.deepEqual(decoded?.['spec'], {
      resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods', subresource: 'log' },
    });
  });
});
