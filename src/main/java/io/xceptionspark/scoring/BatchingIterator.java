package io.xceptionspark.scoring;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Lazily scores a stream of inputs in batches: pulls up to a batch of inputs, reads each one's file,
 * scores the batch and hands out one output per input, in order. Every input yields exactly one output.
 * The scorer is closed as soon as the inputs are exhausted (callers also close it on task completion).
 *
 * @param <I> input records (e.g. Spark rows)
 * @param <O> output records
 */
public final class BatchingIterator<I, O> implements Iterator<O> {
    private final Iterator<I> inputs;
    private final BatchScorer scorer;
    private final Function<I, ImageFile> reader;
    private final BiFunction<I, ScoreResult, O> writer;
    private final ArrayDeque<O> ready = new ArrayDeque<>();
    private boolean closed;

    public BatchingIterator(Iterator<I> inputs, BatchScorer scorer, Function<I, ImageFile> reader,
                            BiFunction<I, ScoreResult, O> writer) {
        this.inputs = inputs;
        this.scorer = scorer;
        this.reader = reader;
        this.writer = writer;
    }

    @Override
    public boolean hasNext() {
        if (!ready.isEmpty()) {
            return true;
        }
        if (closed) {
            return false;
        }
        if (!inputs.hasNext()) {
            closed = true;
            scorer.close();
            return false;
        }
        List<I> batch = new ArrayList<>(scorer.maxBatchSize());
        List<ImageFile> files = new ArrayList<>(scorer.maxBatchSize());
        while (batch.size() < scorer.maxBatchSize() && inputs.hasNext()) {
            I input = inputs.next();
            batch.add(input);
            long start = System.nanoTime();
            files.add(reader.apply(input));
            scorer.addReadNanos(System.nanoTime() - start);
        }
        ScoreResult[] results = scorer.score(files);
        for (int i = 0; i < batch.size(); i++) {
            ready.add(writer.apply(batch.get(i), results[i]));
        }
        return true;
    }

    @Override
    public O next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }
}
