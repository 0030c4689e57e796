package org.eigenbasis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * Fuzzes the CLI's argument handling with arbitrary argv (one argument per line of the input; the seeds are
 * real command lines of every command). Parsing may only fail with picocli's ParameterException, and then
 * {@link EigenbasisCli#execute} must exit 2 ({@link EigenbasisCli#BAD_INPUT}) with a message on the captured
 * error stream; a parse that asks for help must exit 0. Argument lists that parse into a runnable command are not
 * executed (they would read and write files and run kernels of any size): their validation has its own tests.
 *
 * <p>One command tree serves every input (picocli resets the options before each parse): building it per input
 * held the target to about 90 executions per second.
 */
class EigenbasisCliFuzzTest {
    private static final CommandLine CLI = EigenbasisCli.commandLine();

    @FuzzTest
    void argv(byte[] bytes) {
        // one argument per line (UTF-8): seeds stay readable command lines
        String text = new String(bytes, StandardCharsets.UTF_8);
        String[] argv = text.isEmpty() ? new String[0] : text.split("\n", -1);
        boolean help;
        try {
            CommandLine.ParseResult parsed = CLI.parseArgs(argv);
            help = helpRequested(parsed);
        } catch (CommandLine.ParameterException refused) {
            StringWriter err = new StringWriter();
            int code = EigenbasisCli.execute(CLI, argv, new PrintWriter(new StringWriter()), new PrintWriter(err));
            assertEquals(EigenbasisCli.BAD_INPUT, code, () -> String.join(" ", argv) + "\n" + err);
            assertTrue(err.toString().startsWith("eigenbasis: "), () -> String.join(" ", argv) + "\n" + err);
            return;
        }
        if (help) {
            StringWriter out = new StringWriter();
            int code = EigenbasisCli.execute(CLI, argv, new PrintWriter(out), new PrintWriter(new StringWriter()));
            assertEquals(0, code, () -> String.join(" ", argv));
        }
    }

    private static boolean helpRequested(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
                return true;
            }
        }
        return false;
    }
}
