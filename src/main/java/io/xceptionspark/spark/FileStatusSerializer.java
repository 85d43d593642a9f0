package io.xceptionspark.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Kryo serializer for the file statuses Spark's parallel listing sends from its listing tasks back to the driver
 * (HadoopFSUtils lists more than spark.sql.sources.parallelPartitionDiscovery.threshold directories in a Spark
 * job whose results Kryo serialises). It keeps what Spark's file index uses: path, length, directory flag,
 * replication, block size, modification and access time, and each block's names, hosts, offset and length;
 * a status read back is a plain {@link LocatedFileStatus} (or {@link FileStatus} without blocks), whatever file
 * system's subclass was written (earlier Spark versions converted them to their own SerializableFileStatus in the
 * same way). Owner, group, permission and symlink target are not carried: the file index does not read them.
 */
final class FileStatusSerializer extends Serializer<FileStatus> {

    @Override
    public void write(Kryo kryo, Output out, FileStatus status) {
        out.writeString(status.getPath().toString());
        out.writeLong(status.getLen());
        out.writeBoolean(status.isDirectory());
        out.writeShort(status.getReplication());
        out.writeLong(status.getBlockSize());
        out.writeLong(status.getModificationTime());
        out.writeLong(status.getAccessTime());
        BlockLocation[] blocks = status instanceof LocatedFileStatus located ? located.getBlockLocations() : null;
        out.writeInt(blocks == null ? 0 : blocks.length + 1, true); // 0: no block locations
        if (blocks == null) {
            return;
        }
        try {
            for (BlockLocation block : blocks) {
                writeStrings(out, block.getNames());
                writeStrings(out, block.getHosts());
                out.writeLong(block.getOffset());
                out.writeLong(block.getLength());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("block locations of " + status.getPath(), e);
        }
    }

    @Override
    public FileStatus read(Kryo kryo, Input in, Class<FileStatus> type) {
        Path path = new Path(in.readString());
        long length = in.readLong();
        boolean directory = in.readBoolean();
        short replication = in.readShort();
        long blockSize = in.readLong();
        long modified = in.readLong();
        long accessed = in.readLong();
        int blockCount = in.readInt(true) - 1;
        if (blockCount < 0) {
            return new FileStatus(length, directory, replication, blockSize, modified, accessed, null, null, null, path);
        }
        BlockLocation[] blocks = new BlockLocation[blockCount];
        for (int i = 0; i < blockCount; i++) {
            blocks[i] = new BlockLocation(readStrings(in), readStrings(in), in.readLong(), in.readLong());
        }
        return new LocatedFileStatus(length, directory, replication, blockSize, modified, accessed, null, null, null,
                null, path, blocks);
    }

    private static void writeStrings(Output out, String[] values) {
        out.writeInt(values.length, true);
        for (String v : values) {
            out.writeString(v);
        }
    }

    private static String[] readStrings(Input in) {
        String[] values = new String[in.readInt(true)];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readString();
        }
        return values;
    }
}
