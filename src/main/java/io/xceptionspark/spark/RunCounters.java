package io.xceptionspark.spark;

import io.xceptionspark.image.ImageErrorCode;
import io.xceptionspark.scoring.ScoreResult;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Per-run counts of scored rows by outcome (OK, or the error code), as Spark accumulators: incremented on
 * the executors, read on the driver for the progress line and the run summary. Updates made inside the
 * write action count once per successful task, so retried tasks do not double count.
 */
public final class RunCounters implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Outcome of an error code this version does not know (never expected). */
    static final String OTHER = "OTHER";

    private final LinkedHashMap<String, LongAccumulator> byOutcome;

    private RunCounters(LinkedHashMap<String, LongAccumulator> byOutcome) {
        this.byOutcome = byOutcome;
    }

    /** Registers one accumulator per outcome with the context (on the driver). */
    public static RunCounters register(SparkContext sc) {
        LinkedHashMap<String, LongAccumulator> map = new LinkedHashMap<>();
        map.put(ScoreResult.OK, sc.longAccumulator("xception-spark images " + ScoreResult.OK));
        for (ImageErrorCode code : ImageErrorCode.values()) {
            map.put(code.name(), sc.longAccumulator("xception-spark images " + code.name()));
        }
        map.put(ScoreResult.UNREADABLE, sc.longAccumulator("xception-spark images " + ScoreResult.UNREADABLE));
        // manifest URLs (UrlFetcher)
        for (int status : UrlFetcher.COUNTED_STATUSES) {
            map.put(UrlFetcher.HTTP + status, sc.longAccumulator("xception-spark images " + UrlFetcher.HTTP + status));
        }
        map.put(UrlFetcher.HTTP_OTHER, sc.longAccumulator("xception-spark images " + UrlFetcher.HTTP_OTHER));
        map.put(UrlFetcher.TOO_MANY_REDIRECTS, sc.longAccumulator("xception-spark images " + UrlFetcher.TOO_MANY_REDIRECTS));
        map.put(OTHER, sc.longAccumulator("xception-spark images " + OTHER));
        return new RunCounters(map);
    }

    /** Counts one result (executor side). */
    public void add(ScoreResult result) {
        String key = result instanceof ScoreResult.Failed f ? UrlFetcher.counterOf(f.code()) : ScoreResult.OK;
        byOutcome.getOrDefault(key, byOutcome.get(OTHER)).add(1);
    }

    public long scored() {
        return byOutcome.get(ScoreResult.OK).value();
    }

    /** Failed rows by error code (codes with zero rows left out), sorted by code. */
    public Map<String, Long> failures() {
        return byOutcome.entrySet().stream().filter(e -> !e.getKey().equals(ScoreResult.OK) && e.getValue().value() > 0)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().value(), Long::sum, TreeMap::new));
    }

    /** Accumulator ids, for listeners that follow progress. */
    public Set<Long> ids() {
        return byOutcome.values().stream().map(LongAccumulator::id).collect(Collectors.toUnmodifiableSet());
    }
}
