/**
 * Whether this machine can run onnxruntime's CUDA provider: it links the CUDA 12 runtime and
 * cuDNN 9 (onnxruntime 1.19 and later), which NVIDIA installs, not SplitReason. Looked up
 * where the dynamic loader looks: LD_LIBRARY_PATH, then the ldconfig cache.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CUDA_RUNTIME: { name: string; libraries: string[]; install: string }[] = [
  { name: 'the CUDA 12 runtime', libraries: ['libcudart.so.12', 'libcublas.so.12', 'libcublasLt.so.12'], install: "NVIDIA's CUDA 12 toolkit or runtime" },
  { name: 'cuDNN 9', libraries: ['libcudnn.so.9'], install: 'NVIDIA cuDNN 9 for CUDA 12' },
];

export interface LibrarySearch {
  /** folders of LD_LIBRARY_PATH and other explicit places */
  dirs: string[];
  /** `ldconfig -p` output */
  ldconfig: string;
}

export function currentLibrarySearch(env: NodeJS.ProcessEnv = process.env): LibrarySearch {
  let ldconfig = '';
  for (const bin of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    try {
      ldconfig = execFileSync(bin, ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      break;
    } catch {
      // try the next place
    }
  }
  return { dirs: (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ldconfig };
}

/** What is missing, one entry per component, or [] when everything is found. */
export function missingCudaRuntime(search: LibrarySearch): { name: string; missing: string[]; install: string }[] {
  const found = (lib: string) =>
    search.dirs.some((d) => existsSync(join(d, lib))) || new RegExp(`^\\s*${lib.replace(/\./g, '\\.')} `, 'm').test(search.ldconfig);
  return CUDA_RUNTIME.map((c) => ({ name: c.name, missing: c.libraries.filter((l) => !found(l)), install: c.install })).filter((c) => c.missing.length > 0);
}

/** One sentence for the user, or undefined when nothing is missing. */
export function missingRuntimeMessage(search: LibrarySearch): string | undefined {
  const missing = missingCudaRuntime(search);
  if (missing.length === 0) return undefined;
  const what = missing.map((m) => `${m.name} (${m.missing.join(', ')} not found; install ${m.install})`).join(' and ');
  return `This machine lacks ${what}: until it has them, SplitReason falls back to the CPU.`;
}
