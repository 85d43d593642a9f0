package io.xceptionspark.testing;

import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A real HDFS in this JVM (MiniDFSCluster: a NameNode and one DataNode on 127.0.0.1, blocks under a local directory). */
public final class HdfsStore implements TestStore {
    private final MiniDFSCluster cluster;

    private HdfsStore(MiniDFSCluster cluster) {
        this.cluster = cluster;
    }

    public static HdfsStore start(Path root) throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, root.toString());
        conf.setInt("dfs.replication", 1);
        conf.setBoolean("dfs.permissions.enabled", false);
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, root.toFile()).numDataNodes(1).build();
        cluster.waitActive();
        return new HdfsStore(cluster);
    }

    @Override
    public String uri(String relative) {
        return "hdfs://127.0.0.1:" + cluster.getNameNodePort() + "/" + relative;
    }

    @Override
    public Map<String, String> hadoopSettings() {
        return Map.of(); // the NameNode's address is in every path
    }

    @Override
    public String name() {
        return "hdfs";
    }

    @Override
    public boolean atomicRename() {
        return true;
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }
}
