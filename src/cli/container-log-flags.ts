import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseGoDuration } from '../apiserver/http/timeout.js';
import { parseQuantity } from '../machinery/quantity.js';
import {
  DEFAULT_CONTAINER_LOG_MAX_BYTES,
  DEFAULT_CONTAINER_LOG_MAX_FILES,
  DEFAULT_CONTAINER_LOG_MONITOR_INTERVAL_MS,
  type ContainerLogSettings,
} from '../kubelet/container-log-manager.js';

/**
 * The kubelet's container log rotation settings (containerLogMaxSize, containerLogMaxFiles,
 * containerLogMonitorInterval) as flags on `skiff up` and `skiff agent`, upstream's syntax
 * and defaults. They apply to both runtimes: cri through the kubelet's log manager, process
 * through its own log writer.
 */
export interface ContainerLogFlags {
  containerLogMaxSize: number;
  containerLogMaxFiles: number;
  containerLogMonitorInterval: number;
}

/** A quantity such as 10Mi or 500Ki, in bytes; negative turns rotation off (as upstream). */
export function parseLogMaxSize(v: string): number {
  try {
    return parseQuantity(v).value();
  } catch (err) {
    throw new InvalidArgumentError(`must be a quantity such as 10Mi or 500Ki: ${(err as Error).message}`);
  }
}

export function parseLogMaxFiles(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 2) throw new InvalidArgumentError('must be a whole number greater than 1 (the live file is one of them).');
  return Number(v);
}

function positiveDuration(v: string): number {
  const ms = parseGoDuration(v);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('must be a positive duration such as 10s or 500ms.');
  return ms;
}

export function addContainerLogOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--container-log-max-size <quantity>', 'a container log file at least this big is rotated (negative: never)').argParser(parseLogMaxSize).default(DEFAULT_CONTAINER_LOG_MAX_BYTES, '10Mi'))
    .option('--container-log-max-files <n>', 'the most log files kept per container, the live one included (with cri, older rotated files are gzipped)', parseLogMaxFiles, DEFAULT_CONTAINER_LOG_MAX_FILES)
    .addOption(new Option('--container-log-monitor-interval <duration>', 'how often container log sizes are checked (cri runtime)').argParser(positiveDuration).default(DEFAULT_CONTAINER_LOG_MONITOR_INTERVAL_MS, '10s'));
}

export function containerLogSettings(f: ContainerLogFlags): ContainerLogSettings {
  return { maxBytes: f.containerLogMaxSize, maxFiles: f.containerLogMaxFiles, monitorIntervalMs: f.containerLogMonitorInterval };
}
