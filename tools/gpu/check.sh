#!/usr/bin/env bash
# The GPU check (issues 10 and 11), one call on the lent machine: the engine's and the toy pair's
# tests on a GPU execution provider, the engine benchmark there (engine vs transformers.js vs a bare
# session.run loop), and the 1.5B-shaped model written, converted (int4 head) and benchmarked.
# The conversion needs only CPUs, so it starts first, in the background, while the tests use the GPU.
# Payload (tools/gpu/pack.sh) carried in .gpu/: node.xz, nm.tar.xz (node_modules, Linux x64 only)
# and .gl/ (the Vulkan loader). Usage (device tool: carry .gpu, .gl and dist, after npm run build here, so
# that the benchmarks time the built engine process rather than tsx compiling it): bash tools/gpu/check.sh [webgpu|cpu]
# Env: BENCH (devices for the small/mid benchmark; empty skips), B15 (1.5B dtypes; empty skips),
# DEADLINE (seconds the whole check may take; each stage's timeout is cut to fit).
set -u
DEV=${1:-webgpu}
BENCH=${BENCH-$DEV}
B15=${B15-q4f16}
DEADLINE=${DEADLINE:-520}
OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT" /tmp/nodebin node_modules
t0=$(date +%s)
say() { echo "[check $(( $(date +%s) - t0 ))s] $*" | tee -a "$OUT/summary.txt"; }
# a stage's timeout: what it asks for, or what is left before the deadline if that is less
left() { local l=$(( DEADLINE - ($(date +%s) - t0) )); [ "$l" -lt "$1" ] && echo $(( l > 5 ? l : 5 )) || echo "$1"; }
xz -dc .gpu/node.xz > /tmp/nodebin/node && chmod +x /tmp/nodebin/node
export PATH=/tmp/nodebin:$PATH
tar -xJf .gpu/nm.tar.xz -C node_modules
if [ -d .gl ] && [ "$DEV" = webgpu ]; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  if [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
    export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  fi
fi
say "node $(node -v); device $DEV; $(nvidia-smi -L 2>/dev/null | head -1); $(nproc) cores"
say "vulkan: $(ldconfig -p | grep -c libvulkan) loader(s); VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}"

CONV=
if [ -n "$B15" ]; then
  # shellcheck disable=SC2086
  node --import tsx tools/gpu/convert15b.ts $B15 > "$OUT/convert15b.log" 2>&1 &
  CONV=$!
fi

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
SPLITREASON_TEST_DEVICE=$DEV timeout "$(left "${T_ENGINE:-90}")" node scripts/test.mjs test/engine > "$OUT/tests-engine-$DEV.log" 2>&1
say "engine tests rc=$? $(grep -E '^ℹ (tests|pass|fail)' "$OUT/tests-engine-$DEV.log" | tr '\n' ' ')"
grep -E '✖' "$OUT/tests-engine-$DEV.log" | head -20

for d in $BENCH; do
  timeout "$(left "${T_BENCH:-120}")" node --import tsx bench/engine.bench.ts --device "$d" --repeats 2 small mid > "$OUT/bench-$d.log" 2>&1
  say "bench $d rc=$?"
  grep -v 'W:onnxruntime' "$OUT/bench-$d.log"
done

say "toy tests with SPLITREASON_TEST_DEVICE=$DEV"
SPLITREASON_TEST_DEVICE=$DEV timeout "$(left "${T_TOY:-140}")" node scripts/test.mjs ${TOY_TESTS:-test/toy} > "$OUT/tests-toy-$DEV.log" 2>&1
say "toy tests rc=$? $(grep -E '^ℹ (tests|pass|fail)' "$OUT/tests-toy-$DEV.log" | tr '\n' ' ')"
grep -v 'W:onnxruntime' "$OUT/tests-toy-$DEV.log" | grep -E '✔|✖|ℹ' | head -30

if [ -n "$CONV" ]; then
  # the conversion gets what is left of the deadline, less a minute for the benchmark
  w=$(( DEADLINE - 60 - ($(date +%s) - t0) ))
  while kill -0 "$CONV" 2>/dev/null && [ "$w" -gt 0 ]; do sleep 2; w=$(( w - 2 )); done
  kill "$CONV" 2>/dev/null && say "1.5B conversion still running at the deadline: killed"
  wait "$CONV"; say "1.5B conversion rc=$?"; tail -4 "$OUT/convert15b.log"
  for d in $B15; do
    timeout "$(left 150)" node --import tsx bench/engine.bench.ts --device "$DEV" --dtype "$d" --repeats 1 1.5b >> "$OUT/bench15b.log" 2>&1
    say "bench 1.5b $d on $DEV rc=$?"
  done
  grep -v 'W:onnxruntime' "$OUT/bench15b.log"
  SPLITREASON_HEAVY_TESTS=1 SPLITREASON_TEST_DEVICE=$DEV timeout "$(left 90)" \
    node scripts/test.mjs test/convert/qwen15b.test.ts > "$OUT/tests-15b-$DEV.log" 2>&1
  say "1.5B greedy test on $DEV rc=$? $(grep -E '^ℹ (pass|fail)' "$OUT/tests-15b-$DEV.log" | tr '\n' ' ')"
  grep -E '^(engine|transformers.js):|greedy tokens' "$OUT/tests-15b-$DEV.log"
fi
say done
