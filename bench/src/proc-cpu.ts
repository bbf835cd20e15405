// CPU time of another process (Linux /proc): the figure the benchmarks compare optimisations with, because a shared
// machine's load disturbs it far less than wall-clock latency.
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Clock ticks of user + system CPU the process has used so far; `mainThread`: only its main thread (the JavaScript
 * event loop; leaves out worker threads, the GC's helpers and ZeroMQ's I/O thread).
 */
export function cpuTicks(pid: number, mainThread = false): number {
  const stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

/** µs per clock tick (USER_HZ = 100 on Linux). */
export const TICK_US = 10_000;

/** Clock ticks per thread name (`comm`: main thread = the process name, `ZMQbg/…`, `libuv-worker`, …). */
export function threadTicks(pid: number, byThread = false): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const key = byThread ? `${name}#${tid}` : name;
      out.set(key, (out.get(key) ?? 0) + Number(f[11]) + Number(f[12]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}
