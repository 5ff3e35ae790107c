/** The benchmark's "pod": a tiny HTTP server on the address and port given, in its own process. Prints "ready <port>". */
import { createServer } from 'node:http';

const [host = '127.0.77.1', portArg = '0'] = process.argv.slice(2);
const body = Buffer.from('pod-0\n');
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(portArg), host, () => process.stdout.write(`ready ${(server.address() as { port: number }).port}\n`));
process.on('SIGTERM', () => process.exit(0));
