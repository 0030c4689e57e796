package org.eigenbasis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.diffusion.DenoiserModel;
import org.eigenbasis.diffusion.DiffusionConfig;
import org.eigenbasis.diffusion.EmergenceConfig;
import org.eigenbasis.diffusion.EmergenceTimes;
import org.eigenbasis.diffusion.PowerLawFit;
import org.eigenbasis.diffusion.Spectrum;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code eigenbasis diffusion powerlaw}: the log-midpoint emergence time of every mode ({@link EmergenceTimes}) and
 * the least-squares exponent α of τ* ∝ λ^(−α) with its 95 % t-interval ({@link PowerLawFit}). --json prints
 * {"alpha", "alpha_interval": [lo, hi], "init", "criterion": "log-midpoint", "modes": [{"lambda", "emergence_time"}],
 * then "model", "spectrum", "fitted_modes", "lambda_range"}; a mode without emergence has emergence_time null.
 */
@Command(name = "powerlaw", mixinStandardHelpOptions = true, description = {
    "Emergence time of every mode (first tau where ln lambda~ is halfway between its initial and final values) and",
    "the fitted power law tau* ~ lambda^-alpha with a 95% t-interval of the least-squares slope."})
final class DiffusionPowerlawCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @CommandLine.Mixin
    DiffusionArgs args;

    @CommandLine.Mixin
    DiffusionSpectrumSource source;

    @Option(names = "--lambda-min", paramLabel = "L", description = "Fit only modes with lambda >= L (default: above "
            + "the rounding floor 8 d eps lambda_1).")
    Double lambdaMin;

    @Option(names = "--lambda-max", paramLabel = "L", description = "Fit only modes with lambda <= L (default: all).")
    Double lambdaMax;

    @Option(names = "--json", description = "Print the fit and the modes as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        DenoiserModel m = source.model();
        DiffusionConfig config = args.config(source.init);
        if (lambdaMin != null) {
            ResetArgs.nonNegative("--lambda-min", lambdaMin);
        }
        if (lambdaMax != null && !(lambdaMax >= (lambdaMin == null ? 0 : lambdaMin))) {
            throw new IllegalArgumentException("--lambda-max: " + lambdaMax + " is below --lambda-min");
        }
        Spectrum spectrum = source.spectrum();
        EmergenceTimes times = EmergenceTimes.of(m, config, EmergenceConfig.defaults());
        EmergenceTimes.Mode[] modes = times.of(spectrum);
        double lo = lambdaMin != null ? lambdaMin : Math.nextUp(spectrum.roundingFloor());
        double hi = lambdaMax != null ? lambdaMax : Double.POSITIVE_INFINITY;
        PowerLawFit fit;
        try {
            fit = PowerLawFit.of(modes, lo, hi);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--lambda-min/--lambda-max: " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(document(fit, config, modes, m, spectrum, lo, hi)));
        } else {
            out.printf(Locale.ROOT, "%s, %s, init %s, criterion %s%n", spectrum.name(), m.label(),
                    ResetArgs.num(source.init), times.config().criterion().label());
            out.printf(Locale.ROOT, "%6s %14s %14s%n", "mode", "lambda", "tau*");
            for (int k = 0; k < modes.length; k++) {
                out.printf(Locale.ROOT, "%6d %14s %14s%n", k + 1, ResetArgs.num(modes[k].lambda()),
                        modes[k].emerged() ? ResetArgs.num(modes[k].time()) : modes[k].outcome().name().toLowerCase(Locale.ROOT));
            }
            out.printf(Locale.ROOT, "alpha = %.4f, 95%% interval [%.4f, %.4f] over %d modes%n", fit.alpha(), fit.lower(),
                    fit.upper(), fit.modes());
        }
        return EigenbasisCli.OK;
    }

    static Map<String, Object> document(PowerLawFit fit, DiffusionConfig config, EmergenceTimes.Mode[] modes,
            DenoiserModel m, Spectrum spectrum, double lo, double hi) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("alpha", fit.alpha());
        doc.put("alpha_interval", List.of(fit.lower(), fit.upper()));
        doc.put("init", config.init());
        doc.put("criterion", EmergenceConfig.defaults().criterion().label());
        List<Map<String, Object>> list = new ArrayList<>();
        for (EmergenceTimes.Mode mode : modes) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("lambda", mode.lambda());
            e.put("emergence_time", Json.finite(mode.time()));
            list.add(e);
        }
        doc.put("modes", list);
        doc.put("model", m.label());
        doc.put("spectrum", spectrum.name());
        doc.put("fitted_modes", fit.modes());
        doc.put("lambda_range", java.util.Arrays.asList(lo, Json.finite(hi)));
        return doc;
    }
}
