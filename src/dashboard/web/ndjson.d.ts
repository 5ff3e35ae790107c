export function createLineSplitter(): { push(chunk: string): string[]; flush(): string[] };
export function readNdjson(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown, void, undefined>;
