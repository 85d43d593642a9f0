package io.xceptionspark.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChecksumsTest {

    @TempDir
    Path tmp;

    @Test
    void knownDigestsOfSmallFiles() throws IOException {
        Path abc = Files.writeString(tmp.resolve("abc"), "abc");
        assertEquals("900150983cd24fb0d6963f7d28e17f72", Checksums.md5(abc));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Checksums.sha256(abc));
        assertEquals("d41d8cd98f00b204e9800998ecf8427e", Checksums.md5(Files.createFile(tmp.resolve("empty"))));
    }

    @Test
    void digestsOfAFileLargerThanTheBuffer() {
        Path h5 = WeightsFixtures.formulaH5(); // 1.9 MB, many buffer fills (values from md5sum/sha256sum)
        assertEquals("3039e52a64b7c8a44685c5efe8d58af6", Checksums.md5(h5));
        assertEquals("1d630e5fc0e35f081f54bc185a2e8747d41d0aaa581993071c265d321c5ab41e", Checksums.sha256(h5));
        assertEquals("1d630e5fc0e3", Checksums.shortId(h5));
    }

    @Test
    void missingFileNamesIt() {
        Path p = tmp.resolve("gone.h5");
        WeightsException e = assertThrows(WeightsException.class, () -> Checksums.md5(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("MD5"), e.getMessage());
    }
}
