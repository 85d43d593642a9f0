package io.xceptionspark.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-made safetensors files, laid out as safetensors' serializer writes them (I64 data before F32). */
class SafetensorsFileTest {
    @TempDir
    Path tmp;

    /** 8-byte LE header length, JSON header padded with spaces to 8 bytes, then the data. */
    private static byte[] safetensors(String header, byte[] data) {
        StringBuilder h = new StringBuilder(header);
        while (h.length() % 8 != 0) {
            h.append(' ');
        }
        byte[] json = h.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
        out.writeBytes(json);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static byte[] data() {
        ByteBuffer b = ByteBuffer.allocate(8 + 6 * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(7); // stem.0.bn.num_batches_tracked
        for (int i = 0; i < 6; i++) {
            b.putFloat(i * 0.5f - 1f); // stem.0.conv.weight [2, 3]
        }
        return b.array();
    }

    private static final String HEADER = "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"stem.0.bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
            + "\"stem.0.conv.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[8,32]}}";

    @Test
    void readsEveryTensorByNameWithItsShapeTypeAndValues() throws Exception {
        Path file = Files.write(tmp.resolve("model.safetensors"), safetensors(HEADER, data()));
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> tensors = SafetensorsFile.read(file, manager);
            assertEquals(2, tensors.size());
            NDArray w = tensors.get("stem.0.conv.weight");
            assertEquals(DataType.FLOAT32, w.getDataType());
            assertArrayEquals(new long[] {2, 3}, w.getShape().getShape());
            assertArrayEquals(new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f}, w.toFloatArray());
            NDArray counter = tensors.get("stem.0.bn.num_batches_tracked");
            assertEquals(DataType.INT64, counter.getDataType());
            assertEquals(0, counter.getShape().dimension());
            assertEquals(7L, counter.toLongArray()[0]);
        }
    }

    @Test
    void kerasHdf5FileIsNamedAsSuch() throws Exception {
        byte[] h5 = new byte[64];
        System.arraycopy(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}, 0, h5, 0, 8);
        Path file = Files.write(tmp.resolve("xception.h5"), h5);
        assertTrue(SafetensorsFile.isHdf5(file));
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            WeightsException e = assertThrows(WeightsException.class, () -> SafetensorsFile.read(file, manager));
            assertTrue(e.getMessage().contains("Keras HDF5"), e.getMessage());
        }
    }

    @Test
    void truncatedOrForeignFilesFailWithTheFileNamed() throws Exception {
        byte[] whole = safetensors(HEADER, data());
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 10);
        Path truncated = Files.write(tmp.resolve("truncated.safetensors"), cut);
        Path text = Files.writeString(tmp.resolve("notes.safetensors"), "these are not weights at all, sorry");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            for (Path file : new Path[] {truncated, text}) {
                WeightsException e = assertThrows(WeightsException.class, () -> SafetensorsFile.read(file, manager));
                assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            }
        }
    }
}
