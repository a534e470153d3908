/**
 * Where onnxruntime's CUDA provider comes from: the NuGet package that onnxruntime-node's own
 * install script downloads (node_modules/onnxruntime-node/script/install-metadata.js:
 * package Microsoft.ML.OnnxRuntime.Gpu.Linux, the same version as onnxruntime-node, from
 * nuget.org's v3 feed; the files runtimes/linux-x64/native/libonnxruntime_providers_{cuda,
 * shared}.so placed beside libonnxruntime). test/vscode/cudaInstall.test.ts checks these
 * names against that file. Resolved through the feed's service index the way NuGet clients
 * do, plus the registration's catalog entry for the package's size and SHA-512.
 */
export const DEFAULT_FEED = 'https://api.nuget.org/v3/index.json';
export const CUDA_PACKAGE_ID = 'Microsoft.ML.OnnxRuntime.Gpu.Linux';
/** file name beside libonnxruntime → path inside the package */
export const CUDA_FILES: Record<string, string> = {
  'libonnxruntime_providers_cuda.so': 'runtimes/linux-x64/native/libonnxruntime_providers_cuda.so',
  'libonnxruntime_providers_shared.so': 'runtimes/linux-x64/native/libonnxruntime_providers_shared.so',
};

export interface ResolvedPackage {
  url: string;
  size: number;
  /** base64, as NuGet's catalog gives it */
  sha512: string;
}

async function getJson(url: string, what: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'follow' });
  } catch (e) {
    const cause = (e as Error & { cause?: Error }).cause;
    throw new Error(`cannot reach ${url} for ${what}: ${cause?.message ?? (e as Error).message}. Check the network connection (or proxy) to the NuGet feed.`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`${url} (${what}) answered HTTP ${res.status}${res.status === 404 ? ': the feed has no such package or version' : ''}`);
  }
  try {
    return (await res.json()) as Record<string, unknown>;
  } catch {
    throw new Error(`${url} (${what}) is not JSON: is the feed URL a NuGet v3 service index?`);
  }
}

const withSlash = (u: string) => (u.endsWith('/') ? u : `${u}/`);

/** The package's download URL, size and SHA-512 for this onnxruntime-node version. */
export async function resolveCudaPackage(feed: string, version: string, signal?: AbortSignal): Promise<ResolvedPackage> {
  const index = await getJson(feed, 'the NuGet service index', signal);
  const resources = (Array.isArray(index.resources) ? index.resources : []) as { '@id'?: string; '@type'?: string }[];
  const find = (prefix: string) => resources.find((r) => r['@type']?.startsWith(prefix) && r['@id'])?.['@id'];
  const base = find('PackageBaseAddress/3.0.0');
  const registrations = find('RegistrationsBaseUrl');
  if (!base || !registrations) throw new Error(`${feed} lists no PackageBaseAddress or RegistrationsBaseUrl: it is not a NuGet v3 feed`);
  const id = CUDA_PACKAGE_ID.toLowerCase();
  const ver = version.toLowerCase();
  const leaf = await getJson(`${withSlash(registrations)}${id}/${ver}.json`, `${CUDA_PACKAGE_ID} ${version}`, signal);
  const entryUrl = typeof leaf.catalogEntry === 'string' ? leaf.catalogEntry : undefined;
  if (!entryUrl) throw new Error(`${CUDA_PACKAGE_ID} ${version}: the registration has no catalog entry`);
  const entry = await getJson(entryUrl, `${CUDA_PACKAGE_ID} ${version}'s catalog entry`, signal);
  const { packageHash, packageHashAlgorithm, packageSize } = entry as { packageHash?: unknown; packageHashAlgorithm?: unknown; packageSize?: unknown };
  if (packageHashAlgorithm !== 'SHA512' || typeof packageHash !== 'string' || typeof packageSize !== 'number') {
    throw new Error(`${CUDA_PACKAGE_ID} ${version}: the catalog entry gives no SHA-512 and size, so the download could not be checked`);
  }
  return { url: `${withSlash(base)}${id}/${ver}/${id}.${ver}.nupkg`, size: packageSize, sha512: packageHash };
}
