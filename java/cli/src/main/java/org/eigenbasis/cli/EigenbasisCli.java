package org.eigenbasis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.eigenbasis.spi.BackendUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code eigenbasis} command. Exit codes: 0 success, 1 a verification failed, 2 bad usage or bad input (one
 * line on stderr; the stack trace only with {@code --verbose}), 3 an internal error.
 */
@Command(name = "eigenbasis", mixinStandardHelpOptions = true, versionProvider = EigenbasisCli.Version.class,
        description = "Spectral kernels on the JVM: batched symmetric eigendecomposition, verified against a reference.",
        subcommands = {BackendsCommand.class, EighCommand.class, VerifyCommand.class, BenchCommand.class, CudaBenchCommand.class,
            DemoCommand.class, FilterCommand.class, ResetCommand.class, TrainCommand.class, OptimCommand.class,
            InfluenceCommand.class, BasisCommand.class, EgopCommand.class, DiffusionCommand.class, SoakCommand.class,
            CommandLine.HelpCommand.class})
public final class EigenbasisCli implements Runnable {
    public static final int OK = 0;
    public static final int VERIFICATION_FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int INTERNAL_ERROR = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit code (for tests). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(commandLine(), args, out, err);
    }

    /**
     * The command tree. picocli's {@code @file} argument expansion is off: it is not part of our interface, and an
     * unreadable {@code @path} escaped the parameter handler as an InitializationException (exit 1 with a stack
     * trace; found by EigenbasisCliFuzzTest). {@code @x} is now an ordinary unmatched argument (exit 2).
     */
    static CommandLine commandLine() {
        return new CommandLine(new EigenbasisCli()).setExpandAtFiles(false);
    }

    /**
     * Runs {@code args} on a tree from {@link #commandLine()}, possibly used before: picocli resets every option to
     * its initial value before each parse, so the fuzz target builds the tree once instead of once per input
     * (building it is most of a short command's cost).
     */
    static int execute(CommandLine cli, String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("eigenbasis: " + e.getMessage());
            err.println("Try 'eigenbasis " + commandPath(e.getCommandLine()) + "--help' for usage.");
            if (verbose) {
                e.printStackTrace(err);
            }
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            int code = isBadInput(e) ? BAD_INPUT : INTERNAL_ERROR;
            String message = message(e);
            err.println("eigenbasis: " + (code == INTERNAL_ERROR ? "internal error: " + e.getClass().getSimpleName() + ": " : "")
                    + message + (verbose || code == BAD_INPUT ? "" : " (run with --verbose for the stack trace)"));
            if (verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return code;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static String message(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException f) {
            return f.getFile() + ": no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException f) {
            return f.getFile() + ": permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() == null ? e.getClass().getSimpleName() : f.getReason());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String commandPath(CommandLine commandLine) {
        StringBuilder sb = new StringBuilder();
        for (CommandLine c = commandLine; c != null && c.getParent() != null; c = c.getParent()) {
            sb.insert(0, c.getCommandName() + " ");
        }
        return sb.toString();
    }

    private static boolean isBadInput(Throwable e) {
        return e instanceof IllegalArgumentException || e instanceof IOException || e instanceof UncheckedIOException
                || e instanceof BackendUnavailableException;
    }

    /** The version line. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = EigenbasisCli.class.getPackage().getImplementationVersion();
            return new String[] {"eigenbasis " + (v == null ? "development build" : v)
                    + " (Java " + System.getProperty("java.version") + ")"};
        }
    }
}
