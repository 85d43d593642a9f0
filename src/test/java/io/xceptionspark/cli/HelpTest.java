package io.xceptionspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.ConfigKey;
import io.xceptionspark.config.ConfigKeys;
import org.junit.jupiter.api.Test;

/** {@code score --help} lists every configuration key with its default and meaning, and the exit codes. */
class HelpTest {
    @Test
    void scoreHelpListsEveryKey() {
        CliRun run = CliRun.of("score", "--help");
        assertEquals(0, run.exitCode(), run.toString());
        for (ConfigKey key : ConfigKeys.all()) {
            assertTrue(run.out().contains("  " + key.name() + " = " + key.defaultValue()), "missing " + key.name());
            String firstWords = key.description().split(" ")[0];
            assertTrue(run.out().contains(firstWords), key.name());
        }
        for (String flag : new String[] {"--job", "--input", "--output", "--mode", "--weights", "--model", "--resize",
            "--incremental", "--master", "--set"}) {
            assertTrue(run.out().contains(flag), flag);
        }
        assertTrue(run.out().contains("Exit codes: 0 ok, 2 configuration/usage error, 3 model/weights error"));
    }

    @Test
    void topLevelHelpAndMissingCommand() {
        CliRun help = CliRun.of("--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("score") && help.out().contains("predict") && help.out().contains("report"),
                help.out());
        CliRun none = CliRun.of();
        assertEquals(ExitCodes.CONFIG, none.exitCode(), none.toString());
        assertTrue(none.err().contains("Missing command"), none.toString());
    }
}
