#!/usr/bin/env bash
# Issue 12 on the GPU machine, in one visit (about 6 minutes). From the project's root:
#   TESSERA_KIT_JNI=0 bash .device/on-device.sh 'bash .device/check1.sh'
# Needs: the packed jars (.device/payload.tar.xz, built from this branch), MNIST's IDX files in
# .device/mnist/ (train-images-idx3-ubyte.gz and t10k-images-idx3-ubyte.gz, about 11.5 MB), $OUT.
# Writes at most 8 files to $OUT: summary.txt, setup.log, demo.log, mnist.log, speed.md,
# fontless.log, artifacts.tar.gz, and jni-build.log when the JNI build fails.
set -uo pipefail
D=${D:?run this through .device/on-device.sh, which unpacks the payload and sets D}
OUT=${OUT:-/tmp/device-out}
MNIST=${MNIST:-.device/mnist}
W=/tmp/gpu-check
mkdir -p "$OUT" "$W"
SUMMARY=$OUT/summary.txt
START=$(date +%s)
: > "$SUMMARY"

# step NAME LOG TIMEOUT COMMAND... : runs COMMAND with a time limit, logs it, records rc and time.
step() {
  local name=$1 log=$2 limit=$3; shift 3
  local t0=$(date +%s)
  { echo "\$ $*"; timeout "$limit" "$@"; } >> "$log" 2>&1
  local rc=$?
  echo "$name: rc=$rc, $(( $(date +%s) - t0 )) s" | tee -a "$SUMMARY" >&2
  return $rc
}
elapsed() { echo $(( $(date +%s) - START )); }

{
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))'
} >> "$OUT/setup.log" 2>&1

# 1. The GPU route: no environment variables, the JNI built by gpu-setup (the kit's JNI step is
# skipped with TESSERA_KIT_JNI=0; kit_jni is the fallback).
unset PYTORCH_LIBRARY_PATH PYTORCH_VERSION PYTORCH_FLAVOR
CONF=${XDG_CONFIG_HOME:-$HOME/.config}/tessera/gpu.properties
if ! step gpu-setup "$OUT/setup.log" 150 tessera gpu-setup --djl-source "$D/djl-native"; then
  tail -n 40 "${XDG_CACHE_HOME:-$HOME/.cache}"/tessera/djl-jni/*/*.log > "$OUT/jni-build.log" 2>&1
  echo "gpu-setup failed: the other steps use the kit's JNI and PYTORCH_* variables" | tee -a "$SUMMARY"
  rm -f "$CONF"
  kit_jni
fi
cat "$CONF" >> "$OUT/setup.log" 2>&1
ls -la "$D"/djl-cache/pytorch/*/ >> "$OUT/setup.log" 2>&1
step gpu-setup-check "$OUT/setup.log" 60 tessera gpu-setup --check

# 2. The demo on the GPU: trains 800 steps, exports with the CPU reference check, serves, exits 0.
step demo "$OUT/demo.log" 150 tessera demo --device gpu --out "$W/demo"

# 3. MNIST on the GPU with the export check, K = 512, one epoch of batch 64.
step mnist "$OUT/mnist.log" 150 tessera train --data "$MNIST" --device gpu --codebook-size 512 \
  --epochs 1 --out "$W/mnist" --overwrite

# 4. Speed: Tessera vs PyTorch eager on the same GPU, demo architecture on MNIST, K = 512.
step speed "$OUT/speed.md" 150 tessera __main dev.tessera.train.bench.TrainSpeedBenchmark \
  --data "$MNIST" --device gpu --batches 64,256 --warmup-steps 10 --steps 50 --repeats 3 --profile
# The larger configuration of issue 11 (conv, width 128, two residual blocks), if time is left.
if [ "$(elapsed)" -lt 270 ]; then
  step speed-large "$OUT/speed.md" 100 tessera __main dev.tessera.train.bench.TrainSpeedBenchmark \
    --data "$MNIST" --device gpu --batches 64,256 --warmup-steps 10 --steps 30 --repeats 2 \
    --width 128 --residual-blocks 2
fi

# 5. A machine without fonts: the report is still written, with the fonts the jar carries.
step fontless "$OUT/fontless.log" 90 env TESSERA_DEVICE_FONTS=0 tessera train --device gpu \
  --steps 200 --out "$W/fontless" --overwrite
ls -la "$W/fontless" >> "$OUT/fontless.log" 2>&1

tar -czf "$OUT/artifacts.tar.gz" -C "$W" --ignore-failed-read \
  demo/tokenizer/tessera.json demo/tokenizer/report.html demo/tokenizer/loss.png \
  mnist/tessera.json mnist/report.html mnist/loss.png mnist/reconstructions.png \
  fontless/tessera.json fontless/report.html fontless/loss.png 2>/dev/null
echo "total: $(elapsed) s" | tee -a "$SUMMARY" >&2
