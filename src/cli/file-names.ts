/** `2026-11-28T01-29-16` — a timestamp safe in file names on every OS, sortable. */
export function timestampForFile(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/:/g, '-');
}
