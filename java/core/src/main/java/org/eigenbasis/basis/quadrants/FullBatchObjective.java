package org.eigenbasis.basis.quadrants;

import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;
import org.eigenbasis.internal.ModelMath;

/**
 * A full-batch {@link QuadrantObjective} from θ₀ = 0: the loss, the gradient, and either a fixed GN matrix or one
 * computed at every θ (exactly one of the two is given). The random sources are ignored.
 */
final class FullBatchObjective implements QuadrantObjective {
    private final int d;
    private final ToDoubleFunction<double[]> loss;
    private final UnaryOperator<double[]> gradient;
    private final double[][] fixed;
    private final Function<double[], double[][]> curvature;

    private FullBatchObjective(int d, ToDoubleFunction<double[]> loss, UnaryOperator<double[]> gradient,
                               double[][] fixed, Function<double[], double[][]> curvature) {
        this.d = d;
        this.loss = loss;
        this.gradient = gradient;
        this.fixed = fixed;
        this.curvature = curvature;
    }

    /** G fixed for the whole run (copied). */
    static FullBatchObjective withFixedCurvature(int d, ToDoubleFunction<double[]> loss, UnaryOperator<double[]> gradient,
                                                 double[][] g) {
        return new FullBatchObjective(d, loss, gradient, ModelMath.copy(g), null);
    }

    /** G(θ) recomputed at every step. */
    static FullBatchObjective withCurvature(int d, ToDoubleFunction<double[]> loss, UnaryOperator<double[]> gradient,
                                            Function<double[], double[][]> curvature) {
        return new FullBatchObjective(d, loss, gradient, null, curvature);
    }

    @Override
    public double[] initial() {
        return new double[d];
    }

    @Override
    public double loss(double[] theta) {
        return loss.applyAsDouble(theta);
    }

    @Override
    public double[] gradient(double[] theta, SplittableRandom random) {
        return gradient.apply(theta);
    }

    @Override
    public double[][] fixedCurvature() {
        return fixed == null ? null : ModelMath.copy(fixed);
    }

    @Override
    public double[][] curvature(double[] theta, SplittableRandom random) {
        return curvature.apply(theta);
    }
}
