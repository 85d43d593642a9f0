package io.xceptionspark.spark;

import io.xceptionspark.config.InputOptions;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/** The files of input.paths, listed on the driver ({@link InputFiles}), less those in the output when incremental. */
final class ListedInput implements ScoringInput {
    private final InputFiles listed;
    private final InputFiles todo;

    private ListedInput(InputFiles listed, InputFiles todo) {
        this.listed = listed;
        this.todo = todo;
    }

    /** @param done the output's rows when the run is incremental, else null */
    static ListedInput of(SparkSession spark, InputOptions input, Dataset<Row> done) {
        InputFiles listed = InputFiles.list(spark, input);
        return new ListedInput(listed, done == null ? listed : listed.notIn(spark, done));
    }

    @Override
    public long listed() {
        return listed.count();
    }

    @Override
    public long toScore() {
        return todo.count();
    }

    @Override
    public List<StructField> carried() {
        return List.of();
    }

    @Override
    public Dataset<Row> rows(SparkSession spark, int partitions) {
        return todo.partitioned(spark, partitions);
    }
}
