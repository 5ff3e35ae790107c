import type { UserInfo } from '../types.js';

/**
 * Parses a static token file in kube-apiserver's `--token-auth-file` form, one CSV record
 * per line: `token,user,uid[,"group1,group2"]`. Blank lines are skipped. Throws with the
 * line number on a record with fewer than 3 columns, an empty token or user, or bad quoting.
 */
export function parseTokenFile(text: string): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const rec = parseCsvLine(line, i + 1);
    if (rec.length < 3) throw new Error(`token file line ${i + 1}: must have at least 3 columns (token, user name, user uid), found ${rec.length}`);
    const [token, name, uid, groups] = rec as [string, string, string, string | undefined];
    if (token === '') throw new Error(`token file line ${i + 1}: empty token`);
    if (name === '') throw new Error(`token file line ${i + 1}: empty user name`);
    const user: UserInfo = {
      name,
      ...(uid ? { uid } : {}),
      groups: groups ? groups.split(',').map((g) => g.trim()).filter(Boolean) : [],
    };
    tokens.set(token, user);
  });
  return tokens;
}

/** RFC 4180 fields of one line (quotes may hold commas; "" is a literal quote). */
function parseCsvLine(line: string, lineNo: number): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`token file line ${lineNo}: unterminated quoted field`);
        const c = line[i] as string;
        if (c === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += c;
        i++;
      }
      if (i < line.length && line[i] !== ',') throw new Error(`token file line ${lineNo}: extraneous text after a quoted field`);
    } else {
      const end = line.indexOf(',', i);
      field = end < 0 ? line.slice(i) : line.slice(i, end);
      if (field.includes('"')) throw new Error(`token file line ${lineNo}: bare quote in a field`);
      i = end < 0 ? line.length : end;
    }
    out.push(field.trim());
    if (i >= line.length) return out;
    i++; // the comma
  }
}
