#!/usr/bin/env bash
# Packs a built Tessera checkout for the GPU machine, which has Python with PyTorch (CUDA) but no Java,
# no Maven and no network. Run from the project's root after `./mvnw -q -DskipTests package`:
#   bash tokenizer-train/src/bench/device/pack.sh
# Writes .device/payload.tar.xz, .device/on-device.sh and .device/check1.sh (.device/ is ignored by
# git); take that folder to the GPU machine with the checkout. README.md beside this script says how.
#
# The payload holds: a jlinked Java 17 runtime (with JNI headers), every module's jar with its lib/
# (minus the CPU libtorch, which the GPU machine replaces with its own; ONNX Runtime cut to
# linux-x64), DJL 0.35.1's JNI sources (built there against the machine's libtorch), a font kit
# (fontconfig + DejaVu, for machines without fonts), and any test-classes plus the JUnit console
# launcher.
#
# Environment: DEVICE_KIT, the folder holding djl-native/ (DJL's JNI sources; default
# ../shared/device, relative to the project's root); DEVICE_LIMIT_MIB, what the device machine takes
# in all, tracked files and .device/ together (default 64).
set -euo pipefail
ROOT=$(pwd)
KIT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEVICE_KIT=${DEVICE_KIT:-../shared/device}
LIMIT=${DEVICE_LIMIT_MIB:-64}
DEST="$ROOT/.device"
[ -f pom.xml ] && [ -d tokenizer-train ] || { echo "pack.sh: run from the project's root" >&2; exit 2; }
[ -d "$DEVICE_KIT/djl-native/engines/pytorch/pytorch-native" ] || {
  echo "pack.sh: no DJL JNI sources in $DEVICE_KIT/djl-native; set DEVICE_KIT to the folder that holds djl-native/" >&2
  exit 2
}
git check-ignore -q .device/payload.tar.xz || { echo "pack.sh: .device/ is not ignored by git; add /.device/ to .gitignore" >&2; exit 2; }
ls tokenizer-runtime/server/target/tokenizer-server-*.jar tokenizer-train/target/tokenizer-train-*.jar >/dev/null 2>&1 || {
  echo "pack.sh: build the jars first: ./mvnw -q -DskipTests package" >&2
  exit 2
}
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$DEST"

echo "pack: java runtime" >&2
JDK=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
"$JDK/bin/jlink" --add-modules java.base,java.desktop,java.logging,java.management,jdk.unsupported,java.xml,java.naming,java.sql,jdk.management,jdk.crypto.ec,jdk.httpserver,java.net.http,java.instrument \
  --strip-debug --no-header-files --no-man-pages --compress=0 --output "$STAGE/jre"
strip --strip-unneeded "$STAGE/jre/lib/server/libjvm.so" 2>/dev/null || true
cp -r "$JDK/include" "$STAGE/jre/include"

# Jars stored uncompressed, so that xz compresses across them.
restore() { # restore SRC.jar DEST.jar [paths to drop]
  local src=$1 dest=$2; shift 2
  rm -rf "$STAGE/x" && mkdir -p "$STAGE/x" "$(dirname "$dest")"
  (cd "$STAGE/x" && unzip -q -o "$src" && { [ $# = 0 ] || rm -rf "$@"; } && zip -q -0 -r -X "$dest" .)
}
echo "pack: jars" >&2
for m in proto tokenizer-runtime/client tokenizer-runtime/library tokenizer-runtime/server tokenizer-train examples; do
  for j in "$m"/target/*.jar; do
    [ -f "$j" ] || continue
    case "$j" in *-spark.jar|*-sources.jar|*-tests.jar) continue ;; esac
    restore "$ROOT/$j" "$STAGE/app/$j"
  done
  for j in "$m"/target/lib/*.jar; do
    [ -f "$j" ] || continue
    b=$(basename "$j")
    if [ -f "$STAGE/jars/$b" ]; then mkdir -p "$STAGE/app/$m/target/lib" && ln "$STAGE/jars/$b" "$STAGE/app/$j"; continue; fi
    case "$b" in
      pytorch-native-cpu*) continue ;;
      onnxruntime-*) restore "$ROOT/$j" "$STAGE/app/$j" ai/onnxruntime/native/osx-aarch64 ai/onnxruntime/native/osx-x64 ai/onnxruntime/native/win-x64 ai/onnxruntime/native/linux-aarch64 ;;
      *) restore "$ROOT/$j" "$STAGE/app/$j" ;;
    esac
    # one copy of each jar: later modules' lib/ entries become hard links, which tar stores once
    if [ -f "$STAGE/jars/$b" ]; then ln -f "$STAGE/jars/$b" "$STAGE/app/$j"; else mkdir -p "$STAGE/jars" && ln "$STAGE/app/$j" "$STAGE/jars/$b"; fi
  done
  if [ -d "$m/target/test-classes" ]; then mkdir -p "$STAGE/app/$m/target" && cp -r "$m/target/test-classes" "$STAGE/app/$m/target/"; fi
done
console=$(ls ~/.m2/repository/org/junit/platform/junit-platform-console-standalone/*/*.jar 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$console" ]; then
  ./mvnw -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.1 >/dev/null 2>&1 || true
  console=$(ls ~/.m2/repository/org/junit/platform/junit-platform-console-standalone/*/*.jar 2>/dev/null | sort -V | tail -1 || true)
fi
[ -n "$console" ] && cp "$console" "$STAGE/app/junit-console.jar"

echo "pack: DJL JNI sources, font kit" >&2
cp -r "$DEVICE_KIT/djl-native" "$STAGE/djl-native"
mkdir -p "$STAGE/fontkit/lib" "$STAGE/fontkit/fonts"
for l in libharfbuzz.so.0 libfreetype.so.6 libgraphite2.so.3 libglib-2.0.so.0 libpng16.so.16 \
         libbrotlidec.so.1 libbrotlicommon.so.1 libpcre2-8.so.0 libfontconfig.so.1 libexpat.so.1; do
  cp -L "/lib/x86_64-linux-gnu/$l" "$STAGE/fontkit/lib/" 2>/dev/null || echo "pack: no $l here; the font kit may be incomplete" >&2
done
cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf \
  "$STAGE/fontkit/fonts/" 2>/dev/null || echo "pack: no DejaVu fonts here (apt-get install fonts-dejavu-core)" >&2

echo "pack: compressing (a minute or two)" >&2
tar -C "$STAGE" -cf - jre app djl-native fontkit | xz -T2 -9 > "$DEST/payload.tar.xz"
cp "$KIT/on-device.sh" "$KIT/check1.sh" "$DEST/"

# What the device machine receives: the files git does not ignore, plus .device/ (carried).
mib() { awk '{ s += $1 } END { printf "%.1f", s / 1048576 }'; }
payload=$(stat -c %s "$DEST/payload.tar.xz" | mib)
device=$(find "$DEST" -type f -printf '%s\n' | mib)
tree=$(git ls-files -z --cached --others --exclude-standard | xargs -0 stat -c %s 2>/dev/null | mib)
mnist=0
[ -d "$DEST/mnist" ] || mnist=11  # MNIST's four files (10.9 MiB), for check1.sh, still to be copied in
echo "pack: .device/payload.tar.xz is $payload MiB; .device/ $device MiB; the checkout's files $tree MiB" >&2
total=$(echo "$device $tree $mnist" | awk '{ printf "%.1f", $1 + $2 + $3 }')
echo "pack: the device machine receives about $total MiB (with MNIST's images in .device/mnist); the limit is $LIMIT MiB" >&2
awk -v t="$total" -v l="$LIMIT" 'BEGIN { exit !(t < l) }' \
  || echo "pack: WARNING: too large to send; leave examples or test-classes out" >&2
