import { createServer } from 'node:http';
import { verifySignature } from '../outbound/model.js';

export interface Delivery {
  id: string | undefined;
  verified: boolean;
  body: unknown;
}

/** An HTTP receiver that checks each webhook's signature as a customer's endpoint would. */
export async function startReceiver(
  secretOf: () => string | null,
  status = 200,
): Promise<{ url: string; deliveries: Delivery[]; stop(): Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const secret = secretOf();
      const header = (n: string) => {
        const v = req.headers[n];
        return Array.isArray(v) ? v[0] : v;
      };
      deliveries.push({
        id: header('x-tenure-delivery'),
        verified:
          secret !== null &&
          verifySignature(
            secret,
            { timestamp: header('x-tenure-timestamp'), signature: header('x-tenure-signature') },
            raw,
            Math.floor(Date.now() / 1000),
          ),
        body: JSON.parse(raw) as unknown,
      });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks/tenure`,
    deliveries,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
