package io.xceptionspark.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 API server on 127.0.0.1 (S3Proxy over its filesystem store in a local directory) with one bucket, and
 * the S3A settings that reach it: endpoint, path-style access, static credentials; all set per bucket
 * (fs.s3a.bucket.NAME.*) so they reach no other bucket.
 */
public final class S3Store implements TestStore {
    public static final String ACCESS_KEY = "xception-test-access";
    public static final String SECRET_KEY = "xception-test-secret";

    private final S3Proxy proxy;
    private final String bucket;
    private final Path root;

    private S3Store(S3Proxy proxy, String bucket, Path root) {
        this.proxy = proxy;
        this.bucket = bucket;
        this.root = root;
    }

    /** Starts the server storing under {@code root} and creates {@code bucket}. */
    public static S3Store start(Path root, String bucket) throws Exception {
        java.nio.file.Files.createDirectories(root);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(root.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!"STARTED".equals(proxy.getState()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        S3Store store = new S3Store(proxy, bucket, root);
        try (S3Client s3 = store.client()) {
            s3.createBucket(b -> b.bucket(bucket));
        }
        return store;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    public String bucket() {
        return bucket;
    }

    /** The directory where the server keeps the objects (bucket/key as files). */
    public Path root() {
        return root;
    }

    /** An SDK client of the server (for what S3A does not do: buckets). */
    public S3Client client() {
        return S3Client.builder().endpointOverride(URI.create(endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    @Override
    public String uri(String relative) {
        return "s3a://" + bucket + "/" + relative;
    }

    @Override
    public Map<String, String> hadoopSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        String b = "fs.s3a.bucket." + bucket + ".";
        s.put(b + "endpoint", endpoint());
        s.put(b + "endpoint.region", "us-east-1");
        s.put(b + "path.style.access", "true");
        s.put(b + "connection.ssl.enabled", "false");
        s.put(b + "access.key", ACCESS_KEY);
        s.put(b + "secret.key", SECRET_KEY);
        s.put(b + "aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        return s;
    }

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public boolean atomicRename() {
        return false;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
