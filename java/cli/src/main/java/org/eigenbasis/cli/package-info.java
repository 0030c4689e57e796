/**
 * The {@code eigenbasis} command (picocli): not API. Each subcommand parses and validates its options, calls the
 * library's public API and writes JSON, CSV, .npy or PNG output; experiments keep their computation in their own
 * classes (DigitsExperiment, ResetExperiment), the commands only their arguments and output.
 */
package org.eigenbasis.cli;
