package io.xceptionspark.config;

import java.util.List;

/**
 * What to read (keys {@code input.*}): Spark's binaryFile source over {@code paths}, with its options.
 *
 * @param modifiedBefore empty, or yyyy-MM-ddTHH:mm:ss
 * @param modifiedAfter empty, or yyyy-MM-ddTHH:mm:ss
 * @param imagesPerPartition the most files a scoring task gets
 * @param tasksPerCore the fewest scoring tasks per task slot (while there are files for them)
 */
public record InputOptions(List<String> paths, boolean recursive, String pathGlobFilter, String modifiedBefore,
                           String modifiedAfter, int imagesPerPartition, int tasksPerCore) {
    public InputOptions {
        paths = List.copyOf(paths);
    }
}
