package io.xceptionspark.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Checks the HDF5 superblock before the HDF5 library sees the file, so the two commonest user mistakes
 * get a precise message instead of a library stack trace: a file that is not HDF5 at all (an HTML error
 * page saved as .h5, a JPEG, a TorchScript zip) and a file cut short (interrupted copy or download),
 * which the superblock's end-of-file address reveals.
 */
final class Hdf5Header {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final long UNDEFINED = -1L;

    private Hdf5Header() {
    }

    /** Throws a {@link WeightsException} unless {@code file} starts like a complete HDF5 file. */
    static void check(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long at = findSignature(ch, size);
            if (at < 0) {
                throw new WeightsException("Weights file " + file + " is not an HDF5 file (no HDF5 signature; "
                        + describe(ch, size) + "). Give a Keras .h5 weights file, e.g. one written by "
                        + "model.save_weights('x.h5') or downloaded from the Keras applications URL.");
            }
            long needed = requiredLength(ch, at, size);
            if (needed > size) {
                throw new WeightsException("Weights file " + file + " is truncated: it has " + size
                        + " bytes but its HDF5 header says " + needed + ". The copy or download was probably "
                        + "interrupted: fetch the file again.");
            }
        } catch (IOException e) {
            throw new WeightsException("Cannot read weights file " + file + ": " + e
                    + ". Check that the path is right and the file is readable.", e);
        }
    }

    /** The signature sits at 0 or, after a user block, at 512, 1024, 2048, ... */
    private static long findSignature(FileChannel ch, long size) throws IOException {
        for (long at = 0; at + SIGNATURE.length <= size; at = at == 0 ? 512 : at * 2) {
            ByteBuffer b = read(ch, at, SIGNATURE.length);
            if (b.remaining() == SIGNATURE.length && startsWithSignature(b)) {
                return at;
            }
        }
        return -1;
    }

    private static boolean startsWithSignature(ByteBuffer b) {
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (b.get(i) != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Base address + end-of-file address from the superblock (versions 0-3), or 0 when the header is
     * too short or unusual to tell; the HDF5 library then reports what it finds.
     */
    private static long requiredLength(FileChannel ch, long at, long size) throws IOException {
        ByteBuffer b = read(ch, at, 96).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 16) {
            return size + 1; // a signature and nothing else
        }
        int version = b.get(8) & 0xff;
        int offsetSize;
        int baseAt;
        if (version == 0 || version == 1) {
            offsetSize = b.get(13) & 0xff;
            baseAt = version == 0 ? 24 : 28;
        } else if (version == 2 || version == 3) {
            offsetSize = b.get(9) & 0xff;
            baseAt = 12;
        } else {
            return 0;
        }
        int eofAt = baseAt + 2 * offsetSize;
        if (offsetSize != 8 && offsetSize != 4) {
            return 0;
        }
        if (b.remaining() < eofAt + offsetSize) {
            return size + 1; // the superblock itself is cut short
        }
        long base = address(b, baseAt, offsetSize);
        long eof = address(b, eofAt, offsetSize);
        if (base == UNDEFINED || eof == UNDEFINED || base < 0 || eof < 0) {
            return 0;
        }
        return base + eof;
    }

    private static long address(ByteBuffer b, int at, int offsetSize) {
        if (offsetSize == 4) {
            int v = b.getInt(at);
            return v == -1 ? UNDEFINED : Integer.toUnsignedLong(v);
        }
        return b.getLong(at);
    }

    private static ByteBuffer read(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
            // keep reading
        }
        return b.flip();
    }

    /** A hint at what the file is instead, from its first bytes. */
    private static String describe(FileChannel ch, long size) throws IOException {
        if (size == 0) {
            return "the file is empty";
        }
        ByteBuffer b = read(ch, 0, 4);
        int b0 = b.get(0) & 0xff;
        if (size >= 3 && b0 == 0xff && (b.get(1) & 0xff) == 0xd8) {
            return "it looks like a JPEG image";
        }
        if (size >= 4 && b0 == 'P' && b.get(1) == 'K') {
            return "it looks like a zip archive, e.g. a TorchScript .pt or a Keras 3 .keras file";
        }
        if (size >= 1 && (b0 == '<' || b0 == '{')) {
            return "it looks like text (HTML, XML or JSON), e.g. an error page saved instead of the download";
        }
        return size + " bytes";
    }
}
