package io.xceptionspark.report;

import io.xceptionspark.spark.HadoopConfs;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Makes the report's thumbnails on the executors: each task reads its files through Hadoop's file systems
 * (the same ones the job read them from) and returns small data: URIs, so the driver never holds image bytes.
 */
final class ThumbnailJob {
    private ThumbnailJob() {}

    /** Thumbnails by path; paths where nothing decodes (or the file is gone) are missing. */
    static Map<String, String> of(SparkSession spark, List<String> paths, Thumbnailer thumbnailer) {
        if (paths.isEmpty()) {
            return Map.of();
        }
        HashMap<String, String> hadoop = HadoopConfs.nonDefaults(spark.sparkContext().hadoopConfiguration());
        int partitions = Math.max(1, Math.min(paths.size() / 8 + 1, 4 * spark.sparkContext().defaultParallelism()));
        MapPartitionsFunction<String, Tuple2<String, String>> make = it -> thumbnails(it, hadoop, thumbnailer);
        Map<String, String> out = new HashMap<>();
        for (Tuple2<String, String> t : spark.createDataset(paths, Encoders.STRING()).repartition(partitions)
                .mapPartitions(make, Encoders.tuple(Encoders.STRING(), Encoders.STRING())).collectAsList()) {
            if (t._2() != null) {
                out.put(t._1(), t._2());
            }
        }
        return out;
    }

    private static Iterator<Tuple2<String, String>> thumbnails(Iterator<String> paths, Map<String, String> hadoopConf,
                                                              Thumbnailer thumbnailer) {
        Configuration conf = HadoopConfs.rebuild(hadoopConf);
        List<Tuple2<String, String>> out = new ArrayList<>();
        while (paths.hasNext()) {
            String path = paths.next();
            out.add(new Tuple2<>(path, read(path, conf, thumbnailer)));
        }
        return out.iterator();
    }

    private static String read(String path, Configuration conf, Thumbnailer thumbnailer) {
        try {
            Path file = new Path(path);
            FileSystem fs = io.xceptionspark.spark.HadoopConfs.inputFileSystem(file, conf);
            if (fs.getFileStatus(file).getLen() > thumbnailer.maxFileBytes()) {
                return null;
            }
            try (InputStream in = fs.open(file)) {
                return thumbnailer.dataUri(in.readAllBytes()).orElse(null);
            }
        } catch (IOException | RuntimeException e) {
            return null; // vanished or unreadable since it was scored: the report shows the icon
        }
    }
}
