/** The tour reader: block extraction, comments, tokens, and the step table (no cluster). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { claimedCount, classifyLine, extractTour, splitComment, tokenize, UncoveredLineError } from './readme-tour.js';

describe('README tour reader', () => {
  it('extracts the sh block under "## A first tour" only', () => {
    const md = '# x\n```sh\nnope\n```\n## A first tour\n\ntext\n```sh\na   # c\n\nb\n```\nmore\n```sh\nc\n```\n## Next\n';
    assert.deepEqual(extractTour(md), ['a   # c', 'b']);
    assert.throws(() => extractTour('## Other\n```sh\na\n```\n'), /no "## A first tour" section/);
    assert.throws(() => extractTour('## A first tour\ntext\n## Next\n```sh\na\n```\n'), /no closed/);
  });

  it('strips trailing comments but not a # inside quotes or words', () => {
    assert.deepEqual(splitComment("kubectl get nodes   # one node, Ready"), { code: 'kubectl get nodes', comment: 'one node, Ready' });
    assert.deepEqual(splitComment(`sh -c 'echo # not a comment' # real`), { code: `sh -c 'echo # not a comment'`, comment: 'real' });
    assert.deepEqual(splitComment(`echo "a # b" x#y`), { code: `echo "a # b" x#y`, comment: '' });
    assert.deepEqual(splitComment(`echo a\\ #b`), { code: `echo a\\ #b`, comment: '' });
    assert.throws(() => splitComment(`echo 'open`), /unterminated/);
  });

  it('tokenizes quotes, operators and placeholders', () => {
    const t = tokenize(`kubectl create deployment web -- sh -c 'while true; do sleep 1; done' && kubectl delete pod <one of the pods>`);
    assert.deepEqual(t.slice(4, 8).map((x) => x.text), ['--', 'sh', '-c', 'while true; do sleep 1; done']);
    assert.deepEqual(t.at(-1), { text: '<one of the pods>', placeholder: true });
    assert.ok(t.some((x) => x.op && x.text === '&&'));
    assert.deepEqual(tokenize(`a "b \\"c\\" $X" 'd'e`).map((x) => x.text), ['a', 'b "c" $X', 'de']);
  });

  it('classifies the tour lines of today and the planned expose/curl ones', () => {
    const kinds = (l: string): unknown => classifyLine(l).steps;
    assert.deepEqual(kinds('npm ci && npm start   # leave it running'), [{ kind: 'start' }]);
    assert.deepEqual(kinds('export KUBECONFIG=$PWD/.skiff-data/admin.kubeconfig'), [{ kind: 'kubeconfig', path: '$PWD/.skiff-data/admin.kubeconfig' }]);
    assert.deepEqual(kinds('kubectl get nodes # one node, Ready'), [{ kind: 'get-nodes' }]);
    assert.deepEqual(kinds(`kubectl create deployment web --image=busybox --replicas=2 -- sh -c 'while true; do sleep 1; done'`), [{ kind: 'create-deployment', name: 'web', image: 'busybox', replicas: 2 }]);
    assert.deepEqual(kinds(`kubectl create deployment web --image node:20 --replicas 2 -- node -e 'require("http").createServer((q, s) => s.end(process.env.HOSTNAME)).listen(8080, process.env.POD_IP)'`), [{ kind: 'create-deployment', name: 'web', image: 'node:20', replicas: 2 }]);
    assert.deepEqual(kinds('kubectl get pods -o wide'), [{ kind: 'get-pods' }]);
    assert.deepEqual(kinds('kubectl scale deployment web --replicas=3'), [{ kind: 'scale', name: 'web', replicas: 3 }]);
    assert.deepEqual(kinds('kubectl set image deployment/web busybox=busybox:1.36 && kubectl rollout status deployment/web'), [
      { kind: 'set-image', name: 'web', images: { busybox: 'busybox:1.36' } },
      { kind: 'rollout-status', name: 'web' },
    ]);
    assert.deepEqual(kinds('kubectl rollout undo deployment/web'), [{ kind: 'rollout-undo', name: 'web' }]);
    assert.deepEqual(kinds('kubectl delete pod <one of the pods>   # the ReplicaSet replaces it'), [{ kind: 'delete-pod', pod: '<one of the pods>', placeholder: true }]);
    assert.deepEqual(kinds('kubectl expose deployment web --type=LoadBalancer --port=8000 --target-port=8080'), [
      { kind: 'expose', deployment: 'web', service: 'web', port: 8000, targetPort: 8080, type: 'LoadBalancer' },
    ]);
    assert.deepEqual(kinds('kubectl get svc web'), [{ kind: 'get-services', name: 'web' }]);
    assert.deepEqual(kinds('kubectl get services   # web: a ClusterIP, and this machine as EXTERNAL-IP'), [{ kind: 'get-services' }]);
    assert.deepEqual(kinds('curl -s http://localhost:8000   # answered by one of the pods'), [{ kind: 'curl', url: 'http://localhost:8000' }]);
  });

  it('refuses lines it has no check for', () => {
    for (const line of ['kubectl get deployments', 'kubectl get pods | grep web', 'kubectl scale deployment web', 'docker ps', 'kubectl logs <a pod>', 'curl -X POST http://localhost:8000', 'npm start && kubectl get nodes']) {
      assert.throws(() => classifyLine(line), (e: unknown) => e instanceof UncoveredLineError && e.message.startsWith(`README tour line not covered by the newcomer test: ${line}`), line);
    }
  });

  it('reads the counts comments promise', () => {
    assert.equal(claimedCount('two pods Running, each with its own 127.x IP', 'pod'), 2);
    assert.equal(claimedCount('one node, Ready', 'node'), 1);
    assert.equal(claimedCount('3 pods', 'pod'), 3);
    assert.equal(claimedCount('the ReplicaSet replaces it', 'pod'), undefined);
  });
});
