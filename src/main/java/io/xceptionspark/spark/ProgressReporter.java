package io.xceptionspark.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.Tuple4;

/**
 * Prints a progress line while a run scores: images done, images/s, ETA. Follows the run's counters
 * ({@link RunCounters}) through Spark's listener bus: running tasks report their counts with executor
 * heartbeats, finished tasks with their results (failed attempts are dropped, so retries count once).
 */
final class ProgressReporter extends SparkListener implements AutoCloseable {
    private final SparkContext sc;
    private final Set<Long> ids;
    private final long total;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private final Map<Long, Long> running = new ConcurrentHashMap<>();
    private final AtomicLong finished = new AtomicLong();
    private final Thread printer;

    private ProgressReporter(SparkContext sc, RunCounters counters, long total, PrintStream out, long intervalMillis) {
        this.sc = sc;
        this.ids = counters.ids();
        this.total = total;
        this.out = out;
        this.printer = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(intervalMillis);
                    out.println(line());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "xception-spark-progress");
        printer.setDaemon(true);
    }

    /** Starts following the run; close it when the run ends. */
    static ProgressReporter start(SparkContext sc, RunCounters counters, long total, PrintStream out,
                                  long intervalMillis) {
        ProgressReporter reporter = new ProgressReporter(sc, counters, total, out, intervalMillis);
        sc.addSparkListener(reporter);
        reporter.printer.start();
        return reporter;
    }

    long done() {
        long inFlight = 0;
        for (long v : running.values()) {
            inFlight += v;
        }
        return Math.min(total, finished.get() + inFlight);
    }

    String line() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long done = done();
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 ? duration((total - done) / rate) : "?";
        return String.format(Locale.ROOT, "xception-spark: %d/%d images (%.0f%%), %.2f images/s, ETA %s", done, total,
                total == 0 ? 100.0 : 100.0 * done / total, rate, eta);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        var tasks = update.accumUpdates().iterator();
        while (tasks.hasNext()) {
            Tuple4<Object, Object, Object, ? extends scala.collection.Seq<AccumulableInfo>> task = tasks.next();
            long count = count(task._4());
            if (count > 0) {
                running.put((Long) task._1(), count);
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        running.remove(end.taskInfo().taskId());
        if (end.taskInfo().successful()) {
            finished.addAndGet(count(end.taskInfo().accumulables()));
        }
    }

    private long count(scala.collection.Seq<AccumulableInfo> infos) {
        long sum = 0;
        scala.collection.Iterator<AccumulableInfo> it = infos.iterator();
        while (it.hasNext()) {
            AccumulableInfo info = it.next();
            if (ids.contains(info.id()) && info.update().isDefined() && info.update().get() instanceof Number n) {
                sum += n.longValue();
            }
        }
        return sum;
    }

    @Override
    public void close() {
        printer.interrupt();
        sc.removeSparkListener(this);
    }
}
