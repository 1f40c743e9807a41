# JVM flags for vserve's launchers (sourced by ./vserve and ./bench/run); needs $JAVA_HOME and $root.
# Hazelcast (--cluster) reaches into JDK internals; these keep it quiet and fast on JDK 21+
hazelcast_flags="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"
if "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  hazelcast_flags="$hazelcast_flags --sun-misc-unsafe-memory-access=allow"
fi
# GraalPy (Python deployments) compiles Python with the Graal JIT when this JDK can load the
# matching compiler (JDK 25, jars copied by the cli build); elsewhere it interprets and
# says so at start
jit_flags=""
jit="$root/cli/target/jit"
if [ -d "$jit" ] && "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "25'; then
  jit_flags="-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path=$(ls "$jit"/*.jar | tr '\n' ':' | sed 's/:$//')"
fi
# the examples' model weights may be loaded by Python examples from outside their folder (--model-dir)
vserve_jvm_flags="--enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Dvserve.python.modelDirs=$root/examples-java/models $hazelcast_flags $jit_flags"
# glibc gives freed memory back to the OS once the free top of a heap passes a threshold that only
# grows with the largest block freed so far; PyTorch frees a forward pass's activations together, so
# the next pass faulted every page in again (MNIST batches 4-6x slower, for rounds on end). Keep
# blocks under 32 MB in the heaps and up to 1 GiB of free heap top; a thread's heap that empties is
# unmapped whatever the trim threshold unless the top pad is a heap's size (64 MB). Unless the
# caller set any of them.
if [ -z "${MALLOC_TRIM_THRESHOLD_:-}${MALLOC_MMAP_THRESHOLD_:-}${MALLOC_TOP_PAD_:-}" ]; then
  export MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TOP_PAD_=67108864
fi
