package org.eigenbasis.spark.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code eigenbasis spark}: the cluster twins of the single-machine commands. Exit codes as elsewhere: 0 success,
 * 2 bad usage or input (one line on stderr), 3 an internal error.
 */
@Command(name = "eigenbasis spark", mixinStandardHelpOptions = true,
        description = "eigenbasis kernels across a Spark cluster, bit-identical to one machine.",
        subcommands = {SparkEighCommand.class, SparkResetCommand.class, SparkInfluenceCommand.class, SparkBenchCommand.class,
            CommandLine.HelpCommand.class})
public final class SparkCli implements Runnable {
    static final int OK = 0;
    static final int BAD_INPUT = 2;
    static final int INTERNAL_ERROR = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: eigh, reset simulate, influence scores or bench-eigh");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given streams and returns the exit code. */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new SparkCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("eigenbasis spark: " + e.getMessage());
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Throwable cause = rootInput(e);
            if (cause != null) {
                commandLine.getErr().println("eigenbasis spark: " + cause.getMessage());
                return BAD_INPUT;
            }
            commandLine.getErr().println("eigenbasis spark: internal error: " + e);
            e.printStackTrace(commandLine.getErr());
            return INTERNAL_ERROR;
        });
        return cli.execute(args);
    }

    /** The bad-input exception behind e (a task failure wraps the executor's exception in its message), or null. */
    private static Throwable rootInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException || t instanceof IOException || t instanceof UncheckedIOException) {
                return t;
            }
        }
        return null;
    }
}
