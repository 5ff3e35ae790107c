// @ts-check
/** Pure formatting helpers shared by the views: ages, quantities. */

/**
 * kubectl's human duration (the AGE column): "45s", "3m12s", "5h4m", "12d", "2y30d".
 * @param {number} ms
 * @returns {string}
 */
export function humanDuration(ms) {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (h < 24 * 365 * 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

/**
 * The age of an object from an RFC 3339 timestamp; "" without one.
 * @param {string | undefined} timestamp
 * @param {number} now epoch milliseconds
 */
export function age(timestamp, now) {
  if (!timestamp) return '';
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? '' : humanDuration(now - t);
}

const SUFFIXES = /** @type {Record<string, number>} */ ({
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
});

/**
 * A Kubernetes resource quantity ("250m", "4", "16Gi", "1e3") as a number; NaN when malformed.
 * @param {string | number | undefined} q
 */
export function parseQuantity(q) {
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec((q ?? '').trim());
  if (!m) return NaN;
  const factor = SUFFIXES[m[2] ?? ''];
  return factor === undefined ? NaN : Number(m[1]) * factor;
}

/**
 * CPU cores as people read them: "4", "1.5", "250m".
 * @param {string | undefined} q
 */
export function formatCpu(q) {
  const n = parseQuantity(q);
  if (Number.isNaN(n)) return q ?? '';
  return n < 1 ? `${Math.round(n * 1000)}m` : String(Math.round(n * 100) / 100);
}

/**
 * Bytes in binary units: "512 MiB", "15.5 GiB".
 * @param {string | undefined} q
 */
export function formatBytes(q) {
  let n = parseQuantity(q);
  if (Number.isNaN(n)) return q ?? '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n >= 100 || i === 0 ? Math.round(n) : Math.round(n * 10) / 10} ${units[i]}`;
}
