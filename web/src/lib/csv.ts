/** CSV the app writes for download (the portfolio, an import's bad rows). */

/** One CSV cell; text a spreadsheet would run as a formula (= + - @) gets a leading quote. */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Hand `text` to the browser as a CSV file download. */
export function downloadCsv(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
