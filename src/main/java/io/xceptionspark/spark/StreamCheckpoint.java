package io.xceptionspark.spark;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.KeyRole;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.inference.ScoringModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a stream's checkpoint was made for, in {@value #FILE} beside Spark's own files: the model, the settings that
 * decide a row, the input and the output. Spark's checkpoint knows which files were taken, not how they were scored:
 * a run with another model or settings would add rows of another kind to the same output, and skip every file
 * scored before. Such a run stops with exit code 2 naming each difference, before anything is written. The file
 * also holds the stream's id: Delta's txnAppId of its micro-batches and the prefix of its Parquet run directories.
 */
final class StreamCheckpoint {
    static final String FILE = "_xception_spark_stream.properties";
    private static final String STREAM_ID = "stream-id";
    private static final String INPUT_PATHS = "input.paths";
    private static final String OUTPUT_PATH = "output.path";

    private final String streamId;

    private StreamCheckpoint(String streamId) {
        this.streamId = streamId;
    }

    String streamId() {
        return streamId;
    }

    /**
     * The settings a checkpoint is bound to, by key name: the weights' identity, the keys that decide the numbers
     * (role {@link KeyRole#METADATA}, as the output records them) and those that decide which files the stream
     * takes and where it writes (role {@link KeyRole#STREAM}), its paths as the file system names them (the same
     * relative path given from another directory is another stream).
     */
    static Map<String, String> settings(JobConfig job, ScoringModel model, Configuration hadoop) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("model", model.identity().toString());
        job.settings().of(KeyRole.METADATA).forEach((key, value) -> s.put(key, String.valueOf(value)));
        job.settings().of(KeyRole.STREAM).forEach((key, value) -> s.put(key, String.valueOf(value)));
        s.put(INPUT_PATHS, job.input().paths().stream().map(p -> HadoopConfs.qualified(p, hadoop)).toList().toString());
        s.put(OUTPUT_PATH, HadoopConfs.qualified(job.output().path(), hadoop));
        return s;
    }

    /**
     * Binds a new checkpoint to {@code settings}, or checks an existing one's: exit code 2 naming every difference.
     */
    static StreamCheckpoint open(String checkpoint, Map<String, String> settings, Configuration hadoop) {
        Path dir = new Path(checkpoint);
        Path file = new Path(dir, FILE);
        try {
            FileSystem fs = dir.getFileSystem(hadoop);
            boolean planned = fs.exists(new Path(dir, "offsets")) && fs.listStatus(new Path(dir, "offsets")).length > 0;
            if (!fs.exists(file)) {
                if (planned) {
                    throw new JobConfigException("The checkpoint " + checkpoint + " is a Spark checkpoint of another"
                            + " query (it has no " + FILE + "). Give input.stream.checkpoint (--checkpoint) a new"
                            + " directory for this stream.");
                }
                Properties p = new Properties();
                p.putAll(settings);
                String id = "xception-spark-stream-" + UUID.randomUUID();
                p.put(STREAM_ID, id);
                fs.mkdirs(dir);
                Path tmp = new Path(dir, FILE + ".tmp");
                try (OutputStream out = fs.create(tmp, true)) {
                    p.store(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8),
                            "xception-spark: the model and settings this checkpoint's stream scores with");
                }
                if (!fs.rename(tmp, file)) {
                    throw new IOException("cannot rename " + tmp + " to " + file);
                }
                return new StreamCheckpoint(id);
            }
            Properties p = new Properties();
            try (InputStream in = fs.open(file)) {
                p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            }
            List<String> differences = new ArrayList<>();
            settings.forEach((key, value) -> {
                String was = p.getProperty(key);
                if (!value.equals(was)) {
                    differences.add(key + ": the checkpoint has " + (was == null ? "(none)" : was) + ", this run " + value);
                }
            });
            if (!differences.isEmpty()) {
                throw new JobConfigException("The checkpoint " + checkpoint + " belongs to a stream with other"
                        + " settings:\n  - " + String.join("\n  - ", differences) + "\nRun with the stream's settings,"
                        + " or start a new stream with a new input.stream.checkpoint (--checkpoint) and output.path.");
            }
            return new StreamCheckpoint(p.getProperty(STREAM_ID));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the checkpoint " + checkpoint + ": " + e.getMessage(), e);
        }
    }
}
