package io.xceptionspark.spark;

import io.xceptionspark.scoring.Stage;
import io.xceptionspark.scoring.StageTimes;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * A run's scoring time by {@link Stage}, summed over its tasks (on every executor), as Spark accumulators: each
 * task adds its {@link StageTimes} when it completes, the driver reads the sums for the run summary. Spark applies a
 * task's accumulator updates once, when the task succeeds, so retried and failed attempts do not count.
 */
public final class StageAccount implements Serializable {
    private static final long serialVersionUID = 1L;

    private final EnumMap<Stage, LongAccumulator> nanos;

    private StageAccount(EnumMap<Stage, LongAccumulator> nanos) {
        this.nanos = nanos;
    }

    /** Registers one accumulator per stage with the context (on the driver). */
    public static StageAccount register(SparkContext sc) {
        EnumMap<Stage, LongAccumulator> map = new EnumMap<>(Stage.class);
        for (Stage stage : Stage.values()) {
            map.put(stage, sc.longAccumulator("xception-spark nanos " + stage.label()));
        }
        return new StageAccount(map);
    }

    /** Adds one task's times (executor side). */
    public void add(StageTimes task) {
        for (Stage stage : Stage.values()) {
            nanos.get(stage).add(task.nanos(stage));
        }
    }

    /** Seconds per stage label, in stage order (driver side). */
    public Map<String, Double> seconds() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (Stage stage : Stage.values()) {
            seconds.put(stage.label(), nanos.get(stage).value() / 1e9);
        }
        return seconds;
    }
}
