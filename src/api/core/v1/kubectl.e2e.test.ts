/**
 * The real kubectl against a real API server serving these core/v1 declarations: the
 * tables, defaults and errors a user sees. One server for the file; a few seconds.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cells, startKubectlHarness, type KubectlHarness } from '../../../apiserver/resources/kubectl-harness.js';

let h: KubectlHarness;
before(async () => {
  h = await startKubectlHarness();
});
after(async () => {
  await h?.stop();
});

const ok = (args: string[]): Promise<string> => h.ok(args);

const manifest = (containerPort: number) => `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: web
    image: nginx:1.27
    ports:
    - {name: http, containerPort: ${containerPort}}
    resources:
      limits: {cpu: 500m, memory: 64Mi}
    readinessProbe:
      httpGet: {path: /healthz, port: http}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
`;

test('pods and services through kubectl: defaults, tables, immutable spec, events', async () => {
  assert.equal(await ok(['apply', '-f', h.file('web.yaml', manifest(8080))]), 'pod/web created\nservice/web created\n');

  const pod = JSON.parse(await ok(['get', 'pod', 'web', '-o', 'json']));
  const c = pod.spec.containers[0];
  assert.deepEqual(
    [pod.spec.restartPolicy, pod.spec.dnsPolicy, pod.spec.schedulerName, pod.spec.terminationGracePeriodSeconds, pod.spec.enableServiceLinks],
    ['Always', 'ClusterFirst', 'default-scheduler', 30, true],
  );
  assert.deepEqual([c.imagePullPolicy, c.terminationMessagePath, c.terminationMessagePolicy, c.ports[0].protocol], ['IfNotPresent', '/dev/termination-log', 'File', 'TCP']);
  assert.deepEqual(c.resources.requests, { cpu: '500m', memory: '64Mi' });
  assert.deepEqual(c.readinessProbe, { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });

  assert.deepEqual(cells(await ok(['get', 'pods', '-o', 'wide'])), [
    'NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES',
    'web 0/1 Pending 0 AGE <none> <none> <none> <none>',
  ]);
  const svc = cells(await ok(['get', 'svc', 'web', '-o', 'wide']));
  assert.equal(svc[0], 'NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE SELECTOR');
  assert.match(svc[1]!, /^web ClusterIP \S+ <none> 80\/TCP AGE app=web$/);

  const changed = await h.kubectl(['apply', '-f', h.file('web2.yaml', manifest(8081))]);
  assert.equal(changed.code, 1);
  assert.match(
    changed.stderr,
    /The Pod "web" is invalid: spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`,`spec\.initContainers\[\*\]\.image`,`spec\.activeDeadlineSeconds`,`spec\.tolerations` \(only additions to existing tolerations\),`spec\.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)/,
  );
  assert.equal(await ok(['set', 'image', 'pod/web', 'web=nginx:1.28']), 'pod/web image updated\n');

  const bad = await h.kubectl(['run', 'Bad_Name', '--image=busybox']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /metadata\.name: Invalid value: "Bad_Name"/);

  const event = `apiVersion: v1
kind: Event
metadata: {name: web.1}
involvedObject: {kind: Pod, name: web, namespace: default}
reason: Pulled
message: Container image "nginx:1.28" already present on machine
type: Normal
count: 2
source: {component: kubelet, host: node-1}
firstTimestamp: "2026-01-01T00:00:00Z"
lastTimestamp: "2026-01-01T00:00:00Z"
`;
  await ok(['create', '-f', h.file('ev.yaml', event)]);
  const events = cells(await ok(['get', 'events', '--field-selector', 'involvedObject.name=web']));
  assert.equal(events.length, 2, events.join("\n"));
  assert.match(events[1]!, /Normal Pulled pod\/web Container image "nginx:1\.28" already present on machine$/);
});
