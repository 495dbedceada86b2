#!/usr/bin/env bash
# Runs on the GPU machine, from the project's root: `bash .device/on-device.sh COMMAND...`.
# Unpacks .device/payload.tar.xz once, builds DJL's JNI against this machine's libtorch once
# (about 30 s on 16 cores) and points DJL at that libtorch through PYTORCH_* variables (unless
# TESSERA_KIT_JNI=0), puts a `tessera` command on the PATH that runs the packed jars with the
# packed Java, then runs COMMAND (through bash -c).
#
#   tessera train --device gpu ...        like ./tessera, but never builds (no Maven there)
#   tessera __main CLASS ARGS...          any main class on the examples jar's class path
#   tessera-test MODULE SELECTOR...       JUnit console launcher over a module's test-classes,
#                                         e.g. tessera-test tokenizer-train --select-class dev.tessera.train.export.TokenizerGraphsTest
# Environment: TESSERA_KIT_JNI=0 skips the kit's JNI build and PYTORCH_* variables, leaving both to
# `tessera gpu-setup` (the product's route; kit_jni stays available as a fallback);
# TESSERA_DEVICE_FONTS=0 runs Java without the packed font kit (to check what the product does on a
# machine with no fonts); TESSERA_JAVA_OPTS adds JVM options; TESSERA_DEVICE_DIR is where the
# payload is unpacked (default /tmp/tessera-device).
set -euo pipefail
ROOT=$(pwd)
D=${TESSERA_DEVICE_DIR:-/tmp/tessera-device}
if [ ! -x "$D/jre/bin/java" ]; then
  mkdir -p "$D" && tar -xJf "$ROOT/.device/payload.tar.xz" -C "$D"
fi
TORCH_LIB=$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__) + "/lib")')
CUDA=$(python3 -c 'import torch; print((torch.version.cuda or "").replace(".", ""))')
# The kit's own JNI build (into torch/lib) and environment; TESSERA_KIT_JNI=0 leaves both to
# `tessera gpu-setup` (the product's route). kit_jni is exported for a fallback.
kit_jni() {
  if [ ! -f "$TORCH_LIB/0.35.1-libdjl_torch.so" ]; then
    N="$D/djl-native/engines/pytorch/pytorch-native"
    echo "on-device: building DJL's JNI against $(python3 -c 'import torch; print(torch.__version__)')" >&2
    (cd "$N/build" && JAVA_HOME="$D/jre" cmake -DCMAKE_BUILD_TYPE=Release -DUSE_CUDA=1 \
        -DCMAKE_PREFIX_PATH="$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')" .. > "$D/cmake.log" 2>&1 \
      && make -j"$(nproc)" > "$D/make.log" 2>&1) || { echo "on-device: JNI build failed; see $D/cmake.log, $D/make.log" >&2; return 3; }
    cp "$N/build/libdjl_torch.so" "$TORCH_LIB/0.35.1-libdjl_torch.so"
  fi
  export PYTORCH_LIBRARY_PATH="$TORCH_LIB" PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR="cu${CUDA:-130}"
}
export D TORCH_LIB CUDA; export -f kit_jni
if [ "${TESSERA_KIT_JNI:-1}" != 0 ]; then kit_jni || exit 3; fi

mkdir -p "$D/bin" "$D/fontkit/cache"
cat > "$D/fontkit/fonts.conf" <<EOF
<?xml version="1.0"?>
<fontconfig><dir>$D/fontkit/fonts</dir><cachedir>$D/fontkit/cache</cachedir></fontconfig>
EOF
cat > "$D/bin/tessera" <<EOF
#!/usr/bin/env bash
set -euo pipefail
case "\${1:-}" in
  demo|generate) jar=examples/target/tessera-examples-*.jar ;;
  train|eval|compare|analyze|sweep|gpu-setup|bench-train-speed|bench-onnx-vs-djl|bench-quantizer-step) jar=tokenizer-train/target/tokenizer-train-*.jar ;;
  serve|encode|decode|export-triton|bench-library|bench-serve) jar=tokenizer-runtime/server/target/tokenizer-server-*.jar ;;
  __main) shift; main=\$1; shift; jar=examples/target/tessera-examples-*.jar ;;
  *) echo "tessera (device): unknown command '\${1:-}'" >&2; exit 2 ;;
esac
fonts=()
if [ "\${TESSERA_DEVICE_FONTS:-1}" != 0 ]; then
  export FONTCONFIG_FILE=$D/fontkit/fonts.conf; fonts=(env LD_LIBRARY_PATH=$D/fontkit/lib)
fi
JAR=\$(ls $D/app/\$jar | head -1)
opts=(-Dai.djl.offline=true -DENGINE_CACHE_DIR=$D/djl-cache -DDJL_CACHE_DIR=$D/djl-cache \${TESSERA_JAVA_OPTS:-})
if [ -n "\${main:-}" ]; then exec "\${fonts[@]}" $D/jre/bin/java "\${opts[@]}" -cp "\$JAR" "\$main" "\$@"; fi
exec "\${fonts[@]}" $D/jre/bin/java "\${opts[@]}" -jar "\$JAR" "\$@"
EOF
cat > "$D/bin/tessera-test" <<EOF
#!/usr/bin/env bash
# tessera-test MODULE SELECTOR...   e.g. tessera-test tokenizer-train --select-class dev.tessera.train.GpuTrainingTest
set -euo pipefail
m=\$1; shift
cp="$D/app/\$m/target/test-classes"; for j in $D/app/\$m/target/*.jar; do cp="\$cp:\$j"; done
for j in $D/app/\$m/target/lib/*.jar; do cp="\$cp:\$j"; done
export FONTCONFIG_FILE=$D/fontkit/fonts.conf
exec env LD_LIBRARY_PATH=$D/fontkit/lib $D/jre/bin/java -Dai.djl.offline=true -DENGINE_CACHE_DIR=$D/djl-cache \
  -jar $D/app/junit-console.jar execute --class-path "\$cp" "\$@"
EOF
chmod +x "$D/bin/tessera" "$D/bin/tessera-test"
export PATH="$D/bin:$PATH"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >&2 || true
exec bash -c "$*"
