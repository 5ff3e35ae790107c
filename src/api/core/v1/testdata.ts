import type { Pod } from './pod.js';

/**
 * A realistic pod manifest (after defaulting), as a fresh object each call. Shared by
 * the tests of this directory; not imported by production code.
 */
export function samplePod(): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web' }, creationTimestamp: '2026-11-26T16:00:00Z' },
    spec: {
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      securityContext: { runAsNonRoot: true, fsGroup: 2000 },
      serviceAccountName: 'default',
      serviceAccount: 'default',
      initContainers: [
        {
          name: 'migrate',
          image: 'registry.example/app:1.4',
          command: ['/app', 'migrate'],
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
        {
          name: 'log-shipper',
          image: 'registry.example/shipper:2',
          restartPolicy: 'Always',
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          readinessProbe: { exec: { command: ['true'] }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
          volumeMounts: [{ name: 'logs', mountPath: '/var/log/app' }],
        },
      ],
      containers: [
        {
          name: 'web',
          image: 'nginx:1.27',
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
          ],
          env: [
            { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
            { name: 'MODE', value: 'prod' },
            { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          ],
          envFrom: [{ configMapRef: { name: 'web-config' } }],
          resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
          volumeMounts: [
            { name: 'config', mountPath: '/etc/web', readOnly: true },
            { name: 'logs', mountPath: '/var/log/web' },
            { name: 'data', mountPath: '/data' },
          ],
          livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
          readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 2, failureThreshold: 3 },
          startupProbe: { grpc: { port: 9090, service: '' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 30 },
          lifecycle: { preStop: { sleep: { seconds: 5 } } },
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: 'web-config', defaultMode: 420 } },
        { name: 'logs', emptyDir: {} },
        { name: 'data', persistentVolumeClaim: { claimName: 'web-data' } },
        { name: 'tls', secret: { secretName: 'web-tls', defaultMode: 420 } },
        { name: 'host', hostPath: { path: '/var/run', type: 'Directory' } },
        {
          name: 'token',
          projected: {
            defaultMode: 420,
            sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }, { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }],
          },
        },
        { name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
      ],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
      ],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a', 'b'] }] }],
          },
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } }],
        },
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } }, namespaceSelector: {} } },
          ],
        },
      },
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, minDomains: 2, matchLabelKeys: ['pod-template-hash'] },
      ],
      hostAliases: [{ ip: '198.18.0.10', hostnames: ['db.local'] }],
      imagePullSecrets: [{ name: 'regcred' }],
      readinessGates: [{ conditionType: 'example.com/ready' }],
      hostname: 'web-0',
      subdomain: 'web',
      priorityClassName: 'high',
      enableServiceLinks: true,
    },
  };
}
