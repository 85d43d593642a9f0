package io.xceptionspark.sql;

import io.xceptionspark.scoring.BatchScorer;
import io.xceptionspark.scoring.ResultOptions;
import io.xceptionspark.scoring.ScoreResult;
import io.xceptionspark.spark.HadoopConfs;
import io.xceptionspark.spark.TaskScorers;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Executor side of the SQL functions: scores one image's bytes with the job's scoring path (model cache,
 * preprocessing, error codes). Each Spark task keeps one {@link BatchScorer} per settings (a predictor of
 * its own, closed when the task ends) and remembers its last result, so that
 * {@code xception_labels(content)}, {@code xception_embedding(content)} and {@code xception_error(content)}
 * on the same row run one forward pass, not three.
 */
final class TaskImageScorer {
    private static final Map<String, TaskImageScorer> BY_TASK = new ConcurrentHashMap<>();

    private final BatchScorer scorer;
    private byte[] lastContent;
    private ScoreResult lastResult;

    /** The error message of a NULL content column (error code EMPTY). */
    static final String NULL_CONTENT = "content is NULL";

    private TaskImageScorer(BatchScorer scorer) {
        this.scorer = scorer;
    }

    /** Scores {@code content} with {@code settings}; never throws for a bad image. */
    static ScoreResult score(SqlScoringSettings settings, byte[] content) {
        TaskContext task = TaskContext.get();
        if (task == null) { // evaluated on the driver (e.g. constant folding): a scorer for this call only
            try (BatchScorer scorer = open(settings)) {
                return new TaskImageScorer(scorer).score(content);
            }
        }
        String key = task.taskAttemptId() + "/" + settings.id();
        TaskImageScorer scorer = BY_TASK.get(key);
        if (scorer == null) {
            scorer = new TaskImageScorer(open(settings));
            BY_TASK.put(key, scorer);
            TaskImageScorer opened = scorer;
            task.addTaskCompletionListener((TaskCompletionListener) context -> {
                BY_TASK.remove(key);
                opened.scorer.close();
            });
        }
        return scorer.score(content);
    }

    /** A scorer of every output: a row's functions may ask for labels and the embedding whatever scoring.mode says. */
    private static BatchScorer open(SqlScoringSettings settings) {
        return TaskScorers.open(settings.model(), settings.preprocess(), settings.scoring(),
                ResultOptions.everything(settings.scoring()), HadoopConfs.rebuild(settings.hadoopConf()), null);
    }

    private ScoreResult score(byte[] content) {
        if (lastContent != null && Arrays.equals(lastContent, content)) {
            return lastResult;
        }
        ScoreResult result = scorer.score(List.of(scorer.input(content, NULL_CONTENT)))[0];
        lastContent = content;
        lastResult = result;
        return result;
    }
}
