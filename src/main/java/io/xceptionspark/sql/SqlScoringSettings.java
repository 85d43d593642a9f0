package io.xceptionspark.sql;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.PreprocessOptions;
import io.xceptionspark.config.ScoringOptions;
import io.xceptionspark.inference.ModelSpec;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a SQL function call scores with, shipped to executors inside the function: the validated model,
 * preprocessing and scoring settings, and the driver's non-default Hadoop settings (to read remote weights).
 *
 * @param id the sorted job keys the settings were made from: equal ids, same model and preprocessing
 */
record SqlScoringSettings(String id, ModelSpec model, PreprocessOptions preprocess, ScoringOptions scoring,
                          HashMap<String, String> hadoopConf) implements Serializable {
    private static final long serialVersionUID = 1L;

    static SqlScoringSettings of(Map<String, String> keys, HashMap<String, String> hadoopConf) {
        JobConfig job = FunctionSettings.load(keys);
        return new SqlScoringSettings(new TreeMap<>(keys).toString(), job.model(), job.preprocess(), job.scoring(),
                hadoopConf);
    }
}
