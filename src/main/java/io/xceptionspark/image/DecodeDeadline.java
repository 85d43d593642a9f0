package io.xceptionspark.image;

import javax.imageio.ImageReader;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A time limit on decoding one image ({@code preprocess.decode-timeout}). The decode runs on a
 * worker thread while the caller waits at most the limit; past it the caller gets
 * {@link ImageErrorCode#TIMEOUT} and goes on with the next image.
 *
 * <p>Stopping the decoder: on timeout its {@link ImageReader} is aborted
 * ({@link ImageReader#abort()}; the ImageIO readers check the flag between rows, strips or tiles
 * and return early), or its decoder child process ({@link VipsDecoder}) is killed, and its thread is
 * interrupted. A decoder that honours neither (a loop that
 * never reaches an abort check) cannot be stopped safely in Java: its thread is abandoned, keeps
 * its CPU and memory until the decoder returns, and its result is discarded. Such threads are
 * daemons, so they never keep an executor JVM alive; {@link #abandoned()} counts those still
 * running, and the failure message reports the count.
 *
 * <p>Workers are pooled (idle ones exit after 30 s), so the hand-off costs tens of microseconds
 * per image, nothing next to a decode. A zero limit decodes on the caller's thread, with no limit.
 */
final class DecodeDeadline {
    private static final AtomicInteger WORKER_IDS = new AtomicInteger();
    private static final AtomicInteger ABANDONED = new AtomicInteger();
    private static final ExecutorService WORKERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), task -> {
                Thread t = new Thread(task, "xception-decode-" + WORKER_IDS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    /** A decode step that registers its reader so that a timeout can abort it. */
    interface Decode<T> {
        T run(Abort abort) throws IOException, ImageFailure;
    }

    /**
     * Where a running decode registers what to stop (an ImageIO reader, or a decoder child process); also tracks
     * whether it outlived its deadline.
     */
    static final class Abort {
        private volatile Runnable stopper;
        private boolean requested;
        private boolean done;

        void register(ImageReader r) {
            registerStopper(r::abort);
        }

        /** A decoder child process: killed on timeout, so it never outlives its image. */
        void register(Process p) {
            registerStopper(() -> p.destroyForcibly());
        }

        private void registerStopper(Runnable stop) {
            stopper = stop;
            if (requested()) {
                stop.run();
            }
        }

        synchronized boolean requested() {
            return requested;
        }

        /** Asks the decode to stop; true if it was still running (so it is now abandoned). */
        boolean fire() {
            boolean running;
            synchronized (this) {
                requested = true;
                running = !done;
            }
            Runnable stop = stopper;
            if (stop != null) {
                stop.run();
            }
            return running;
        }

        /** Called by the worker when the decode returns; true if it had been abandoned. */
        synchronized boolean finish() {
            done = true;
            return requested;
        }
    }

    private final Duration limit;

    DecodeDeadline(Duration limit) {
        if (limit.isNegative()) {
            throw new IllegalArgumentException("decode timeout must not be negative, got " + limit);
        }
        this.limit = limit;
    }

    Duration limit() {
        return limit;
    }

    /** Decoder threads that passed their deadline and are still running. */
    static int abandoned() {
        return ABANDONED.get();
    }

    <T> T run(Decode<T> decode) throws IOException, ImageFailure {
        if (limit.isZero()) {
            return decode.run(new Abort());
        }
        Abort abort = new Abort();
        Future<T> future = WORKERS.submit(() -> {
            try {
                return decode.run(abort);
            } finally {
                if (abort.finish()) {
                    ABANDONED.decrementAndGet();
                }
            }
        });
        try {
            return future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            stop(abort, future);
            throw new ImageFailure(ImageErrorCode.TIMEOUT, "decoding took longer than preprocess.decode-timeout ("
                    + describe(limit) + "); the decoder was aborted (" + ABANDONED.get()
                    + " timed-out decoder thread(s) still running in this JVM)");
        } catch (InterruptedException e) {
            // The task is being killed: stop the decode and keep the interrupt for the caller to see.
            stop(abort, future);
            Thread.currentThread().interrupt();
            throw new ImageFailure(ImageErrorCode.TIMEOUT, "interrupted while decoding");
        } catch (CancellationException e) {
            throw new ImageFailure(ImageErrorCode.TIMEOUT, "decode was cancelled");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ImageFailure f) {
                throw f;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err; // OutOfMemoryError is turned into TOO_LARGE by ImagePreprocessor
            }
            throw new IOException(cause);
        }
    }

    private static void stop(Abort abort, Future<?> future) {
        if (abort.fire()) {
            ABANDONED.incrementAndGet();
        }
        future.cancel(true);
    }

    static String describe(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
