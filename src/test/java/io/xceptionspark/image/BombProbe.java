package io.xceptionspark.image;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child-JVM entry point for {@link DecompressionBombTest}: prepares each file given on the command
 * line and prints {@code <file>\t<outcome>\t<message>}, one line per file, then the heap limit.
 */
public final class BombProbe {
    private BombProbe() {
    }

    public static void main(String[] args) throws Exception {
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.defaults());
        for (String file : args) {
            PreparedImage result = preprocessor.prepare(Files.readAllBytes(Path.of(file)));
            String outcome = result instanceof PreparedImage.Failed f ? f.code() + "\t" + f.message() : "READY\t-";
            System.out.println(Path.of(file).getFileName() + "\t" + outcome);
        }
        System.out.println("maxHeap\t" + Runtime.getRuntime().maxMemory());
    }
}
