import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the proxy does to one response body. Without a fault the response passes through unchanged.
 * `bytesPerSecond` slows the body down so that the reader has time to checkpoint before a fault.
 */
export interface FaultRule {
  /** Cut the connection (no proper end of the body) once this many body bytes went through. */
  dropAfterBytes?: number;
  /** Stop sending, but keep the connection open, once this many body bytes went through. */
  stallAfterBytes?: number;
  bytesPerSecond?: number;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  status: number;
  /** Body bytes sent to the client. */
  bytesSent: number;
  fault: 'none' | 'dropped' | 'stalled';
}

function isStreamingRead(request: { headers: http.IncomingHttpHeaders }): boolean {
  const range = request.headers.range;
  return range === undefined || /^bytes=\d+-$/.test(range);
}

type RuleSource = (request: http.IncomingMessage, index: number) => FaultRule | undefined;

/**
 * An HTTP fault proxy on loopback in front of an object store: forwards requests unchanged (the Host
 * header included, so that SigV4 signatures made for the proxy's address still verify upstream) and
 * cuts or stalls response bodies as told. Every request is recorded for assertions (Range, tokens).
 */
export class FaultProxy {
  readonly requests: ProxiedRequest[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly target: URL;
  private rules: RuleSource = () => undefined;
  private getCount = 0;

  constructor(target: string) {
    this.target = new URL(target);
    this.server = http.createServer((request, response) => this.forward(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** `127.0.0.1:<port>`, for EGRESS_ALLOW_LIST / EGRESS_ALLOW_HTTP. */
  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get url(): string {
    return `http://${this.host}`;
  }

  /**
   * The rule for each streaming read (a GET whose Range is open-ended, `bytes=N-`, or absent), by its
   * 0-based position among those since this call. Bounded reads (a sniff of the first bytes) pass.
   */
  onStreamingGet(rule: (index: number, request: http.IncomingMessage) => FaultRule | undefined): void {
    this.getCount = 0;
    this.rules = (request) =>
      request.method === 'GET' && isStreamingRead(request) ? rule(this.getCount++, request) : undefined;
  }

  /** Recorded streaming reads (see onStreamingGet). */
  streamingGets(): ProxiedRequest[] {
    return this.requests.filter((request) => request.method === 'GET' && isStreamingRead(request));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(request: http.IncomingMessage, response: http.ServerResponse): void {
    const rule = this.rules(request, this.requests.length) ?? {};
    const record: ProxiedRequest = {
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      status: 0,
      bytesSent: 0,
      fault: 'none',
    };
    this.requests.push(record);
    const upstream = http.request(
      {
        host: this.target.hostname,
        port: this.target.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        record.status = answer.statusCode ?? 0;
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        this.relayBody(answer, response, rule, record);
      },
    );
    upstream.once('error', () => response.destroy());
    request.pipe(upstream);
  }

  private relayBody(
    answer: http.IncomingMessage,
    response: http.ServerResponse,
    rule: FaultRule,
    record: ProxiedRequest,
  ): void {
    const limit = rule.dropAfterBytes ?? rule.stallAfterBytes;
    const slice = rule.bytesPerSecond
      ? Math.max(1, Math.floor(rule.bytesPerSecond / 20))
      : Number.POSITIVE_INFINITY;
    const queue: Buffer[] = [];
    let ended = false;
    let busy = false;
    const faulted = () => {
      answer.destroy();
      if (rule.dropAfterBytes !== undefined) {
        record.fault = 'dropped';
        response.socket?.destroy();
      } else {
        // Stalled: the connection stays open and silent until the client gives up on it.
        record.fault = 'stalled';
      }
    };
    const pump = () => {
      if (busy) {
        return;
      }
      while (queue.length > 0) {
        let chunk = queue.shift() as Buffer;
        if (chunk.length > slice) {
          queue.unshift(chunk.subarray(slice));
          chunk = chunk.subarray(0, slice);
        }
        if (limit !== undefined && record.bytesSent + chunk.length >= limit) {
          const head = chunk.subarray(0, limit - record.bytesSent);
          record.bytesSent += head.length;
          response.write(head, () => faulted());
          queue.length = 0;
          ended = false;
          busy = true;
          return;
        }
        record.bytesSent += chunk.length;
        response.write(chunk);
        if (Number.isFinite(slice)) {
          busy = true;
          answer.pause();
          setTimeout(() => {
            busy = false;
            answer.resume();
            pump();
          }, 50);
          return;
        }
      }
      if (ended) {
        response.end();
      }
    };
    answer.on('data', (chunk: Buffer) => {
      queue.push(chunk);
      pump();
    });
    answer.once('end', () => {
      ended = true;
      pump();
    });
    answer.once('error', () => response.socket?.destroy());
  }
}
