/**
 * HTTP content negotiation for the non-resource endpoints (discovery), following the
 * Accept header precisely: media ranges are tried by descending q (ties in header order),
 * and a range matches an offer only if every parameter it names (other than q) agrees.
 */

export interface MediaRange {
  type: string;
  subtype: string;
  params: Record<string, string>;
  q: number;
}

/** Parses an Accept header; unparsable ranges are skipped. Absent header = `*\/*`. */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (header === undefined || header.trim() === '') return [{ type: '*', subtype: '*', params: {}, q: 1 }];
  const out: Array<MediaRange & { i: number }> = [];
  header.split(',').forEach((raw, i) => {
    const [mt, ...ps] = raw.split(';').map((s) => s.trim());
    const m = /^([\w.+*-]+)\/([\w.+*@-]+)$/.exec(mt ?? '');
    if (!m) return;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of ps) {
      const eq = p.indexOf('=');
      if (eq <= 0) continue;
      const k = p.slice(0, eq).trim().toLowerCase();
      const v = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      if (k === 'q') q = Number.isFinite(Number(v)) ? Number(v) : 0;
      else params[k] = v;
    }
    if (q > 0) out.push({ type: (m[1] as string).toLowerCase(), subtype: (m[2] as string).toLowerCase(), params, q, i });
  });
  return out.sort((a, b) => b.q - a.q || a.i - b.i).map(({ i: _i, ...r }) => r);
}

/** An offered representation: a media type plus the parameters that identify it. */
export interface Offer<T> {
  type: string;
  subtype: string;
  params: Record<string, string>;
  value: T;
}

/**
 * The offer the client prefers, or undefined (the caller answers 406). A range with
 * parameters (`g`, `v`, `as`…) only matches an offer carrying the same parameters; a range
 * without parameters matches only offers without them (so `application/json` asks for
 * the legacy document, not the aggregated one). Wildcards match plain offers.
 */
export function negotiate<T>(accept: readonly MediaRange[], offers: readonly Offer<T>[]): T | undefined {
  for (const r of accept) {
    for (const o of offers) {
      if (r.type !== '*' && r.type !== o.type) continue;
      if (r.subtype !== '*' && r.subtype !== o.subtype) continue;
      const rk = Object.keys(r.params).filter((k) => k !== 'charset');
      const ok = Object.keys(o.params);
      if (rk.length !== ok.length) continue;
      if (rk.every((k) => o.params[k] === r.params[k])) return o.value;
    }
  }
  return undefined;
}
