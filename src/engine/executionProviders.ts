/**
 * Which onnxruntime execution providers to try, in order (docs/ARCHITECTURE.md §3). Providers that
 * cannot work on this machine are skipped up front with a reason, so `auto` never tries a
 * CUDA library that is not installed or a software Vulkan adapter that is no GPU.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Device } from './types';

export type Provider = Exclude<Device, 'auto'>;

export interface ProviderPlan {
  order: Provider[];
  skipped: { provider: Provider; reason: string }[];
}

const AUTO_ORDER: Record<string, Provider[]> = {
  win32: ['dml', 'webgpu', 'cpu'],
  linux: ['cuda', 'webgpu', 'cpu'],
  darwin: ['coreml', 'webgpu', 'cpu'],
};

export interface Host {
  platform: NodeJS.Platform;
  /** folder of the libonnxruntime in use: onnxruntime loads provider libraries from there */
  ortBinDir?: string;
  vulkanIcdDirs?: string[];
}

/** @param failedSelfTest providers that failed `auto`'s self-test on this machine (selfTest.ts): skipped */
export function planProviders(device: Device, host: Host = currentHost(), failedSelfTest: readonly Provider[] = []): ProviderPlan {
  const skipped: ProviderPlan['skipped'] = [];
  if (device !== 'auto') return { order: device === 'cpu' ? ['cpu'] : [device, 'cpu'], skipped };
  const order: Provider[] = [];
  for (const p of AUTO_ORDER[host.platform] ?? ['cpu']) {
    const reason = p !== 'cpu' && failedSelfTest.includes(p) ? 'failed its self-test on this machine' : unavailable(p, host);
    if (reason) skipped.push({ provider: p, reason });
    else order.push(p);
  }
  if (!order.includes('cpu')) order.push('cpu');
  return { order, skipped };
}

function unavailable(p: Provider, host: Host): string | undefined {
  if (p === 'cuda' && !(host.ortBinDir && existsSync(join(host.ortBinDir, 'libonnxruntime_providers_cuda.so'))))
    return 'CUDA provider libraries are not installed (see README: CUDA)';
  if (p === 'webgpu' && host.platform === 'linux') {
    const icds = (host.vulkanIcdDirs ?? []).flatMap((d) => (existsSync(d) ? readdirSync(d) : []));
    if (icds.length === 0) return 'no Vulkan driver found (WebGPU on Linux runs on Vulkan)';
    if (icds.every(isSoftwareIcd)) return `only software Vulkan drivers found (${icds.join(', ')}): not a GPU`;
  }
  return undefined;
}

/** lavapipe and SwiftShader run Vulkan on the CPU: slower than onnxruntime's own CPU kernels. */
export function isSoftwareIcd(file: string): boolean {
  return /lvp|lavapipe|swiftshader/i.test(file);
}

/**
 * The environment for an engine process that loads onnxruntime from `dir`, a folder with a
 * copy of libonnxruntime.so.1 and provider libraries beside it (SplitReason: Enable CUDA
 * writes one): the dynamic loader searches LD_LIBRARY_PATH before the binding's RUNPATH
 * ($ORIGIN), so the process loads that copy, and onnxruntime then loads its providers from
 * `dir`. Set when the process starts; it cannot change later.
 */
export function ortLibraryEnv(dir: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, LD_LIBRARY_PATH: [dir, ...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)].join(':') };
}

/** On Linux, the folder of the libonnxruntime this process has loaded (ortLibraryEnv may have chosen it). */
function loadedOrtDir(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return /\s(\/\S*)\/libonnxruntime\.so[.\d]*$/m.exec(readFileSync('/proc/self/maps', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** onnxruntime-node's own binary folder for this platform. */
function packageOrtDir(): string | undefined {
  try {
    return join(dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

export function currentHost(): Host {
  const ortBinDir = loadedOrtDir() ?? packageOrtDir();
  const vulkanIcdDirs = [
    ...(process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES ?? '').split(':').filter(Boolean).map(dirname),
    '/usr/share/vulkan/icd.d',
    '/etc/vulkan/icd.d',
    '/usr/local/share/vulkan/icd.d',
  ];
  return { platform: process.platform, ortBinDir, vulkanIcdDirs };
}
