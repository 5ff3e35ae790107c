/**
 * Eviction thresholds as the kubelet's flags state them (`--eviction-hard`,
 * `--eviction-soft`, `--eviction-soft-grace-period`, `--eviction-minimum-reclaim`),
 * parsed and checked with upstream's rules and error texts (pkg/kubelet/eviction helpers).
 */
import { Quantity } from '../../machinery/quantity.js';
import { parseGoDuration } from '../../apiserver/http/timeout.js';

/** The signals this kubelet observes; each maps to a node condition and a resource to reclaim. */
export const SIGNALS = ['memory.available', 'nodefs.available', 'nodefs.inodesFree', 'imagefs.available', 'imagefs.inodesFree', 'pid.available'] as const;
export type Signal = (typeof SIGNALS)[number];

export type PressureCondition = 'MemoryPressure' | 'DiskPressure' | 'PIDPressure';
/** What a signal's pressure is reported as, and what evicting a pod frees. */
export const SIGNAL_CONDITION: Record<Signal, PressureCondition> = {
  'memory.available': 'MemoryPressure',
  'nodefs.available': 'DiskPressure',
  'nodefs.inodesFree': 'DiskPressure',
  'imagefs.available': 'DiskPressure',
  'imagefs.inodesFree': 'DiskPressure',
  'pid.available': 'PIDPressure',
};
export type ReclaimResource = 'memory' | 'ephemeral-storage' | 'inodes' | 'pids';
export const SIGNAL_RESOURCE: Record<Signal, ReclaimResource> = {
  'memory.available': 'memory',
  'nodefs.available': 'ephemeral-storage',
  'nodefs.inodesFree': 'inodes',
  'imagefs.available': 'ephemeral-storage',
  'imagefs.inodesFree': 'inodes',
  'pid.available': 'pids',
};

/** An absolute quantity, or a fraction (0..1) of the signal's capacity. */
export type ThresholdValue = { quantity: Quantity } | { percentage: number };

export interface Threshold {
  signal: Signal;
  /** Every signal's operator is "LessThan" (available below the value). */
  value: ThresholdValue;
  /** 0 for hard thresholds; a soft one must hold this long before it evicts. */
  gracePeriodMs: number;
  minReclaim?: ThresholdValue;
}

/** A threshold flag that cannot be used: the message is upstream's. */
export class ThresholdError extends Error {}

/** Upstream's defaults for --eviction-hard on Linux. */
export const DEFAULT_EVICTION_HARD = 'memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%,imagefs.available<15%';

const isSignal = (s: string): s is Signal => (SIGNALS as readonly string[]).includes(s);

function signalOf(s: string): Signal {
  if (!isSignal(s)) throw new ThresholdError(`unsupported eviction signal ${s}`);
  return s;
}

/**
 * `k<v,k<v` (sep '<', the hard/soft flags) or `k=v,k=v` (sep '=', grace periods and
 * minimum reclaims) into a map; a later key replaces an earlier one, as a Go map does.
 */
export function parseStatementMap(text: string, sep: '<' | '='): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf(sep);
    if (i <= 0) throw new ThresholdError(sep === '<' ? `malformed pair, expect string<string: ${JSON.stringify(part)}` : `malformed pair, expect string=string: ${JSON.stringify(part)}`);
    out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

/** Go's strconv.ParseFloat(…, 32) / 100 as float32, as upstream's parsePercentage. */
function parsePercentage(text: string): number {
  const body = text.replace(/%+$/, '');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(body)) throw new ThresholdError(`strconv.ParseFloat: parsing ${JSON.stringify(body)}: invalid syntax`);
  return Math.fround(Math.fround(Number(body)) / 100);
}

function parseQuantity(text: string): Quantity {
  try {
    return Quantity.parse(text);
  } catch (err) {
    throw new ThresholdError((err as Error).message);
  }
}

/** One `signal<value` statement; undefined for 0% and 100%, which upstream ignores. */
export function parseThresholdStatement(signalText: string, val: string): Threshold | undefined {
  const signal = signalOf(signalText);
  if (val.endsWith('%')) {
    if (val === '0%' || val === '100%') return undefined;
    const percentage = parsePercentage(val);
    if (percentage < 0) throw new ThresholdError(`eviction percentage threshold ${signal} must be >= 0%: ${val}`);
    if (percentage > 1) throw new ThresholdError(`eviction percentage threshold ${signal} must be <= 100%: ${val}`);
    return { signal, value: { percentage }, gracePeriodMs: 0 };
  }
  const quantity = parseQuantity(val);
  if (quantity.sign() <= 0) throw new ThresholdError(`eviction threshold ${signal} must be positive: ${quantity.toString()}`);
  return { signal, value: { quantity }, gracePeriodMs: 0 };
}

function parseMinimumReclaim(signal: Signal, val: string): ThresholdValue {
  if (val.endsWith('%')) {
    const percentage = parsePercentage(val);
    if (percentage <= 0) throw new ThresholdError(`eviction percentage minimum reclaim ${signal} must be positive: ${val}`);
    return { percentage };
  }
  const quantity = parseQuantity(val);
  if (quantity.sign() < 0) throw new ThresholdError(`negative eviction minimum reclaim specified for ${signal}`);
  return { quantity };
}

function parseGracePeriod(val: string): number {
  const ms = parseGoDuration(val);
  if (ms === undefined) throw new ThresholdError(`time: invalid duration ${JSON.stringify(val)}`);
  if (ms < 0) throw new ThresholdError(`invalid eviction grace period specified: ${val}, must be a positive value`);
  return ms;
}

export interface ThresholdFlags {
  hard?: string;
  soft?: string;
  softGracePeriod?: string;
  minimumReclaim?: string;
}

/**
 * The thresholds the flags ask for, as upstream's ParseThresholdConfig: hard ones (flag
 * absent: the defaults), then soft ones, each of which needs a grace period; minimum
 * reclaims attach to every threshold of their signal. Throws ThresholdError.
 */
export function parseThresholdConfig(flags: ThresholdFlags): Threshold[] {
  const statements = (text: string | undefined): Threshold[] =>
    [...parseStatementMap(text ?? '', '<')].map(([k, v]) => parseThresholdStatement(k, v)).filter((t): t is Threshold => t !== undefined);
  const hard = statements(flags.hard ?? DEFAULT_EVICTION_HARD);
  const soft = statements(flags.soft);
  const graces = new Map<Signal, number>();
  for (const [k, v] of parseStatementMap(flags.softGracePeriod ?? '', '=')) graces.set(signalOf(k), parseGracePeriod(v));
  const reclaims = new Map<Signal, ThresholdValue>();
  for (const [k, v] of parseStatementMap(flags.minimumReclaim ?? '', '=')) {
    const s = signalOf(k);
    reclaims.set(s, parseMinimumReclaim(s, v));
  }
  for (const t of soft) {
    const g = graces.get(t.signal);
    if (g === undefined) throw new ThresholdError(`grace period must be specified for the soft eviction threshold ${t.signal}`);
    t.gracePeriodMs = g;
  }
  const all = [...hard, ...soft];
  for (const t of all) {
    const r = reclaims.get(t.signal);
    if (r) t.minReclaim = r;
  }
  return all;
}

/**
 * The threshold's value in the signal's units, given its capacity (upstream's
 * GetThresholdQuantity: a percentage is capacity × fraction, truncated, in bytes).
 */
export function thresholdQuantity(value: ThresholdValue, capacity: Quantity): Quantity {
  if ('quantity' in value) return value.quantity;
  return Quantity.fromValue(BigInt(Math.trunc(capacity.value() * value.percentage)), 'BinarySI');
}

/** A threshold as a log line shows it. */
export function describeThreshold(t: Threshold): string {
  const v = 'quantity' in t.value ? t.value.quantity.toString() : `${+(t.value.percentage * 100).toPrecision(6)}%`;
  return `${t.signal}<${v}${t.gracePeriodMs ? ` (grace ${t.gracePeriodMs / 1000}s)` : ''}`;
}
