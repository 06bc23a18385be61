import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';

export interface CanaryConnection {
  /** The local address the connection came in on (`127.0.0.1`, `::1`, an interface address). */
  address: string;
  remoteAddress: string;
}

/** This machine's own unicast addresses (loopback excluded, IPv6 link-local too: those need a zone to listen on). */
export function ownInterfaceAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((entry): entry is os.NetworkInterfaceInfo => entry !== undefined && !entry.internal)
    .filter((entry) => !(entry.family === 'IPv6' && entry.address.toLowerCase().startsWith('fe80:')))
    .map((entry) => entry.address);
}

const notFound: http.RequestListener = (_request, response) => {
  response.writeHead(404).end();
};

/**
 * HTTP listeners on one port of every address of this machine (loopback IPv4 and IPv6, and the
 * interfaces' addresses) that record each TCP connection they accept, whatever protocol the client
 * then speaks: a suite proves that nothing reached an address by finding no connection here.
 */
export class CanaryServer {
  readonly connections: CanaryConnection[] = [];
  readonly requests: { method: string; url: string }[] = [];
  /** The addresses actually listened on. */
  readonly addresses: string[] = [];
  port = 0;
  private readonly servers: http.Server[] = [];

  constructor(private readonly handler: http.RequestListener = notFound) {}

  async start(): Promise<this> {
    await this.listen('127.0.0.1');
    for (const address of ['::1', ...ownInterfaceAddresses()]) {
      // An address that cannot take this port (no IPv6, port taken there) is simply not watched.
      await this.listen(address).catch(() => undefined);
    }
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  }

  private listen(address: string): Promise<void> {
    const server = http.createServer((request, response) => {
      this.requests.push({ method: request.method ?? '', url: request.url ?? '' });
      this.handler(request, response);
    });
    server.on('connection', (socket: Socket) =>
      this.connections.push({ address, remoteAddress: socket.remoteAddress ?? '' }),
    );
    // Clients speaking TLS or garbage to this plain HTTP server must not crash the test process.
    server.on('clientError', (_error, socket: Socket) => socket.destroy());
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, address, () => {
        this.port = (server.address() as AddressInfo).port;
        this.servers.push(server);
        this.addresses.push(address);
        resolve();
      });
    });
  }
}
