package org.eigenbasis.influence;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eigenbasis.spi.Backend;

/**
 * The curvature-ladder experiment of "Better Hessians Matter": train a model, build every rung of its curvature,
 * score validation against training points at every damping, and evaluate each score matrix by its LDS against
 * models retrained on random subsets. The retrained losses are computed once and shared by every rung and damping.
 * Rungs are built one at a time and dropped after scoring (their scores kept: rungs × dampings × n_val × n_train
 * doubles), except the dense forms the diagnostics need (8P² bytes per rung).
 */
public final class InfluenceLadder {
    /** Stage and progress reports; both methods default to doing nothing. */
    public interface Listener {
        default void stage(String name) {
        }

        default void retrained(int done, int total) {
        }
    }

    private InfluenceLadder() {
    }

    public static LadderResult run(Examples train, Examples validation, LadderConfig config, Backend backend,
                                   Listener listener) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(backend, "backend");
        Listener out = listener == null ? new Listener() { } : listener;
        train.validate(config.architecture());
        validation.validate(config.architecture());
        Map<String, Double> seconds = new LinkedHashMap<>();
        long t0 = System.nanoTime();

        out.stage("train");
        Mlp initial = Mlp.initialize(config.architecture(), config.initSeed());
        Mlp model = MlpTrainer.train(backend, initial, train, null, config.recipe());
        double accuracy = model.accuracy(validation);
        t0 = lap(seconds, "train", t0);

        out.stage("gradients");
        PerExampleGradients trainGradients = ModelCurvatures.gradients(model, train);
        PerExampleGradients valGradients = ModelCurvatures.gradients(model, validation);
        List<LayerStatistics> statistics = model.layerStatistics(train, FisherVariant.EXACT, 0);
        List<LayerFactors> factors = ModelCurvatures.curvatureFactors(statistics);
        t0 = lap(seconds, "gradients and factors", t0);

        double[] deltas = config.dampings();
        Damping[] dampings = new Damping[deltas.length];
        for (int d = 0; d < deltas.length; d++) {
            dampings[d] = new Damping(deltas[d], config.eigenFloor(), false);
        }
        Map<CurvatureKind, double[][]> scores = new EnumMap<>(CurvatureKind.class);
        Map<CurvatureKind, Curvature> kept = new EnumMap<>(CurvatureKind.class);
        for (CurvatureKind kind : config.rungs()) {
            out.stage("curvature " + kind.cliName());
            InverseOperator c = kind == CurvatureKind.HESSIAN
                    ? ModelCurvatures.build(kind, model, train, FisherVariant.EXACT, 0, backend)
                    : kind == CurvatureKind.IDENTITY ? Curvatures.identity(model.parameterCount(), backend)
                    : Curvatures.fromFactors(kind, factors, backend);
            t0 = lap(seconds, "build " + kind.cliName(), t0);
            out.stage("scores " + kind.cliName());
            if (c instanceof Curvature curvature) {
                scores.put(kind, InfluenceScores.pairwise(curvature, dampings, valGradients, trainGradients));
                if (config.diagnostics() && kind != CurvatureKind.IDENTITY) {
                    kept.put(kind, curvature);
                }
            } else {
                double[][] s = new double[dampings.length][];
                for (int d = 0; d < dampings.length; d++) {
                    s[d] = InfluenceScores.pairwise(c, dampings[d], valGradients, trainGradients);
                }
                scores.put(kind, s);
            }
            t0 = lap(seconds, "score " + kind.cliName(), t0);
        }

        Map<String, Double> diagnostics = new LinkedHashMap<>();
        if (config.diagnostics() && kept.containsKey(CurvatureKind.GGN)) {
            out.stage("diagnostics");
            diagnostics.putAll(CurvatureDiagnostics.ladder(kept));
            t0 = lap(seconds, "diagnostics", t0);
        }
        kept.clear();

        out.stage("retrain");
        int total = config.lds().alphas().length * config.lds().subsets();
        Lds.GroundTruth truth = Lds.groundTruth(train.n(), validation.n(), config.lds(), subsets -> {
            List<Mlp> models = MlpTrainer.trainMany(backend, initial, train, subsets, config.recipe());
            double[][] losses = new double[models.size()][];
            for (int m = 0; m < models.size(); m++) {
                losses[m] = models.get(m).losses(validation);
            }
            return losses;
        }, done -> out.retrained(done, total));
        t0 = lap(seconds, "retrain", t0);

        out.stage("lds");
        Map<CurvatureKind, LdsResult[]> lds = new EnumMap<>(CurvatureKind.class);
        for (Map.Entry<CurvatureKind, double[][]> e : scores.entrySet()) {
            LdsResult[] r = new LdsResult[dampings.length];
            for (int d = 0; d < dampings.length; d++) {
                r[d] = Lds.score(e.getValue()[d], train.n(), truth, config.lds());
            }
            lds.put(e.getKey(), r);
        }
        lap(seconds, "lds", t0);
        return new LadderResult(accuracy, model.parameterCount(), deltas, lds, diagnostics, seconds);
    }

    private static long lap(Map<String, Double> seconds, String name, long start) {
        long now = System.nanoTime();
        seconds.put(name, (now - start) * 1e-9);
        return now;
    }
}
