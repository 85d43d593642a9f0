package io.xceptionspark.spark;

import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Ships a driver's Hadoop configuration to executors as the small map of what differs from Hadoop's
 * defaults (spark.hadoop.* settings, credentials providers, ...), and rebuilds it there.
 */
final class HadoopConfs {
    private HadoopConfs() {}

    static HashMap<String, String> nonDefaults(Configuration conf) {
        Configuration defaults = new Configuration();
        HashMap<String, String> diff = new HashMap<>();
        for (Map.Entry<String, String> e : conf) {
            if (!e.getValue().equals(defaults.getRaw(e.getKey()))) {
                diff.put(e.getKey(), e.getValue());
            }
        }
        return diff;
    }

    static Configuration rebuild(Map<String, String> nonDefaults) {
        Configuration conf = new Configuration();
        nonDefaults.forEach(conf::set);
        return conf;
    }
}
