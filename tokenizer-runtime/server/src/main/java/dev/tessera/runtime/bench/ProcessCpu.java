package dev.tessera.runtime.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** CPU time of this process (every thread, native ones included), where the JVM can tell. */
final class ProcessCpu {

    private ProcessCpu() {}

    /** CPU nanoseconds this process has used so far; 0 where the JVM cannot tell. */
    static long nanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return Math.max(0, sun.getProcessCpuTime());
        }
        return 0;
    }
}
