package org.eigenbasis.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.eigenbasis.diffusion.DenoiserModel;
import org.eigenbasis.diffusion.DiffusionConfig;
import org.eigenbasis.diffusion.Spectrum;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What {@code diffusion curves} and {@code diffusion powerlaw} share: the spectrum (exactly one of --spectrum and
 * --covariance), the model, the init Q and the eigh backend for a covariance file.
 */
final class DiffusionSpectrumSource {
    /** The mutually exclusive spectrum sources. */
    static final class Source {
        @Option(names = "--spectrum", required = true, paramLabel = "SPEC",
                description = "powerlaw(d=D,beta=B) (lambda_k = k^-B, k = 1..D) or digits (the UCI digits covariance).")
        String spectrum;

        @Option(names = "--covariance", required = true, paramLabel = "FILE",
                description = "A symmetric positive semi-definite d x d covariance (.npy, f32 or f64), decomposed by eigh.")
        Path covariance;
    }

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--model", required = true, paramLabel = "M", description = "one-layer or two-layer.")
    String model;

    @Option(names = "--init", paramLabel = "Q", description = "Initial per-mode weight Q, > 0 (default 0.1).")
    double init = DiffusionConfig.defaults().init();

    @Option(names = "--backend", paramLabel = "NAME", description = "eigh backend for --covariance: java, cpu, cuda or auto.")
    String backend;

    DenoiserModel model() {
        return DiffusionArgs.model(model);
    }

    Spectrum spectrum() throws IOException {
        return DiffusionArgs.spectrum(source.spectrum, source.covariance, backend);
    }
}
