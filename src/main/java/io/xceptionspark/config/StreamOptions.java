package io.xceptionspark.config;

import java.time.Duration;

/**
 * The directory stream (keys {@code input.stream.*}): Spark's binaryFile stream source over input.paths.
 *
 * @param trigger null for Trigger.AvailableNow, else the processing-time interval
 * @param maxFilesPerTrigger 0: no limit
 * @param maxBytesPerTrigger 0: no limit
 * @param cleanSource off, archive or delete (Spark's cleanSource values)
 */
public record StreamOptions(String checkpoint, Duration trigger, int maxFilesPerTrigger, long maxBytesPerTrigger,
                            boolean latestFirst, Duration maxFileAge, String cleanSource, String archiveDir) {

    public boolean availableNow() {
        return trigger == null;
    }
}
