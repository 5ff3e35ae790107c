/** A metav1.MicroTime string (RFC 3339 with microseconds, UTC) for a millisecond timestamp. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** A metav1.Time string (RFC 3339, second precision, UTC). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
