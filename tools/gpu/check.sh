#!/usr/bin/env bash
# The GPU check (issue 2): the engine's and the toy pair's tests with a GPU execution provider,
# then the engine benchmark on that provider and on the CPU, on the lent machine.
# Payload (tools/gpu/pack.sh) carried in .gpu/: node.xz, nm.tar.xz (node_modules, Linux x64 only)
# and .gl/ (the Vulkan loader). Usage (device tool: carry .gpu and .gl): bash tools/gpu/check.sh [webgpu|cpu]
set -u
DEV=${1:-webgpu}
BENCH=${BENCH-$DEV cpu}  # BENCH= (empty) skips the benchmark
OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT" /tmp/nodebin node_modules
t0=$(date +%s)
say() { echo "[check $(( $(date +%s) - t0 ))s] $*" | tee -a "$OUT/summary.txt"; }
xz -dc .gpu/node.xz > /tmp/nodebin/node && chmod +x /tmp/nodebin/node
export PATH=/tmp/nodebin:$PATH
tar -xJf .gpu/nm.tar.xz -C node_modules
if [ -d .gl ] && [ "$DEV" = webgpu ]; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  if [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
    export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  fi
fi
say "node $(node -v); device $DEV; $(nvidia-smi -L 2>/dev/null | head -1)"
say "vulkan: $(ldconfig -p | grep -c libvulkan) loader(s); VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}"

# one load first: if the provider cannot start, its reason is the first thing in the log
cat > probe.ts <<'EOF'
import { LocalModel } from './src/engine';
(async () => {
  const log: string[] = [];
  const m = await LocalModel.load('models/toy-small', { device: process.argv[2] as never, log: (l) => log.push(l) });
  console.log(`probe: asked ${process.argv[2]}, got ${m.device}\n${log.join('\n')}`);
  await m.dispose();
})();
EOF
timeout 60 node --import tsx probe.ts "$DEV" 2>&1 | tee "$OUT/probe.log"
rm -f probe.ts

say "engine tests with SPLITREASON_TEST_DEVICE=$DEV"
SPLITREASON_TEST_DEVICE=$DEV timeout ${T_ENGINE:-90} node scripts/test.mjs test/engine > "$OUT/tests-engine-$DEV.log" 2>&1
say "engine tests rc=$? $(grep -E '^ℹ (tests|pass|fail)' "$OUT/tests-engine-$DEV.log" | tr '\n' ' ')"
grep -E '✖' "$OUT/tests-engine-$DEV.log" | head -20

for d in $BENCH; do
  timeout ${T_BENCH:-120} node --import tsx bench/engine.bench.ts --device "$d" small mid > "$OUT/bench-$d.log" 2>&1
  say "bench $d rc=$?"
  grep -v 'W:onnxruntime' "$OUT/bench-$d.log"
done

say "toy tests with SPLITREASON_TEST_DEVICE=$DEV"
SPLITREASON_TEST_DEVICE=$DEV timeout ${T_TOY:-140} node scripts/test.mjs ${TOY_TESTS:-test/toy} > "$OUT/tests-toy-$DEV.log" 2>&1
say "toy tests rc=$? $(grep -E '^ℹ (tests|pass|fail)' "$OUT/tests-toy-$DEV.log" | tr '\n' ' ')"
grep -v 'W:onnxruntime' "$OUT/tests-toy-$DEV.log" | grep -E '✔|✖|ℹ' | head -30
say done
