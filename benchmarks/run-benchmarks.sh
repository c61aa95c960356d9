#!/usr/bin/env bash
# Builds the JMH uber-jar (benchmarks/target/benchmarks.jar) and runs the benchmarks with the project's JVM
# flags, then prints a summary (messages/s, GB/s, shaped/raw ratio, simulated seconds per wall second, payload
# ns/frame and ns/block against memcpy, the full-payload run's delivered bytes per wall second).
#
# Usage: benchmarks/run-benchmarks.sh [--quick|--full] [--no-build] [JMH options and benchmark regexps...]
#   --quick     1 fork, 2 warmup + 3 measurement iterations of 1 s (a single-shot benchmark runs once per
#               iteration); explicit -f/-wi/-i/-w/-r override these
#   --full      the forks and iterations annotated on each benchmark (default)
#   --no-build  reuse the existing jar
# Anything else goes to JMH, e.g. `--quick ShapedRing`, `--quick -p recordBytes=1500`, `-rf json`.
# More JVM options for the forks (JMH accepts -jvmArgsAppend only once): BENCH_JVM_ARGS="-Xmx1g" ...
set -euo pipefail

cd "$(dirname "$0")/.."

# Copy of nitro.jvm.flags in the parent pom. The forked benchmark JVMs get them through -jvmArgsAppend
# (the benchmarks refuse to run without them). The host JVM only runs the JMH runner and does without them;
# a -f 0 run (benchmark inside the host JVM) needs them in JAVA_TOOL_OPTIONS.
JVM_FLAGS="--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-modules=java.se --add-opens=java.management/sun.management=ALL-UNNAMED --add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED -Dchronicle.analytics.disable=true"

pom_flags="$(sed -n 's:.*<nitro.jvm.flags>\(--[^<]*\)</nitro.jvm.flags>.*:\1:p' pom.xml | head -n 1)"
if [[ "$pom_flags" != "$JVM_FLAGS" ]]; then
  echo "run-benchmarks.sh: JVM_FLAGS differ from nitro.jvm.flags in pom.xml; update the copy in $0" >&2
  exit 2
fi

mode=full
build=1
jmh_args=()
for arg in "$@"; do
  case "$arg" in
    --quick) mode=quick ;;
    --full) mode=full ;;
    --no-build) build=0 ;;
    *) jmh_args+=("$arg") ;;
  esac
done

mode_args=()
if [[ "$mode" == quick ]]; then
  mode_args=(--quick) # BenchmarkMain applies it under explicit JMH options
fi

if [[ "$build" == 1 ]]; then
  ./mvnw -B -q -pl benchmarks -am package -DskipTests
fi

jar=benchmarks/target/benchmarks.jar
if [[ ! -f "$jar" ]]; then
  echo "run-benchmarks.sh: $jar not found; run without --no-build" >&2
  exit 2
fi

java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java_cmd" -cp "$jar" io.nitrosim.benchmarks.BenchmarkMain \
  "${mode_args[@]}" -jvmArgsAppend "$JVM_FLAGS${BENCH_JVM_ARGS:+ $BENCH_JVM_ARGS}" "${jmh_args[@]}"
