package io.xceptionspark.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Child-JVM entry point for {@link MutatedFilesTest}: derives damaged files from the seed files
 * given on the command line (fixed seed, so every run sees the same files), prepares each one and
 * prints {@code <mutant>\t<outcome>\t<millis>\t<message>}, one line per mutant, then
 * {@code maxHeap\t<bytes>} and {@code count\t<mutants>}.
 *
 * <p>Mutations per seed file: bit flips (in the header and anywhere), truncations, header fields
 * overwritten with huge or zero values, and splices of one file's head onto another's tail.
 */
public final class MutationProbe {
    static final long SEED = 16;
    static final int PER_FILE = 24;
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final long MAX_PIXELS = 2_000_000;

    private MutationProbe() {
    }

    public static void main(String[] args) throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (String file : args) {
            seeds.add(Files.readAllBytes(Path.of(file)));
        }
        // A pixel limit that fits the child's 64 MB heap many times over, so running out of memory can
        // only mean that a codec allocated more than the header it was checked by declared.
        PreprocessConfig config = PreprocessConfig.defaults().withSize(64, 64)
                .withLimits(PreprocessConfig.DEFAULT_MAX_FILE_BYTES, MAX_PIXELS)
                .withDecodeTimeout(TIMEOUT);
        ImagePreprocessor preprocessor = new ImagePreprocessor(config);
        Random random = new Random(SEED);
        int count = 0;
        for (int f = 0; f < args.length; f++) {
            byte[] original = seeds.get(f);
            String name = Path.of(args[f]).getFileName().toString();
            for (int m = 0; m < PER_FILE; m++) {
                byte[] other = seeds.get(random.nextInt(seeds.size()));
                String kind = kind(m);
                byte[] mutant = mutate(kind, original, other, random);
                long start = System.nanoTime();
                String outcome;
                try {
                    PreparedImage result = preprocessor.prepare(mutant);
                    outcome = result instanceof PreparedImage.Failed failed
                            ? failed.code() + "\t" + millis(start) + "\t" + failed.message().replace('\n', ' ')
                            : "READY\t" + millis(start) + "\t-";
                } catch (Throwable t) { // the test fails on this: prepare must never throw
                    outcome = "CRASH\t" + millis(start) + "\t" + t;
                }
                System.out.println(name + "#" + m + "-" + kind + "\t" + outcome);
                count++;
            }
        }
        System.out.println("maxHeap\t" + Runtime.getRuntime().maxMemory());
        System.out.println("count\t" + count);
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    static String kind(int m) {
        if (m < 8) {
            return "flip";
        }
        if (m < 13) {
            return "truncate";
        }
        if (m < 21) {
            return "huge-field";
        }
        return "splice";
    }

    static byte[] mutate(String kind, byte[] b, byte[] other, Random random) {
        switch (kind) {
            case "flip" -> {
                byte[] out = b.clone();
                int flips = 1 + random.nextInt(8);
                boolean header = random.nextBoolean();
                for (int i = 0; i < flips; i++) {
                    int at = header ? random.nextInt(Math.min(64, out.length)) : random.nextInt(out.length);
                    out[at] ^= (byte) (1 << random.nextInt(8));
                }
                return out;
            }
            case "truncate" -> {
                int length = 1 + random.nextInt(Math.max(1, b.length - 1));
                return Arrays.copyOf(b, length);
            }
            case "huge-field" -> {
                // A 16- or 32-bit field in the header region (where sizes, counts and offsets live)
                byte[] out = b.clone();
                int span = Math.min(out.length, 128);
                int width = random.nextBoolean() ? 2 : 4;
                if (span <= width) {
                    return out;
                }
                int at = random.nextInt(span - width);
                int[] values = {0xFF, 0x7F, 0x00, 0x80};
                int value = values[random.nextInt(values.length)];
                boolean bigEndian = random.nextBoolean();
                for (int i = 0; i < width; i++) {
                    boolean top = bigEndian ? i == 0 : i == width - 1;
                    out[at + i] = (byte) (top ? value : (value == 0 ? 0 : 0xFF));
                }
                return out;
            }
            default -> {
                int head = 1 + random.nextInt(Math.max(1, b.length - 1));
                int tail = random.nextInt(Math.max(1, other.length));
                byte[] out = Arrays.copyOf(b, head + other.length - tail);
                System.arraycopy(other, tail, out, head, other.length - tail);
                return out;
            }
        }
    }
}
