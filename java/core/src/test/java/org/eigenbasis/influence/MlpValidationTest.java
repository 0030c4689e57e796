package org.eigenbasis.influence;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.MlpArchitecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input: IllegalArgumentException naming the argument (and index and legal range), before any work. */
class MlpValidationTest {
    private static final Backend JAVA = Backends.select("java");
    private static final MlpArchitecture CE = new MlpArchitecture(new int[] {3, 4, 3}, MlpArchitecture.Activation.RELU,
            MlpArchitecture.Loss.CROSS_ENTROPY);
    private static final MlpArchitecture SQ = new MlpArchitecture(new int[] {3, 4, 2}, MlpArchitecture.Activation.TANH,
            MlpArchitecture.Loss.SQUARED);

    private static void fails(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' names " + expected);
    }

    @Test
    void examples() {
        fails("x: length 5", () -> Examples.classification(new double[5], 2, 3, new int[] {0, 1}));
        fails("labels: length 1", () -> Examples.classification(new double[6], 2, 3, new int[] {0}));
        fails("labels[1]: -1", () -> Examples.classification(new double[6], 2, 3, new int[] {0, -1}));
        fails("x[4]: NaN", () -> Examples.classification(new double[] {0, 0, 0, 0, Double.NaN, 0}, 2, 3,
                new int[] {0, 1}));
        fails("y[3]: Infinity", () -> Examples.regression(new double[6], 2, 3,
                new double[] {0, 0, 0, Double.POSITIVE_INFINITY}, 2));
        fails("n: -1", () -> new Examples(new double[0], new double[0], -1, 3, 1));
        fails("features: 0", () -> new Examples(new double[0], new double[0], 0, 0, 1));
        Examples bad = Examples.classification(new double[6], 2, 3, new int[] {2, 3});
        fails("y[1]: label 3.0 is not an integer in [0, 3)", () -> bad.validate(CE));
        Examples wide = Examples.classification(new double[8], 2, 4, new int[] {0, 1});
        fails("x: 4 features", () -> wide.validate(CE));
        Examples labels = Examples.classification(new double[6], 2, 3, new int[] {0, 1});
        fails("y: 1 values per example", () -> labels.validate(SQ));
        fails("rows[1]: 2 is outside [0, 2)", () -> labels.subset(new int[] {0, 2}));
        Examples fractional = new Examples(new double[6], new double[] {0.5, 1}, 2, 3, 1);
        fails("y[0]: label 0.5", () -> fractional.validate(CE));
    }

    @Test
    void model() {
        int p = CE.parameterCount();
        fails("params: length 3, expected " + p, () -> Mlp.of(CE, new double[3]));
        double[] nan = new double[p];
        nan[7] = Double.NaN;
        fails("params[7]: NaN", () -> Mlp.of(CE, nan));
        Mlp m = Mlp.initialize(CE, 0);
        Examples data = Examples.classification(new double[6], 2, 3, new int[] {0, 2});
        Examples outOfRange = Examples.classification(new double[6], 2, 3, new int[] {0, 5});
        fails("y[1]", () -> m.losses(outOfRange));
        fails("y[1]", () -> m.hessianVectorProduct(outOfRange, new double[p], 1, JAVA));
        fails("v: length 5", () -> m.hessianVectorProduct(data, new double[5], 1, JAVA));
        fails("k: -1", () -> m.ggnVectorProduct(data, new double[0], -1));
        fails("backend: null", () -> m.hessianVectorProduct(data, new double[p], 1, null));
        double[] inf = new double[p];
        inf[2] = Double.NEGATIVE_INFINITY;
        fails("v[2]: -Infinity", () -> m.jvp(data, inf, 1));
        fails("u: length 5, expected 6", () -> m.vjp(data, new double[5], 1));
        fails("from: -1", () -> m.perExampleGradients(data, -1, 1));
        fails("to: 3 is outside [1, 2]", () -> m.perExampleGradients(data, 1, 3));
        fails("variant: null", () -> m.layerStatistics(data, null, 0));
        fails("perExample: 0", () -> m.backpropagate(data, new double[6], 0));
        Examples empty = Examples.classification(new double[0], 0, 3, new int[0]);
        fails("n = 0", () -> m.meanLoss(empty));
        fails("n = 0", () -> m.gradient(empty));
        fails("data: null", () -> m.outputs(null));
    }

    @Test
    void training() {
        Mlp m = Mlp.initialize(CE, 0);
        Examples data = Examples.classification(new double[6], 2, 3, new int[] {0, 2});
        SgdRecipe r = SgdRecipe.defaults();
        fails("subsets[1][0]: 2 is outside [0, 2)", () -> MlpTrainer.trainMany(JAVA, m, data,
                List.of(new int[] {0}, new int[] {2}), r));
        fails("subsets[0]: empty", () -> MlpTrainer.trainMany(JAVA, m, data, List.of(new int[0]), r));
        fails("subset[0]: -1", () -> MlpTrainer.train(JAVA, m, data, new int[] {-1}, r));
        fails("recipe: null", () -> MlpTrainer.train(JAVA, m, data, null, null));
        fails("backend: null", () -> MlpTrainer.train(null, m, data, null, r));
        fails("epochs: 0", () -> r.withEpochs(0));
        fails("learningRate: NaN", () -> r.withLearningRate(Double.NaN));
        fails("learningRate: -1", () -> r.withLearningRate(-1));
        fails("batchSize: 0", () -> r.withBatchSize(0));
        fails("momentum: 1.0 is outside [0, 1)", () -> r.withMomentum(1));
    }
}
