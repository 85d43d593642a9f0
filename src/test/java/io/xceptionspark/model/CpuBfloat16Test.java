package io.xceptionspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The /proc/cpuinfo check behind the bfloat16 log line, and the precision option's spellings. */
class CpuBfloat16Test {
    @TempDir
    Path dir;

    @Test
    void nativeWhenTheFlagsLineHasAvx512Bf16OrAmxBf16() throws Exception {
        CpuBfloat16 zen4 = CpuBfloat16.read(cpuinfo("fpu sse2 avx512f avx512_bf16 avx512_vnni"));
        assertTrue(zen4.isNative());
        assertEquals(List.of("avx512_bf16"), zen4.nativeFlags());
        assertTrue(zen4.describe().contains("natively") && zen4.describe().contains("avx512_bf16"));
        assertEquals(List.of("avx512_bf16", "amx_bf16"),
                CpuBfloat16.read(cpuinfo("avx512_bf16 amx_tile amx_bf16 amx_int8")).nativeFlags());
    }

    @Test
    void emulatedWithoutTheFlagsOrWithoutCpuinfo() throws Exception {
        CpuBfloat16 older = CpuBfloat16.read(cpuinfo("fpu sse2 avx2 avx512f avx512_vnni"));
        assertFalse(older.isNative());
        assertTrue(older.describe().contains("EMULATED") && older.describe().contains("slower"), older.describe());
        assertFalse(CpuBfloat16.read(dir.resolve("missing")).isNative());
    }

    @Test
    void precisionParsesItsValuesAndNamesThemWhenWrong() {
        assertEquals(Precision.FLOAT32, Precision.parse("float32"));
        assertEquals(Precision.BFLOAT16, Precision.parse(" BFloat16 "));
        assertEquals(Precision.BFLOAT16, Precision.parse("bf16"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp16"));
        assertTrue(e.getMessage().contains("float32, bfloat16") && e.getMessage().contains("fp16"), e.getMessage());
    }

    private Path cpuinfo(String flags) throws Exception {
        Path file = dir.resolve("cpuinfo");
        Files.writeString(file, "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: " + flags
                + "\n\nprocessor\t: 1\nflags\t\t: " + flags + "\n");
        return file;
    }
}
