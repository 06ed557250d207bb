import { ApiError } from '../../api/client';
import { decodeCsv, type Encoding } from '../../lib/import';

/** A file chosen in this tab, kept in memory so the dry run can run again with a new mapping. */
export interface CsvFile {
  name: string;
  size: number;
  text: string;
  encoding: Encoding;
  /** The import this file was last uploaded as. */
  importId: string | null;
}

/** The server's default upload limit; bigger files go through the CLI. */
export const UPLOAD_LIMIT = 50 * 1024 * 1024;

export async function readCsvFile(file: File): Promise<CsvFile> {
  if (file.size > UPLOAD_LIMIT)
    throw new ApiError(
      413,
      'payload_too_large',
      `${file.name} is larger than 50 MB. Import it with the command line: tenure import <kind> "${file.name}".`,
    );
  if (file.size === 0) throw new ApiError(400, 'validation', `${file.name} is empty.`);
  const { text, encoding } = decodeCsv(new Uint8Array(await file.arrayBuffer()));
  return { name: file.name, size: file.size, text, encoding, importId: null };
}
