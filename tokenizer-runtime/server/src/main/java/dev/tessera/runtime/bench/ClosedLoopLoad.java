package dev.tessera.runtime.bench;

import dev.tessera.runtime.measure.MeasurementPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs {@code callers} threads that each repeat one blocking call as fast as it returns (a closed
 * loop, as pipeline stages calling the library would), through a warm-up and then measured windows
 * ({@link LoadWindows}).
 */
final class ClosedLoopLoad {

    /** One blocking call; {@code caller} is the thread's index, for picking its inputs. */
    @FunctionalInterface
    interface Call {
        void run(int caller, long iteration) throws Exception;
    }

    private ClosedLoopLoad() {}

    /**
     * @param itemsPerCall images (or grids) one call handles
     * @throws Exception the first call failure: a benchmark with failed calls measures nothing
     */
    static LoadWindows.Result run(int callers, int itemsPerCall, MeasurementPlan timing, Call call)
            throws Exception {
        LoadWindows load = new LoadWindows(callers, itemsPerCall);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int caller = c;
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    for (long i = 0; !stop.get() && !load.failed(); i++) {
                                        long t0 = System.nanoTime();
                                        call.run(caller, i);
                                        load.record(caller, System.nanoTime() - t0);
                                    }
                                } catch (Exception e) {
                                    load.fail(e);
                                }
                            },
                            "bench-caller-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        try {
            return load.measure(callers, timing, LoadWindows.Marks.NONE);
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }
    }
}
