package io.xceptionspark.spark;

import io.xceptionspark.config.PreprocessOptions;
import io.xceptionspark.config.ScoringOptions;
import io.xceptionspark.inference.ModelSpec;
import io.xceptionspark.scoring.BatchingIterator;
import io.xceptionspark.scoring.ResultOptions;
import io.xceptionspark.scoring.BatchScorer;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Executor side of the ML Transformers ({@link XceptionTransformer#transform}): scores the image bytes of one
 * column of each row and appends the result columns to the row, one output row per input row.
 */
final class TransformerRows implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final ModelSpec model;
    private final PreprocessOptions preprocess;
    private final ScoringOptions scoring;
    private final ResultColumns results;
    private final int inputIndex;
    private final int inputWidth;

    /**
     * @param inputIndex the binary column of image bytes
     * @param inputWidth the input rows' number of columns, all copied to the output row
     */
    TransformerRows(ModelSpec model, PreprocessOptions preprocess, ScoringOptions scoring, ResultColumns results,
                    int inputIndex, int inputWidth) {
        this.model = model;
        this.preprocess = preprocess;
        this.scoring = scoring;
        this.results = results;
        this.inputIndex = inputIndex;
        this.inputWidth = inputWidth;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        BatchScorer scorer = TaskScorers.open(model, preprocess, scoring, ResultOptions.of(scoring),
                HadoopConfs.ofSparkEnv(), null);
        return new BatchingIterator<>(rows, scorer,
                row -> scorer.input(row.isNullAt(inputIndex) ? null : (byte[]) row.get(inputIndex),
                        "the input column is null"),
                (row, result) -> {
                    Object[] values = new Object[inputWidth + results.size()];
                    for (int i = 0; i < inputWidth; i++) {
                        values[i] = row.get(i);
                    }
                    results.fill(result, values, inputWidth);
                    return RowFactory.create(values);
                });
    }
}
