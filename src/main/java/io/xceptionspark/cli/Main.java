package io.xceptionspark.cli;

import io.xceptionspark.config.ConfigDocs;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code xception-spark score} (the Spark job), {@code xception-spark predict}
 * (a few files, no Spark) and {@code xception-spark report} (the HTML report of an output). Errors a user can fix end with one message and exit code 2 (configuration) or
 * 3 (model/weights); see {@link ExitCodes}.
 */
@Command(name = "xception-spark", mixinStandardHelpOptions = true, version = "xception-spark 0.1.0",
        description = "Batch scoring with Keras' Xception on Spark: ImageNet labels and 2048-d embeddings.",
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'xception-spark score --help' for every option and configuration key."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing command: score, predict, similar, duplicates, sql or report.");
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command and returns its exit code (tests call this directly). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Main())
                .addSubcommand(new CommandLine(new ScoreCommand(out)))
                .addSubcommand(new CommandLine(new PredictCommand(out, err)))
                .addSubcommand(new CommandLine(new SimilarCommand(out, err)))
                .addSubcommand(new CommandLine(new DuplicatesCommand(out)))
                .addSubcommand(new CommandLine(new SqlCommand(out)))
                .addSubcommand(new CommandLine(new ReportCommand(out)));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        CommandLine score = cli.getSubcommands().get("score");
        score.getCommandSpec().usageMessage().footer(ConfigDocs.helpText().replace("%", "%%"), "",
                "Exit codes: 0 ok, 2 configuration/usage error, 3 model/weights error, 1 unexpected failure.");
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            int code = ExitCodes.of(e);
            if (code == ExitCodes.UNEXPECTED) {
                err.println("xception-spark: unexpected failure: " + e);
                e.printStackTrace(err);
            } else {
                err.println("xception-spark: error: " + e.getMessage());
            }
            return code;
        });
        cli.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? ExitCodes.CONFIG
                : ExitCodes.of(e));
        return cli.execute(args);
    }
}
