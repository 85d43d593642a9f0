package io.xceptionspark.sql;

import org.apache.spark.sql.SparkSessionExtensions;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Spark SQL extensions of xception-spark: {@code spark.sql.extensions=io.xceptionspark.sql.XceptionExtensions}
 * (set in conf/spark-defaults.conf) registers the functions of {@link XceptionFunctions} in every session:
 * {@code xception_labels(content [, k])}, {@code xception_embedding(content)}, {@code xception_error(content)}
 * and {@code xception_similarity(a, b)}.
 */
public final class XceptionExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        XceptionFunctions.all().forEach(extensions::injectFunction);
        return BoxedUnit.UNIT;
    }
}
