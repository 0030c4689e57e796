package org.eigenbasis.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.precond.OptimizerStates;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.train.TrainingCheckpoint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code eigenbasis optim check-state FILE [--json]}: checks a training checkpoint ({@code train --checkpoint}) or a
 * bare optimizer state file ({@code Optimizer.save}) without loading it into anything: magic, version, length,
 * CRC32C and structure. Prints the optimizer, step, parameter count and {@code "checksum": "ok"} (exit 0), or
 * exits 2 with a message naming the defect (truncated, checksum mismatch, format version, bad magic, malformed).
 */
@Command(name = "check-state", mixinStandardHelpOptions = true, description = {
    "Check a training checkpoint or optimizer state file: magic, version, length, checksum and structure.",
    "Exit 0 and a summary when intact; exit 2 naming the defect otherwise."})
final class OptimCheckStateCommand implements Callable<Integer> {
    private static final byte[] STATE_MAGIC = "EBPRECND".getBytes(StandardCharsets.US_ASCII);

    @Parameters(index = "0", paramLabel = "FILE", description = "A file written by 'train --checkpoint' or Optimizer.save.")
    Path file;

    @Option(names = "--json", description = "Print the summary as a JSON object.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Map<String, Object> summary = new LinkedHashMap<>();
        if (bytes.length >= STATE_MAGIC.length && Arrays.equals(Arrays.copyOf(bytes, STATE_MAGIC.length), STATE_MAGIC)) {
            OptimizerStates.Summary s = OptimizerStates.inspect(bytes, "optimizer state " + file + ": ");
            summary.put("optimizer", "unnamed (a bare optimizer state file)");
            summary.put("step", s.steps());
            summary.put("parameters", s.parameters());
            summary.put("scalars", s.scalars());
        } else {
            TrainingCheckpoint c = TrainingCheckpoint.decode(bytes, "checkpoint " + file + ": ");
            summary.put("optimizer", c.optimizer());
            summary.put("step", c.step());
            summary.put("parameters", c.parameters().size());
            summary.put("scalars", c.parameters().stream().mapToLong(Parameter::size).sum());
        }
        summary.put("checksum", "ok");
        if (json) {
            spec.commandLine().getOut().println(Json.write(summary));
        } else {
            spec.commandLine().getOut().printf("%s: optimizer %s, step %s, %s parameters (%s scalars), checksum ok%n", file,
                    summary.get("optimizer"), summary.get("step"), summary.get("parameters"), summary.get("scalars"));
        }
        return EigenbasisCli.OK;
    }
}
