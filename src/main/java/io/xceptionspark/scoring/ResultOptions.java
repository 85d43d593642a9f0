package io.xceptionspark.scoring;

import io.xceptionspark.config.ScoringOptions;

/**
 * What a {@link BatchScorer} makes of one image's network outputs (tensor to result), and how many images it
 * scores at once. Only what the caller writes is computed: the job in labels mode never copies an embedding.
 *
 * @param topK classes in a result's top-k, most probable first; 0: no top-k
 * @param embeddings whether results carry the embedding
 * @param normalizeEmbeddings whether that embedding is scaled to unit L2 norm
 * @param batchSize the largest batch the scorer takes
 */
public record ResultOptions(int topK, boolean embeddings, boolean normalizeEmbeddings, int batchSize) {

    /** What a run with these settings writes: the top-k for labels, the embedding for embeddings. */
    public static ResultOptions of(ScoringOptions scoring) {
        return new ResultOptions(scoring.mode().labels() ? scoring.topK() : 0, scoring.mode().embeddings(),
                scoring.normalizeEmbeddings(), scoring.batchSize());
    }

    /** Every output, whatever scoring.mode says (the SQL functions: any of them may ask for a row's image). */
    public static ResultOptions everything(ScoringOptions scoring) {
        return new ResultOptions(scoring.topK(), true, scoring.normalizeEmbeddings(), scoring.batchSize());
    }

    /** The result of one image: logits as they are, the top-k and the (normalised) embedding as asked. */
    ScoreResult.Scored result(float[] logits, float[] embedding) {
        return new ScoreResult.Scored(logits,
                embedding == null || !embeddings ? null
                        : normalizeEmbeddings ? Scores.l2Normalized(embedding) : embedding,
                logits == null || topK == 0 ? null : Scores.topK(logits, topK));
    }
}
