package dev.tessera.runtime.bench;

import dev.tessera.runtime.measure.Measurement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs {@code callers} threads that each repeat one blocking call as fast as it returns (a closed
 * loop, as a pipeline stage calling the tokenizer would), first for a warm-up that is not recorded,
 * then for a measured window whose per-call latencies are kept.
 */
final class ClosedLoopLoad {

    /** One blocking call; {@code caller} is the thread's index, for picking its inputs. */
    @FunctionalInterface
    interface Call {
        void run(int caller, long iteration) throws Exception;
    }

    /**
     * What a measured window produced.
     *
     * @param callers concurrent callers
     * @param calls calls that started and finished inside the window
     * @param seconds length of the window
     * @param latenciesNanos every measured call's latency, sorted
     */
    record Result(int callers, long calls, double seconds, long[] latenciesNanos) {

        double callsPerSecond() {
            return calls / seconds;
        }

        /** The latency at quantile {@code q} (0..1), in milliseconds. */
        double quantileMillis(double q) {
            return Measurement.quantileMillis(latenciesNanos, q);
        }
    }

    private ClosedLoopLoad() {}

    /**
     * @throws Exception the first call failure: a benchmark with failed calls measures nothing
     */
    static Result run(int callers, double warmupSeconds, double measureSeconds, Call call)
            throws Exception {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        List<long[]> perCaller = new ArrayList<>();
        long[] counts = new long[callers];
        Exception[] failure = new Exception[1];
        CountDownLatch done = new CountDownLatch(callers);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int caller = c;
            perCaller.add(new long[1024]);
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    loop(caller, call, measuring, stop, perCaller, counts);
                                } catch (Exception e) {
                                    synchronized (failure) {
                                        failure[0] = failure[0] == null ? e : failure[0];
                                    }
                                    stop.set(true);
                                } finally {
                                    done.countDown();
                                }
                            },
                            "bench-caller-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        Thread.sleep((long) (warmupSeconds * 1000));
        long start = System.nanoTime();
        measuring.set(true);
        Thread.sleep((long) (measureSeconds * 1000));
        measuring.set(false);
        double seconds = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        done.await();
        if (failure[0] != null) {
            throw failure[0];
        }
        long total = Arrays.stream(counts).sum();
        long[] all = new long[(int) total];
        int at = 0;
        for (int c = 0; c < callers; c++) {
            System.arraycopy(perCaller.get(c), 0, all, at, (int) counts[c]);
            at += (int) counts[c];
        }
        Arrays.sort(all);
        return new Result(callers, total, seconds, all);
    }

    private static void loop(
            int caller,
            Call call,
            AtomicBoolean measuring,
            AtomicBoolean stop,
            List<long[]> perCaller,
            long[] counts)
            throws Exception {
        long iteration = 0;
        while (!stop.get()) {
            boolean inWindow = measuring.get();
            long t0 = System.nanoTime();
            call.run(caller, iteration++);
            long latency = System.nanoTime() - t0;
            // Only calls that both started and ended inside the window count.
            if (inWindow && measuring.get()) {
                long[] mine = perCaller.get(caller);
                if (counts[caller] == mine.length) {
                    mine = Arrays.copyOf(mine, mine.length * 2);
                    synchronized (perCaller) {
                        perCaller.set(caller, mine);
                    }
                }
                mine[(int) counts[caller]++] = latency;
            }
        }
    }
}
