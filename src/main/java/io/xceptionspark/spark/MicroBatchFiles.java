package io.xceptionspark.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.runtime.FileStreamSource;
import org.apache.spark.sql.execution.streaming.runtime.FileStreamSourceLog;
import scala.Option;
import scala.Tuple2;

/**
 * The files one micro-batch of Spark's binaryFile stream source took, read from the checkpoint: the query's
 * offset log ({@code offsets/BATCH}: each file source's log offset) and each source's file log
 * ({@code sources/N}, compactions included). Not from the micro-batch's rows: Spark hands foreachBatch the rows of a
 * scan, which leaves zero-byte files out (they must get their EMPTY row) and would read what the scorer reads
 * itself, in its tasks. A file's length is not logged: the scoring task reads it with the file.
 */
final class MicroBatchFiles {
    private static final Pattern LOG_OFFSET = Pattern.compile("\\{\\s*\"logOffset\"\\s*:\\s*(-?\\d+)\\s*}");

    private MicroBatchFiles() {}

    static List<InputFiles.ListedFile> of(SparkSession spark, String checkpoint, long batchId) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<Long> end = logOffsets(new Path(checkpoint, "offsets/" + batchId), conf);
        List<Long> start = batchId == 0 ? List.of() : logOffsets(new Path(checkpoint, "offsets/" + (batchId - 1)), conf);
        List<InputFiles.ListedFile> files = new ArrayList<>();
        for (int source = 0; source < end.size(); source++) {
            long from = source < start.size() ? start.get(source) + 1 : 0;
            long to = end.get(source);
            if (to < from) {
                continue;
            }
            FileStreamSourceLog log = log(spark, checkpoint, source);
            for (Tuple2<Object, FileStreamSource.FileEntry[]> batch : log.get(Option.apply(from), Option.apply(to))) {
                for (FileStreamSource.FileEntry entry : batch._2()) {
                    files.add(new InputFiles.ListedFile(new Path(URI.create(entry.path())).toString(), entry.timestamp(),
                            -1, null));
                }
            }
        }
        return files;
    }

    /** The file log of the query's {@code source}-th file source (sources are numbered as input.paths). */
    static FileStreamSourceLog log(SparkSession spark, String checkpoint, int source) {
        return new FileStreamSourceLog(FileStreamSourceLog.VERSION(), spark,
                new Path(checkpoint, "sources/" + source).toString());
    }

    /** Each source's log offset in an offset log file (-1 for a source without one). */
    private static List<Long> logOffsets(Path file, Configuration conf) {
        List<Long> offsets = new ArrayList<>();
        try {
            FileSystem fs = file.getFileSystem(conf);
            try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
                in.readLine(); // version
                in.readLine(); // the batch's metadata
                String line;
                while ((line = in.readLine()) != null) {
                    Matcher m = LOG_OFFSET.matcher(line);
                    offsets.add(m.find() ? Long.parseLong(m.group(1)) : -1);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the stream's offset log " + file + ": " + e.getMessage(), e);
        }
        return offsets;
    }
}
