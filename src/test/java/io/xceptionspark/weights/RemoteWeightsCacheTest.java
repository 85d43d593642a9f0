package io.xceptionspark.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weights behind a Hadoop URI: copied once into a local cache, atomically, verified. */
class RemoteWeightsCacheTest {
    @TempDir
    Path tmp;

    private Path remoteFile(String name, int bytes, long seed) throws Exception {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        Path dir = Files.createDirectories(tmp.resolve("remote"));
        return Files.write(dir.resolve(name), data);
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void fileUriIsCopiedOnceThenReused() throws Exception {
        Path remote = remoteFile("w.h5", 300_000, 1);
        Path cacheDir = tmp.resolve("cache");
        RemoteWeightsCache cache = new RemoteWeightsCache(cacheDir, new Configuration());

        RemoteWeightsCache.LocalCopy first = cache.resolve(remote.toUri(), "");
        assertTrue(first.copied());
        assertTrue(first.file().startsWith(cacheDir) && first.file().getFileName().toString().endsWith("-w.h5"),
                first.file().toString());
        assertArrayEquals(Files.readAllBytes(remote), Files.readAllBytes(first.file()));
        assertEquals(Checksums.sha256(remote), first.sha256());

        RemoteWeightsCache.LocalCopy second = cache.resolve(remote.toUri(), first.sha256().toUpperCase());
        assertFalse(second.copied(), "a complete copy of the same version is reused");
        assertEquals(first.file(), second.file());
        assertEquals(List.of(first.file()), files(cacheDir), "one file, no temporary leftovers");
    }

    @Test
    void rawLocalFileSystemUnderItsOwnSchemeAndANewVersionGetsANewCopy() throws Exception {
        Path remote = remoteFile("model.h5", 200_000, 2);
        URI uri = LoopbackFileSystem.uri(remote);
        assertEquals("loopback", uri.getScheme());
        RemoteWeightsCache cache = new RemoteWeightsCache(tmp.resolve("cache"), LoopbackFileSystem.configuration());

        RemoteWeightsCache.LocalCopy v1 = cache.resolve(uri, Checksums.sha256(remote));
        assertTrue(v1.copied());
        assertArrayEquals(Files.readAllBytes(remote), Files.readAllBytes(v1.file()));

        byte[] changed = Files.readAllBytes(remote);
        changed[0] ^= 1;
        Files.write(remote, changed);
        Files.setLastModifiedTime(remote, FileTime.fromMillis(Files.getLastModifiedTime(remote).toMillis() + 5000));
        RemoteWeightsCache.LocalCopy v2 = cache.resolve(uri, "");
        assertTrue(v2.copied(), "the remote file changed (modification time): copied again");
        assertNotEquals(v1.file(), v2.file());
        assertEquals(Checksums.sha256(remote), v2.sha256());
    }

    @Test
    void viewFsMountOfALocalDirectory() throws Exception {
        Path remote = remoteFile("mounted.h5", 50_000, 3);
        Configuration conf = new Configuration();
        conf.set("fs.viewfs.mounttable.models.link./weights", remote.getParent().toUri().toString());
        RemoteWeightsCache.LocalCopy copy = new RemoteWeightsCache(tmp.resolve("cache"), conf)
                .resolve(URI.create("viewfs://models/weights/mounted.h5"), "");
        assertArrayEquals(Files.readAllBytes(remote), Files.readAllBytes(copy.file()));
    }

    @Test
    void checksumMismatchIsAClearErrorAndLeavesNothingBehind() throws Exception {
        Path remote = remoteFile("w.h5", 100_000, 4);
        Path cacheDir = tmp.resolve("cache");
        String wrong = "0".repeat(64);
        URI uri = LoopbackFileSystem.uri(remote);
        WeightsException e = assertThrows(WeightsException.class,
                () -> new RemoteWeightsCache(cacheDir, LoopbackFileSystem.configuration()).resolve(uri, wrong));
        String m = e.getMessage();
        assertTrue(m.contains("checksum mismatch") && m.contains(uri.toString()) && m.contains(Checksums.sha256(remote))
                && m.contains(wrong) && m.contains("model.weights-sha256"), m);
        assertEquals(List.of(), files(cacheDir), "no copy and no temporary file");
    }

    @Test
    void missingRemoteFileOrDirectory() throws Exception {
        RemoteWeightsCache cache = new RemoteWeightsCache(tmp.resolve("cache"), LoopbackFileSystem.configuration());
        URI missing = LoopbackFileSystem.uri(tmp.resolve("nope.h5"));
        WeightsException e = assertThrows(WeightsException.class, () -> cache.resolve(missing, ""));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
        URI dir = LoopbackFileSystem.uri(Files.createDirectories(tmp.resolve("adir")));
        e = assertThrows(WeightsException.class, () -> cache.resolve(dir, ""));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        URI unknown = URI.create("nosuchfs://host/w.h5");
        e = assertThrows(WeightsException.class, () -> cache.resolve(unknown, ""));
        assertTrue(e.getMessage().contains("nosuchfs://host/w.h5") && e.getMessage().contains("connector"),
                e.getMessage());
    }

    @Test
    void concurrentResolversShareOneCacheDirectory() throws Exception {
        Path remote = remoteFile("big.h5", 8_000_000, 5);
        String sha = Checksums.sha256(remote);
        URI uri = LoopbackFileSystem.uri(remote);
        Path cacheDir = tmp.resolve("cache");
        int n = 6;
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<RemoteWeightsCache.LocalCopy>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // one cache object per thread, as separate executor JVMs on one host would have
                results.add(pool.submit(() -> {
                    RemoteWeightsCache cache = new RemoteWeightsCache(cacheDir, LoopbackFileSystem.configuration());
                    start.await();
                    return cache.resolve(uri, sha);
                }));
            }
            Path file = null;
            for (Future<RemoteWeightsCache.LocalCopy> f : results) {
                RemoteWeightsCache.LocalCopy copy = f.get();
                assertEquals(sha, copy.sha256());
                assertEquals(sha, Checksums.sha256(copy.file()), "every resolver sees a complete file");
                file = file == null ? copy.file() : file;
                assertEquals(file, copy.file());
            }
            assertEquals(List.of(file), files(cacheDir), "one file, no temporary leftovers");
        } finally {
            pool.shutdownNow();
        }
    }
}
