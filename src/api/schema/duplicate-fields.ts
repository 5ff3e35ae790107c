/**
 * Duplicate JSON keys, which JSON.parse silently resolves (last wins) but Kubernetes
 * reports under fieldValidation=Strict|Warn as `duplicate field "metadata.name"`.
 * They are only visible in the request text, so this scans the text itself.
 */

/**
 * Paths of keys that occur more than once in the same JSON object, in the strict
 * decoder's form (`spec.containers[0].image`), in order of their second occurrence.
 * Never throws: on malformed JSON it returns what it found before the error (the
 * caller's JSON.parse reports the syntax error).
 */
export function duplicateFields(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const str = (): string | undefined => {
    if (text[i] !== '"') return undefined;
    i++;
    let s = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        const start = i;
        i += text[i + 1] === 'u' ? 6 : 2;
        try {
          s += JSON.parse(`"${text.slice(start, i)}"`) as string;
        } catch {
          return undefined;
        }
      } else s += text[i++];
    }
    if (text[i] !== '"') return undefined;
    i++;
    return s;
  };
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  // Iterative over an explicit stack would be safer for absurd depths; bound recursion instead.
  const value = (path: string, depth: number): boolean => {
    if (depth > 1000) return false;
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') return (i++, true);
      for (;;) {
        ws();
        const key = str();
        if (key === undefined) return false;
        if (seen.has(key)) out.push(join(path, key));
        seen.add(key);
        ws();
        if (text[i++] !== ':') return false;
        if (!value(join(path, key), depth + 1)) return false;
        ws();
        if (text[i] === ',') (i++);
        else if (text[i] === '}') return (i++, true);
        else return false;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return (i++, true);
      for (let n = 0; ; n++) {
        if (!value(`${path}[${n}]`, depth + 1)) return false;
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return (i++, true);
        else return false;
      }
    }
    if (c === '"') return str() !== undefined;
    // Numbers, true, false, null: skip to the next delimiter.
    const start = i;
    while (i < text.length && !',}] \n\r\t'.includes(text[i]!)) i++;
    return i > start;
  };
  value('', 0);
  return out;
}

/** The message Kubernetes uses for one duplicate field. */
export const duplicateFieldMessage = (path: string): string => `duplicate field ${JSON.stringify(path)}`;
