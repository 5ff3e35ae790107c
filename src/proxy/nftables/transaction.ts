import { TABLE, type Ruleset } from './render.js';

/**
 * The `nft -f -` input that turns the table into `next`, as one atomic transaction.
 *
 * Without `prev` (first sync, or after a failed apply) the table is deleted and made anew,
 * which also clears whatever a crashed earlier run left. With `prev` (what the last
 * successful apply installed) the table is flushed instead — every rule goes, but sets
 * keep their elements, so ClientIP affinity survives unrelated changes — and the chains
 * and sets that are no longer wanted are deleted. A set whose declaration changed (its
 * timeout) cannot be redeclared in place: that case falls back to a full re-creation.
 */
export function transactionText(next: Ruleset, prev?: Ruleset): string {
  const t = `ip ${TABLE}`;
  const lines = [`add table ${t}`];
  const setChanged = prev && [...next.sets].some(([name, decl]) => prev.sets.has(name) && prev.sets.get(name)!.join('\n') !== decl.join('\n'));
  if (!prev || setChanged) {
    lines.push(`delete table ${t}`);
  } else {
    lines.push(`flush table ${t}`);
    for (const name of prev.chains.keys()) if (!next.chains.has(name)) lines.push(`delete chain ${t} ${name}`);
    for (const name of prev.sets.keys()) if (!next.sets.has(name)) lines.push(`delete set ${t} ${name}`);
  }
  lines.push(`table ${t} {`);
  for (const [name, decl] of next.sets) lines.push(`\tset ${name} {`, ...decl.map((l) => `\t\t${l}`), '\t}');
  for (const [name, rules] of next.chains) lines.push(`\tchain ${name} {`, ...rules.map((l) => `\t\t${l}`), '\t}');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Removes skiff's table (and only it); succeeds when there is none. */
export function deleteTableText(): string {
  return `add table ip ${TABLE}\ndelete table ip ${TABLE}\n`;
}
