import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { socketPathOf } from './endpoint.js';

/** A CRI call failed: the gRPC status code (5 NOT_FOUND, 12 UNIMPLEMENTED, 14 UNAVAILABLE…) and containerd's message. */
export class CriError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly details: string,
    options?: { cause?: unknown },
  ) {
    super(`CRI ${method}: ${details}`, options);
    this.name = 'CriError';
  }
}


// The proto sits beside this file in src; a build in dist/ reads it from src/ (tsc does not copy it).
function protoPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'api.proto'), join(here, '..', '..', '..', 'src', 'kubelet', 'cri', 'api.proto')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`CRI api.proto not found (looked at ${candidates.join(', ')})`);
  return found;
}

/** What the cri runtime needs of a client (tests pass a fake). */
export interface CriCaller {
  rt<T = any>(method: string, req: object, timeoutMs?: number): Promise<T>;
  img<T = any>(method: string, req: object, timeoutMs?: number): Promise<T>;
  close(): void;
}

type Callback = (err: grpc.ServiceError | null, res: unknown) => void;
type Stub = grpc.Client & Record<string, (req: unknown, opts: grpc.CallOptions, cb: Callback) => void>;

/**
 * A CRI v1 client over a unix socket. Messages are plain objects with the proto's
 * snake_case field names; enums are strings, int64 comes back as a string, bytes as a
 * Buffer. Every call has a deadline; failures reject with CriError.
 */
export class CriClient implements CriCaller {
  readonly socketPath: string;
  private readonly runtime: Stub;
  private readonly image: Stub;
  private readonly defaultTimeoutMs: number;

  constructor(config: { endpoint: string; timeoutMs?: number }) {
    this.socketPath = socketPathOf(config.endpoint);
    this.defaultTimeoutMs = config.timeoutMs ?? 120_000;
    const def = protoLoader.loadSync(protoPath(), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
    const pkg = grpc.loadPackageDefinition(def) as unknown as { runtime: { v1: Record<string, new (addr: string, creds: grpc.ChannelCredentials) => Stub> } };
    const v1 = pkg.runtime.v1;
    const addr = `unix://${this.socketPath}`;
    this.runtime = new v1.RuntimeService!(addr, grpc.credentials.createInsecure());
    this.image = new v1.ImageService!(addr, grpc.credentials.createInsecure());
  }

  /** A RuntimeService RPC by its upstream name (e.g. 'RunPodSandbox'). */
  rt<T = any>(method: string, req: object, timeoutMs?: number): Promise<T> {
    return this.call(this.runtime, method, req, timeoutMs);
  }

  /** An ImageService RPC by its upstream name (e.g. 'ImageStatus'). */
  img<T = any>(method: string, req: object, timeoutMs?: number): Promise<T> {
    return this.call(this.image, method, req, timeoutMs);
  }

  close(): void {
    this.runtime.close();
    this.image.close();
  }

  private call<T>(stub: Stub, method: string, req: object, timeoutMs?: number): Promise<T> {
    const fn = stub[method];
    if (typeof fn !== 'function') return Promise.reject(new Error(`CRI method ${method} is not in api.proto`));
    return new Promise<T>((resolve, reject) => {
      fn.call(stub, req, { deadline: Date.now() + (timeoutMs ?? this.defaultTimeoutMs) }, (err, res) => {
        if (err) reject(new CriError(method, err.code, err.details || err.message, { cause: err }));
        else resolve(res as T);
      });
    });
  }
}
