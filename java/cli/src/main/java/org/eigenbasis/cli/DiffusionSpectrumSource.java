package org.eigenbasis.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a diffusion subcommand takes its spectrum from: exactly one of --spectrum and --covariance. */
final class DiffusionSpectrumSource {
    @Option(names = "--spectrum", required = true, paramLabel = "SPEC",
            description = "powerlaw(d=D,beta=B) (lambda_k = k^-B, k = 1..D) or digits (the UCI digits covariance).")
    String spectrum;

    @Option(names = "--covariance", required = true, paramLabel = "FILE",
            description = "A symmetric positive semi-definite d x d covariance (.npy, f32 or f64), decomposed by eigh.")
    Path covariance;
}
