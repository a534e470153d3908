/** Resident memory of a process and its descendants from /proc (Linux; elsewhere this process only). */
import { existsSync, readFileSync, readdirSync } from 'node:fs';

export interface ProcMemory {
  /** bytes resident now */
  rss: number;
  /** bytes resident at most so far (VmHWM) */
  hwm: number;
}

export function procMemory(pid: number): ProcMemory | undefined {
  if (!existsSync('/proc/self/status')) {
    return pid === process.pid ? { rss: process.memoryUsage().rss, hwm: process.resourceUsage().maxRSS * 1024 } : undefined;
  }
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined; // it exited
  }
}

/** Children, grandchildren, …: the engine may run in a child process. */
export function descendants(pid: number): number[] {
  if (!existsSync('/proc/self/stat')) return [];
  const parent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // the command name may hold spaces or parentheses: the ppid is the 2nd field after the last ')'
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(ppid, [...(parent.get(ppid) ?? []), Number(name)]);
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const todo = [pid];
  while (todo.length) {
    for (const c of parent.get(todo.pop()!) ?? []) {
      out.push(c);
      todo.push(c);
    }
  }
  return out;
}
