#!/usr/bin/env bash
# Packs a built Tessera checkout for the GPU machine, which has Python with PyTorch (CUDA) but no Java,
# no Maven and no network. Run from the project's root after `./mvnw -q -DskipTests package`
# (add `install` if examples are stale). Writes .device/payload.tar.xz and .device/on-device.sh
# (ignored by git through .git/info/exclude); take that folder to the GPU machine with the checkout.
#
# The payload holds: a jlinked Java 17 runtime (with JNI headers), every module's jar with its lib/
# (minus the CPU libtorch, which the GPU machine replaces with its own; ONNX Runtime cut to
# linux-x64), DJL 0.35.1's JNI sources (built there against the machine's libtorch), an optional
# font kit (fontconfig + DejaVu, for machines without fonts), and any test-classes plus the JUnit
# console launcher. The checkout plus .device/ should stay under about 60 MiB.
set -euo pipefail
ROOT=$(pwd)
KIT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd); DJLKIT=/work/shared/device
DEST="$ROOT/.device"
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
[ -f pom.xml ] && [ -d tokenizer-train ] || { echo "pack.sh: run from the project's root" >&2; exit 2; }
grep -qx '/.device/' .git/info/exclude 2>/dev/null || echo '/.device/' >> .git/info/exclude
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
cp -r "$DJLKIT/djl-native" "$STAGE/djl-native"
mkdir -p "$STAGE/fontkit/lib" "$STAGE/fontkit/fonts"
for l in libharfbuzz.so.0 libfreetype.so.6 libgraphite2.so.3 libglib-2.0.so.0 libpng16.so.16 \
         libbrotlidec.so.1 libbrotlicommon.so.1 libpcre2-8.so.0 libfontconfig.so.1 libexpat.so.1; do
  cp -L "/lib/x86_64-linux-gnu/$l" "$STAGE/fontkit/lib/" 2>/dev/null || echo "pack: no $l here; the font kit may be incomplete" >&2
done
cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf \
  "$STAGE/fontkit/fonts/" 2>/dev/null || echo "pack: no DejaVu fonts here (apt-get install fonts-dejavu-core)" >&2

echo "pack: compressing (a minute or two)" >&2
tar -C "$STAGE" -cf - jre app djl-native fontkit | xz -T2 -9 > "$DEST/payload.tar.xz"
cp "$KIT/on-device.sh" "$DEST/on-device.sh"
size=$(du -m "$DEST/payload.tar.xz" | cut -f1)
tree=$(git ls-files -z | xargs -0 du -cm 2>/dev/null | tail -1 | cut -f1)
echo "pack: .device/payload.tar.xz is ${size} MiB; tracked files ${tree} MiB (keep the sum under about 60 MiB)" >&2
[ $((size + tree)) -lt 60 ] || echo "pack: WARNING: too large to send; leave examples or test-classes out" >&2
