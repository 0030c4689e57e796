package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input is an IllegalArgumentException naming the value and its legal range, before anything changes. */
class BadInputTest {
    private static final Backend JAVA = Backends.select("java");
    private static final double[] BETAS = {0.9, 0.999};

    private static void refused(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void configValuesOutsideTheirRangeAreNamed() {
        refused("lr: -0.1 is outside [0, ∞)", () -> new AdamWConfig(-0.1, BETAS, 1e-8, 0));
        refused("eps: -1.0E-8 is outside [0, ∞)", () -> new AdamWConfig(1e-3, BETAS, -1e-8, 0));
        refused("betas[0]: 1.0 is outside [0, 1)", () -> new AdamWConfig(1e-3, new double[] {1.0, 0.9}, 1e-8, 0));
        refused("betas[1]: -0.5 is outside [0, 1)", () -> new AdamWConfig(1e-3, new double[] {0.9, -0.5}, 1e-8, 0));
        refused("betas: must be two numbers", () -> new AdamWConfig(1e-3, new double[] {0.9}, 1e-8, 0));
        refused("weight_decay: -1.0 is outside [0, ∞)", () -> new AdamWConfig(1e-3, BETAS, 1e-8, -1));
        refused("lr: NaN is outside [0, ∞)", () -> new AdamWConfig(Double.NaN, BETAS, 1e-8, 0));
        refused("precondition_frequency: 0 is outside [1, ", () -> new SoapConfig(3e-3, BETAS, -1, 1e-8, 0, 0, 100,
                false, false, false, true, BasisChangePolicy.PERMUTE));
        refused("shampoo_beta: 1.0 is outside [0, 1)", () -> new SoapConfig(3e-3, BETAS, 1, 1e-8, 0, 10, 100,
                false, false, false, true, BasisChangePolicy.PERMUTE));
        refused("betas[1]: 1.5 is outside [0, 1]", () -> new ShampooConfig(0.01, new double[] {0.9, 1.5}, 1e-12, 0, 1,
                1, 0, Grafting.ADAM, 0.999, 1e-8, 1024, true));
        refused("tolerance: 1.5 is outside [0, 1]", () -> new EcShampooConfig(1e-3, BETAS, -1, 1e-8, 0, 10, 1.5, 10,
                100, true, BasisChangePolicy.PERMUTE));
        refused("tolerance: -0.1 is outside [0, 1]", () -> new EcShampooConfig(1e-3, BETAS, -1, 1e-8, 0, 10, -0.1, 10,
                100, true, BasisChangePolicy.PERMUTE));
        refused("max_iterations: 0 is outside [1, ", () -> new EcShampooConfig(1e-3, BETAS, -1, 1e-8, 0, 10, 0.1, 0,
                100, true, BasisChangePolicy.PERMUTE));
        refused("damping: -1.0 is outside [0, ∞)", () -> new KfacConfig(false, 1e-2, 0.9, 0.95, -1,
                KfacDamping.ADDITIVE, 0, 10));
        refused("momentum: 1.0 is outside [0, 1)", () -> new KfacConfig(false, 1e-2, 1, 0.95, 0.1,
                KfacDamping.ADDITIVE, 0, 10));
        refused("FACTORED_TIKHONOV is K-FAC only", () -> new KfacConfig(true, 1e-2, 0.9, 0.95, 0.1,
                KfacDamping.FACTORED_TIKHONOV, 0, 10));
    }

    @Test
    void theFactoryValidatesNamesKeysAndValues() {
        List<Parameter> p = List.of(Parameter.of("w", new double[4], 2, 2));
        refused("optimizer: 'sgd' is not one of [adamw, soap", () -> Optimizers.create("sgd", Map.of(), p, JAVA));
        refused("unknown key 'learning_rate'", () -> Optimizers.create("soap", Map.of("learning_rate", 1.0), p, JAVA));
        refused("lr: -1.0 is outside [0, ∞)", () -> Optimizers.create("soap", Map.of("lr", -1.0), p, JAVA));
        refused("betas[0]: 1.2 is outside [0, 1)",
                () -> Optimizers.create("ecshampoo", Map.of("betas", List.of(1.2, 0.9)), p, JAVA));
        refused("'betas': 0.9 is not a list of two numbers", () -> Optimizers.create("adamw", Map.of("betas", 0.9), p, JAVA));
        refused("precondition_frequency: 0 is outside", () -> Optimizers.create("shampoo",
                Map.of("precondition_frequency", 0), p, JAVA));
        refused("'precondition_frequency': 2.5 is not an integer", () -> Optimizers.create("soap",
                Map.of("precondition_frequency", 2.5), p, JAVA));
        refused("'grafting': 'lion' is not one of [none, sgd, adagrad, rmsprop, adam]",
                () -> Optimizers.create("shampoo", Map.of("grafting", "lion"), p, JAVA));
        refused("tolerance: 2.0 is outside [0, 1]", () -> Optimizers.create("ecshampoo", Map.of("tolerance", 2.0), p, JAVA));
        refused("'merge_dims': yes is not true or false", () -> Optimizers.create("soap", Map.of("merge_dims", "yes"), p, JAVA));
        EigenbasisOptimizer ok = Optimizers.create("adamw", Map.of("precondition_frequency", 5, "lr", 0.5), p, JAVA);
        assertEquals("adamw", ok.spec().name());
    }

    @Test
    void gradientsThatDoNotFitTheParametersAreRefusedByName() {
        double[] w = {1, 2, 3, 4, 5, 6};
        EigenbasisOptimizer opt = Optimizers.create("soap", Map.of(), List.of(Parameter.of("w", w, 2, 3),
                Parameter.of("f", new float[2], 2)), JAVA);
        float[] f2 = new float[2];
        refused("gradient of 'w': length 5 does not match the parameter's shape [2, 3] (6 elements)",
                () -> opt.step(new Gradients().put("w", new double[5]).put("f", f2)));
        refused("gradient of 'w': float[] for an f64 parameter",
                () -> opt.step(new Gradients().put("w", new float[6]).put("f", f2)));
        refused("gradient of 'f': double[] for an f32 parameter",
                () -> opt.step(new Gradients().put("w", new double[6]).put("f", new double[2])));
        refused("parameter 'f' has no gradient", () -> opt.step(new Gradients().put("w", new double[6])));
        refused("'x' is not a parameter of this optimizer",
                () -> opt.step(new Gradients().put("w", new double[6]).put("f", f2).put("x", new double[1])));
        assertEquals(0, opt.stepCount());
        assertEquals(1.0, w[0]);
        refused("the name 'w' appears twice", () -> Optimizers.create("adamw", Map.of(),
                List.of(Parameter.of("w", new double[1]), Parameter.of("w", new double[1])), JAVA));
    }

    @Test
    void kfacLayersNeedStatisticsOfTheRightShape() {
        EigenbasisOptimizer opt = Optimizers.create("kfac", Map.of(), List.of(Parameter.of("w", new double[6], 2, 3)), JAVA);
        refused("K-FAC layer 'w' needs layer statistics", () -> opt.step(new Gradients().put("w", new double[6])));
        refused("must be samples × in = 4 × 3 and samples × out = 4 × 2", () -> opt.step(new Gradients()
                .put("w", new double[6]).layer("w", new Gradients.LayerStatistics(new double[8], new double[8], 4))));
        refused("is not a K-FAC layer", () -> opt.curvature("nope"));
    }
}
