import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** Stream CSV lines as a download named `<name>-<day>.csv`. */
export function sendCsv(reply: FastifyReply, name: string, lines: AsyncGenerator<string>) {
  const day = new Date().toISOString().slice(0, 10);
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}-${day}.csv"`)
    .send(Readable.from(lines));
}
