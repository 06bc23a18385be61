import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CommonApiError } from './api-exception';
import type { ApiErrorBody } from './http-exception.filter';

function clientErrorAnswer(code: string): { status: number; body: ApiErrorBody } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        body: {
          error: {
            code: CommonApiError.HeadersTooLarge,
            message: 'The request line and headers are too large (the URL or a header is too long).',
          },
        },
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        body: {
          error: { code: CommonApiError.RequestTimeout, message: 'The request was not received in time.' },
        },
      };
    default:
      return {
        status: 400,
        body: { error: { code: CommonApiError.MalformedRequest, message: 'The request is not valid HTTP.' } },
      };
  }
}

/**
 * Requests Node's HTTP parser refuses before any middleware runs (a URL or header over the 16 KiB
 * header limit, a broken request line) get the API's JSON error shape instead of Node's bare status line.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, body } = clientErrorAnswer(error.code ?? '');
    const payload = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`,
    );
  });
}
