package io.xceptionspark.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A safetensors file (Hugging Face's format, as timm publishes weights): an 8-byte little-endian header length,
 * a JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian data. Read with
 * DJL's own decoder ({@link NDList#decode}), which places each tensor by its data_offsets.
 */
public final class SafetensorsFile {
    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    /** safetensors itself refuses headers above 100 MB. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private SafetensorsFile() {}

    /**
     * Every tensor of {@code file} by name, as arrays of {@code manager} (the caller closes them with it).
     *
     * @throws WeightsException if the file is missing, a Keras HDF5 file, truncated or not safetensors
     */
    public static Map<String, NDArray> read(Path file, NDManager manager) {
        checkHeader(file);
        NDList arrays;
        try (InputStream in = Files.newInputStream(file)) {
            arrays = NDList.decode(manager, in);
        } catch (IOException | RuntimeException e) {
            throw new WeightsException(file + " is not a readable safetensors file (" + e.getMessage()
                    + "): it is damaged or truncated; download model.safetensors again.", e);
        }
        Map<String, NDArray> byName = new LinkedHashMap<>();
        for (NDArray array : arrays) {
            byName.put(array.getName(), array);
        }
        return Collections.unmodifiableMap(byName);
    }

    /** Whether {@code file} starts with the HDF5 signature (a Keras .h5 weights file). */
    public static boolean isHdf5(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(HDF5_SIGNATURE.length), HDF5_SIGNATURE);
        } catch (IOException e) {
            return false;
        }
    }

    private static void checkHeader(Path file) {
        long size;
        byte[] first = new byte[9];
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            int n = in.readNBytes(first, 0, first.length);
            if (n < first.length) {
                throw new WeightsException(file + " is not a safetensors file: it has only " + size + " bytes.");
            }
        } catch (IOException e) {
            throw new WeightsException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (isHdf5(file)) {
            throw new WeightsException(file + " is a Keras HDF5 (.h5) weights file, not safetensors.");
        }
        long headerBytes = ByteBuffer.wrap(first, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerBytes <= 0 || headerBytes > MAX_HEADER_BYTES || headerBytes > size - 8 || first[8] != '{') {
            throw new WeightsException(file + " is not a safetensors file (no JSON header after the 8-byte length):"
                    + " give the model.safetensors of a timm checkpoint.");
        }
    }
}
