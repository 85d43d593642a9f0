package io.xceptionspark.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestStore} for a test class: started in a temporary directory before the class's first test, closed
 * and its directory deleted after the last. Registered in a static field, which the tests ask for the store:
 * <pre>{@code
 * @RegisterExtension
 * static final StoreExtension<S3Store> S3 = StoreExtension.s3("photos");
 * ... S3.get().uri("in") ...
 * }</pre>
 */
public final class StoreExtension<T extends TestStore> implements BeforeAllCallback, AfterAllCallback {
    private interface Starter<T> {
        T start(Path root) throws Exception;
    }

    private final String name;
    private final Starter<T> starter;
    private Path root;
    private T store;

    private StoreExtension(String name, Starter<T> starter) {
        this.name = name;
        this.starter = starter;
    }

    /** S3Proxy on 127.0.0.1 with one bucket ({@link S3Store}). */
    public static StoreExtension<S3Store> s3(String bucket) {
        return new StoreExtension<>("s3", root -> S3Store.start(root, bucket));
    }

    /** A MiniDFSCluster on 127.0.0.1 ({@link HdfsStore}). */
    public static StoreExtension<HdfsStore> hdfs() {
        return new StoreExtension<>("hdfs", HdfsStore::start);
    }

    /** The class's store (started: the extension is registered in a static field). */
    public T get() {
        if (store == null) {
            throw new IllegalStateException("the " + name + " store runs only during its test class: register the"
                    + " extension in a static field");
        }
        return store;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        root = Files.createTempDirectory("xception-" + name);
        store = starter.start(root);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            store = null;
            delete(root);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return; // MiniDFSCluster's shutdown deletes its own directory
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
