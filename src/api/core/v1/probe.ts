import { f, object, t, type Infer } from '../../schema/dsl.js';
import { embedded, ptr } from './embedded.js';

export const ExecActionSchema = object('ExecAction', 'Runs a command inside the container; exit 0 means healthy.', {
  command: f(1, t.list(t.string()), 'Command line to run, not through a shell.'),
});

export const HTTPHeaderSchema = object('HTTPHeader', 'One HTTP header sent by a probe.', {
  name: f(1, t.string(), 'Header name.', { required: true }),
  value: f(2, t.string(), 'Header value.', { required: true }),
});

export const HTTPGetActionSchema = object('HTTPGetAction', 'An HTTP GET against the container; 2xx/3xx means healthy.', {
  path: f(1, t.string(), 'Request path.', { default: '/' }),
  port: f(2, t.intOrString(), 'Port number or named container port.', { required: true }),
  host: f(3, t.string(), 'Host to connect to; defaults to the pod IP.'),
  scheme: f(4, t.enum('HTTP', 'HTTPS'), 'HTTP or HTTPS.', { default: 'HTTP' }),
  httpHeaders: f(5, t.list(t.object(() => HTTPHeaderSchema)), 'Extra request headers.'),
});

export const TCPSocketActionSchema = object('TCPSocketAction', 'Opens a TCP connection; success means healthy.', {
  port: f(1, t.intOrString(), 'Port number or named container port.', { required: true }),
  host: f(2, t.string(), 'Host to connect to; defaults to the pod IP.'),
});

export const GRPCActionSchema = object('GRPCAction', 'A gRPC health check against the container.', {
  port: f(1, t.int32(), 'Port of the gRPC service.', { required: true }),
  service: ptr(f(2, t.string(), 'Service name placed in the HealthCheckRequest.', { default: '' })),
});

export const SleepActionSchema = object('SleepAction', 'Waits a number of seconds.', {
  seconds: f(1, t.int64(), 'Seconds to sleep.', { required: true }),
});

/** The action fields of a probe (Go: ProbeHandler, inlined into Probe at proto field 1). */
const probeHandlerFields = {
  exec: f(1, t.object(() => ExecActionSchema), 'Run a command in the container.'),
  httpGet: f(2, t.object(() => HTTPGetActionSchema), 'Send an HTTP GET.'),
  tcpSocket: f(3, t.object(() => TCPSocketActionSchema), 'Open a TCP connection.'),
  grpc: f(4, t.object(() => GRPCActionSchema), 'Call the gRPC health service.'),
};

export const ProbeSchema = object('Probe', 'A periodic health check of a container.', {
  ...embedded(1, 'ProbeHandler', probeHandlerFields),
  initialDelaySeconds: f(2, t.int32(), 'Seconds after start before the first probe.'),
  timeoutSeconds: f(3, t.int32(), 'Seconds before a probe attempt times out.', { default: 1 }),
  periodSeconds: f(4, t.int32(), 'Seconds between probes.', { default: 10 }),
  successThreshold: f(5, t.int32(), 'Consecutive successes to count as healthy again; 1 for liveness and startup.', { default: 1 }),
  failureThreshold: f(6, t.int32(), 'Consecutive failures to count as unhealthy.', { default: 3 }),
  terminationGracePeriodSeconds: ptr(f(7, t.int64(), 'Grace period used when this probe kills the container.')),
});
export type Probe = Infer<typeof ProbeSchema>;

export const LifecycleHandlerSchema = object('LifecycleHandler', 'The action of a lifecycle hook; exactly one is set.', {
  exec: f(1, t.object(() => ExecActionSchema), 'Run a command in the container.'),
  httpGet: f(2, t.object(() => HTTPGetActionSchema), 'Send an HTTP GET.'),
  tcpSocket: f(3, t.object(() => TCPSocketActionSchema), 'Deprecated; accepted but never run.'),
  sleep: f(4, t.object(() => SleepActionSchema), 'Sleep before continuing.'),
});
export type LifecycleHandler = Infer<typeof LifecycleHandlerSchema>;

export const LifecycleSchema = object('Lifecycle', 'Hooks run after a container starts and before it stops.', {
  postStart: f(1, t.object(() => LifecycleHandlerSchema), 'Runs right after the container is created.'),
  preStop: f(2, t.object(() => LifecycleHandlerSchema), 'Runs before the container is terminated.'),
});
export type Lifecycle = Infer<typeof LifecycleSchema>;
