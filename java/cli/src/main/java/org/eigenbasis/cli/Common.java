package org.eigenbasis.cli;

import picocli.CommandLine.Option;

/** Options every subcommand takes. */
final class Common {
    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;
}
