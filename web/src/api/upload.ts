import { api, unwrap } from './client';
import type { DateFormat, ImportKind, ImportView, Mapping } from '../lib/import';
import { mapParams } from '../lib/import';

/**
 * Upload a CSV and dry-run it. The API takes the file as a raw text/csv body; this goes
 * through the typed client (and so its CSRF middleware) with the text passed through as is.
 */
export function uploadCsv(input: {
  kind: ImportKind;
  text: string;
  fileName: string;
  mapping?: Mapping;
  dateFormat?: DateFormat | null;
}): Promise<ImportView> {
  const map = input.mapping ? mapParams(input.mapping) : [];
  return unwrap(
    api.POST('/api/v1/imports', {
      params: {
        query: {
          kind: input.kind,
          filename: input.fileName.slice(0, 255),
          ...(map.length ? { map } : {}),
          ...(input.dateFormat ? { dateFormat: input.dateFormat } : {}),
        },
      },
      body: input.text,
      bodySerializer: (body: string) => body,
      headers: { 'Content-Type': 'text/csv' },
    }),
  );
}
