package io.xceptionspark.weights;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.xceptionspark.testing.Golden;
import io.xceptionspark.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way a weights file can be wrong ends in one WeightsException naming the file and the fix. */
class KerasWeightsFileFailuresTest {

    @TempDir
    Path tmp;

    private static WeightsException failsReading(Path file, String... fragments) {
        WeightsException e = assertThrows(WeightsException.class, () -> KerasWeightsFile.read(file));
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), "names the file: " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "expected '" + f + "' in: " + m);
        }
        return e;
    }

    @Test
    void missingFile() {
        failsReading(tmp.resolve("nope.h5"), "does not exist", "weights=imagenet");
    }

    @Test
    void directoryInsteadOfFile() {
        failsReading(tmp, "not a readable file");
    }

    @Test
    void emptyFile() throws IOException {
        failsReading(Files.createFile(tmp.resolve("empty.h5")), "not an HDF5 file", "empty");
    }

    @Test
    void textFile() throws IOException {
        Path p = Files.writeString(tmp.resolve("page.h5"), "<html><body>403 Forbidden</body></html>\n");
        failsReading(p, "not an HDF5 file", "looks like text", "Keras .h5 weights file");
    }

    @Test
    void jpegFile() {
        Path jpeg = TestData.sample("dog.jpg");
        failsReading(jpeg, "not an HDF5 file", "JPEG");
    }

    @Test
    void torchScriptZip() {
        failsReading(TestData.path(Golden.TORCHSCRIPT_MODEL),
                "not an HDF5 file", "zip");
    }

    @Test
    void truncatedToHalf() throws IOException {
        byte[] all = Files.readAllBytes(WeightsFixtures.formulaH5());
        Path p = Files.write(tmp.resolve("half.h5"), Arrays.copyOf(all, all.length / 2));
        failsReading(p, "truncated", all.length / 2 + " bytes", "header says " + all.length, "again");
    }

    @Test
    void truncatedInsideTheHeader() throws IOException {
        byte[] all = Files.readAllBytes(WeightsFixtures.formulaH5());
        Path p = Files.write(tmp.resolve("cut.h5"), Arrays.copyOf(all, 20));
        failsReading(p, "truncated");
    }

    @Test
    void corruptMetadata() throws IOException {
        byte[] all = Files.readAllBytes(WeightsFixtures.formulaH5());
        Arrays.fill(all, 200, 4000, (byte) 0x5a); // the root group's structures, past the superblock
        Path p = Files.write(tmp.resolve("corrupt.h5"), all);
        failsReading(p, "corrupt", "again");
    }

    @Test
    void corruptCompressedData() throws IOException {
        byte[] all = Files.readAllBytes(WeightsFixtures.formulaH5());
        int mid = all.length / 2;
        Arrays.fill(all, mid, mid + 50_000, (byte) 0x00); // inside gzip chunks
        Path p = Files.write(tmp.resolve("corrupt-data.h5"), all);
        failsReading(p, "corrupt", "again");
    }

    /** Random byte damage anywhere: the read succeeds or fails with a WeightsException, never anything else. */
    @Test
    void randomDamageNeverEscapesAsAnotherException() throws IOException {
        byte[] orig = Files.readAllBytes(WeightsFixtures.formulaH5());
        java.util.Random random = new java.util.Random(1);
        for (int k = 0; k < 24; k++) {
            byte[] b = orig.clone();
            int region = k % 2 == 0 ? 20_000 : b.length; // half of the cases hit the metadata near the start
            for (int j = random.nextInt(8); j >= 0; j--) {
                b[random.nextInt(region)] = (byte) random.nextInt(256);
            }
            Path p = Files.write(tmp.resolve("damaged.h5"), b);
            try {
                KerasWeightsFile.read(p);
            } catch (WeightsException e) {
                assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
            }
        }
    }

    @Test
    void hdf5FileThatIsNotKerasWeights() throws IOException {
        Path p = tmp.resolve("other.h5");
        try (WritableHdfFile f = HdfFile.write(p)) {
            f.putGroup("data").putDataset("x", new float[] {1, 2, 3});
        }
        failsReading(p, "not a Keras weights file", "layer_names", "save_weights");
    }

    @Test
    void keras3WeightsFileGetsAHint() throws IOException {
        Path p = tmp.resolve("model.weights.h5");
        try (WritableHdfFile f = HdfFile.write(p)) {
            f.putGroup("layers").putGroup("dense").putDataset("0", new float[] {1});
            f.putGroup("vars").putDataset("0", new float[] {1});
        }
        failsReading(p, "not a Keras weights file", "Keras 3");
    }

    @Test
    void integerWeights() throws IOException {
        Path p = tmp.resolve("ints.h5");
        try (WritableHdfFile f = HdfFile.write(p)) {
            f.putAttribute("layer_names", new String[] {"dense"});
            WritableGroup g = f.putGroup("dense");
            g.putAttribute("weight_names", new String[] {"dense/kernel:0"});
            g.putGroup("dense").putDataset("kernel:0", new int[][] {{1, 2}, {3, 4}});
        }
        failsReading(p, "dense/kernel:0", "not float32 or float64");
    }

    @Test
    void layerListedWithoutGroup() throws IOException {
        Path p = tmp.resolve("missing-group.h5");
        try (WritableHdfFile f = HdfFile.write(p)) {
            f.putAttribute("layer_names", new String[] {"dense", "ghost"});
            WritableGroup g = f.putGroup("dense");
            g.putAttribute("weight_names", new String[] {"dense/kernel:0"});
            g.putGroup("dense").putDataset("kernel:0", new float[] {1});
        }
        failsReading(p, "'ghost'", "no group");
    }

    @Test
    void weightListedWithoutDataset() throws IOException {
        Path p = tmp.resolve("missing-weight.h5");
        try (WritableHdfFile f = HdfFile.write(p)) {
            f.putAttribute("layer_names", new String[] {"dense"});
            WritableGroup g = f.putGroup("dense");
            g.putAttribute("weight_names", new String[] {"dense/kernel:0", "dense/bias:0"});
            g.putGroup("dense").putDataset("kernel:0", new float[] {1});
        }
        failsReading(p, "'dense/bias:0'", "no such dataset");
    }

    @Test
    void notHdf5EvenWithH5Name() throws IOException {
        Path p = Files.write(tmp.resolve("random.h5"), "GIF89a....".getBytes(StandardCharsets.US_ASCII));
        failsReading(p, "not an HDF5 file");
    }
}
