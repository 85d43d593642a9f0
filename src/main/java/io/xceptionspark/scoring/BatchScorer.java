package io.xceptionspark.scoring;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import io.xceptionspark.image.ImageErrorCode;
import io.xceptionspark.image.ImagePreprocessor;
import io.xceptionspark.image.PreparedImage;
import io.xceptionspark.image.PreprocessConfig;
import io.xceptionspark.inference.BatchOutput;
import io.xceptionspark.inference.ImageBatch;
import io.xceptionspark.inference.InferenceThreads;
import io.xceptionspark.inference.ModelCache;
import io.xceptionspark.inference.ScoringModel;
import java.util.List;
import java.util.Optional;

/**
 * The scoring unit of every entry point (the job, the ML Transformers, the SQL functions, predict, similar's
 * query images and the executor warm-up): image bytes in, one {@link ScoreResult} per input out, in order.
 * Like a DJL Translator it keeps the pre- and post-processing beside the model: it checks each input's size
 * ({@link #input}), decodes and preprocesses each file straight into a reused batch buffer, runs one forward
 * pass over the good ones, and turns each image's outputs into its result ({@link ResultOptions}: top-k,
 * normalised embedding). Bad files become {@link ScoreResult.Failed}; they never fail the batch. One instance
 * per task thread (it owns a predictor); the model itself is shared. Close it to release the predictor.
 */
public final class BatchScorer implements AutoCloseable {
    private final ScoringModel model;
    private final ImagePreprocessor preprocessor;
    private final Predictor<ImageBatch, BatchOutput> predictor;
    private final int intraOpThreads;
    private final int height;
    private final int width;
    private final long maxFileBytes;
    private final ResultOptions resultOptions;
    private final float[] buffer;
    private final ModelCache.Lease lease;
    /** Decode and resize times of the images this scorer prepared. */
    private final ImagePreprocessor.PrepareTimes preprocessTimes = new ImagePreprocessor.PrepareTimes();
    private long readNanos;
    private long forwardNanos;
    private boolean closed;

    /**
     * A scorer on a cached model that takes over {@code lease} (closed with the scorer, or if this fails).
     *
     * @param preprocess decoding and preprocessing (its size must be the model's)
     * @param results what each image's result holds, and the batch size
     */
    public static BatchScorer holding(ModelCache.Lease lease, PreprocessConfig preprocess, ResultOptions results,
                                      int intraOpThreads) {
        try {
            return new BatchScorer(lease.model(), lease, preprocess, results, intraOpThreads);
        } catch (RuntimeException | Error e) {
            lease.close();
            throw e;
        }
    }

    private BatchScorer(ScoringModel model, ModelCache.Lease lease, PreprocessConfig preprocess, ResultOptions results,
                        int intraOpThreads) {
        if (preprocess.height() != model.inputHeight() || preprocess.width() != model.inputWidth()) {
            throw new IllegalArgumentException("preprocessing makes " + preprocess.height() + "x" + preprocess.width()
                    + " inputs but the model takes " + model.inputHeight() + "x" + model.inputWidth());
        }
        this.model = model;
        this.lease = lease;
        this.preprocessor = new ImagePreprocessor(preprocess);
        this.intraOpThreads = intraOpThreads;
        this.height = preprocess.height();
        this.width = preprocess.width();
        this.maxFileBytes = preprocess.maxFileBytes();
        this.resultOptions = results;
        this.buffer = new float[results.batchSize() * preprocess.floatsPerImage()];
        InferenceThreads.prepareCurrentThread(intraOpThreads);
        this.predictor = model.newPredictor();
    }

    public ScoringModel model() {
        return model;
    }

    /** The largest batch {@link #score} takes. */
    public int maxBatchSize() {
        return buffer.length / (3 * height * width);
    }

    /**
     * An input of {@code length} bytes that is over preprocess.max-file-bytes, left unread (TOO_LARGE); null when
     * it may be read. Lets a caller skip reading a file it knows the size of.
     */
    public ImageFile overLimit(long length) {
        return length > maxFileBytes ? ImageFile.tooLarge(length, maxFileBytes) : null;
    }

    /** Image bytes as an input: TOO_LARGE over preprocess.max-file-bytes, EMPTY (with {@code ifNull}) for null. */
    public ImageFile input(byte[] bytes, String ifNull) {
        if (bytes == null) {
            return ImageFile.failed(ImageErrorCode.EMPTY.name(), ifNull);
        }
        ImageFile over = overLimit(bytes.length);
        return over != null ? over : ImageFile.of(bytes);
    }

    /** One result per file, in order. */
    public ScoreResult[] score(List<ImageFile> files) {
        if (files.size() > maxBatchSize()) {
            throw new IllegalArgumentException(files.size() + " files exceed the batch size " + maxBatchSize());
        }
        ScoreResult[] results = new ScoreResult[files.size()];
        int[] slotOf = new int[files.size()];
        int ready = 0;
        int floats = 3 * height * width;
        for (int i = 0; i < files.size(); i++) {
            ImageFile file = files.get(i);
            if (file.readFailure() != null) {
                results[i] = file.readFailure();
                continue;
            }
            Optional<PreparedImage.Failed> failure = preprocessor.prepareInto(file.bytes(), buffer, ready * floats,
                    preprocessTimes);
            if (failure.isPresent()) {
                results[i] = new ScoreResult.Failed(failure.get().code().name(), failure.get().message());
            } else {
                slotOf[i] = ready++;
            }
        }
        if (ready == 0) {
            return results;
        }
        BatchOutput out = forward(ready);
        for (int i = 0; i < files.size(); i++) {
            if (results[i] == null) {
                int slot = slotOf[i];
                results[i] = resultOptions.result(out.logits() == null ? null : out.logits()[slot],
                        out.embeddings() == null ? null : out.embeddings()[slot]);
            }
        }
        return results;
    }

    /** Adds the time it took to read a file this scorer will score (the caller reads: {@link BatchingIterator}). */
    public void addReadNanos(long nanos) {
        readNanos += nanos;
    }

    /** Read, decode, resize/crop and forward time so far. */
    public StageTimes stageTimes() {
        StageTimes times = new StageTimes();
        times.add(Stage.READ, readNanos);
        times.add(Stage.DECODE, preprocessTimes.decodeNanos());
        times.add(Stage.RESIZE, preprocessTimes.resizeNanos());
        times.add(Stage.FORWARD, forwardNanos);
        return times;
    }

    private BatchOutput forward(int size) {
        // Task threads are pooled: (re)apply this thread's libtorch settings before every pass.
        InferenceThreads.prepareCurrentThread(intraOpThreads);
        long start = System.nanoTime();
        try {
            return predictor.predict(new ImageBatch(buffer, size, height, width));
        } catch (TranslateException e) {
            throw new IllegalStateException("inference failed for a batch of " + size + " images with model "
                    + model.identity() + ": " + e.getMessage(), e);
        } finally {
            forwardNanos += System.nanoTime() - start;
        }
    }

    /** Releases the predictor; safe to call more than once. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            predictor.close();
            if (lease != null) {
                lease.close();
            }
        }
    }
}
