package org.eigenbasis.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.eigenbasis.diffusion.DenoiserModel;
import org.eigenbasis.diffusion.DiffusionConfig;
import org.eigenbasis.diffusion.Spectrum;
import org.eigenbasis.io.Npy;
import picocli.CommandLine.Option;

/** The options the diffusion subcommands share: the schedule, the learning rate and where the spectrum comes from. */
final class DiffusionArgs {
    @Option(names = "--sigma-min", paramLabel = "S", description = "Smallest noise level, > 0 (default 0.002).")
    double sigmaMin = DiffusionConfig.defaults().sigmaMin();

    @Option(names = "--sigma-max", paramLabel = "S", description = "Largest noise level, > --sigma-min (default 80).")
    double sigmaMax = DiffusionConfig.defaults().sigmaMax();

    @Option(names = "--eta", paramLabel = "ETA", description = "Learning rate of the gradient flow, > 0 (default 1).")
    double eta = DiffusionConfig.defaults().eta();

    /** The config, every value checked under its option's name. */
    DiffusionConfig config(double init) {
        ResetArgs.positive("--sigma-min", sigmaMin);
        ResetArgs.positive("--sigma-max", sigmaMax);
        ResetArgs.positive("--eta", eta);
        ResetArgs.positive("--init", init);
        if (!(sigmaMin < sigmaMax)) {
            throw new IllegalArgumentException("--sigma-min: " + sigmaMin + " must be below --sigma-max = " + sigmaMax);
        }
        return new DiffusionConfig(sigmaMin, sigmaMax, eta, init);
    }

    static DenoiserModel model(String name) {
        try {
            return DenoiserModel.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
    }

    /** --spectrum TEXT or --covariance FILE (exactly one; picocli enforces it), the covariance by eigh on the backend. */
    static Spectrum spectrum(String text, Path covariance, String backend) throws IOException {
        if (covariance == null) {
            try {
                return Spectrum.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--" + e.getMessage(), e);
            }
        }
        Npy.Doubles c = Npy.readDoubles(covariance, -1, -1);
        if (c.rows() != c.columns()) {
            throw new IllegalArgumentException("--covariance: " + covariance + " has shape (" + c.rows() + ", "
                    + c.columns() + "); a covariance is square");
        }
        try {
            return Spectrum.fromCovariance(ResetArgs.rows(c.values(), c.rows()), BackendOption.one(backend));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--covariance: " + covariance + ": " + e.getMessage(), e);
        }
    }
}
