package org.eigenbasis.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.eigenbasis.influence.Curvature;
import org.eigenbasis.influence.CurvatureKind;
import org.eigenbasis.influence.Curvatures;
import org.eigenbasis.influence.Damping;
import org.eigenbasis.influence.InfluenceScores;
import org.eigenbasis.influence.LayerFactors;
import org.eigenbasis.influence.PerExampleGradients;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * EK-FAC influence on the digits MLP's sizes (issue 11, point 7), the workload of the numpy peer
 * {@code peers/influence_peer.py}: layers 64 → 64 → 32 → 10 with biases (P = 6570), n_train = 1617 examples with
 * C = 10 backpropagated vectors each, n_test = 180, dampings 1e-4, 1e-3, 1e-2, 1e-1, 1; factors N(0, 1), seeded.
 * {@code fit} is {@link Curvatures#fromFactors} for EK-FAC (factor accumulation, eigh of each factor, EK-FAC
 * eigenvalues); {@code score} is {@link InfluenceScores#pairwise(Curvature, Damping[], PerExampleGradients,
 * PerExampleGradients)} with factored gradients (C = 1; the training points' inputs are the fitting inputs), all
 * five dampings in one call. Average time per operation. A backend whose influence kernels cannot run here fails
 * its setup and JMH moves on (run with {@code -foe false}), as in {@link EighBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class InfluenceBenchmark {
    static final int[] WIDTHS = {64, 64, 32, 10};
    static final int TRAIN = 1617;
    static final int PER_EXAMPLE = 10;
    static final int TEST = 180;
    static final double[] DELTAS = {1e-4, 1e-3, 1e-2, 1e-1, 1};

    @Param({"cpu", "java"})
    public String backend;

    private Backend chosen;
    private List<LayerFactors> fitting;
    private PerExampleGradients train;
    private PerExampleGradients test;
    private Curvature curvature;
    private Damping[] dampings;

    @Setup(Level.Trial)
    public void setup() {
        chosen = Backends.select(backend);
        SplittableRandom random = new SplittableRandom(11);
        fitting = new ArrayList<>();
        List<LayerFactors> trainGradients = new ArrayList<>();
        List<LayerFactors> testGradients = new ArrayList<>();
        for (int l = 0; l + 1 < WIDTHS.length; l++) {
            int in = WIDTHS[l];
            int out = WIDTHS[l + 1];
            double[] a = gaussian(random, TRAIN * in);
            fitting.add(new LayerFactors(in, out, true, TRAIN, PER_EXAMPLE, a, gaussian(random, TRAIN * PER_EXAMPLE * out)));
            trainGradients.add(new LayerFactors(in, out, true, TRAIN, 1, a, gaussian(random, TRAIN * out)));
            testGradients.add(new LayerFactors(in, out, true, TEST, 1, gaussian(random, TEST * in),
                    gaussian(random, TEST * out)));
        }
        train = PerExampleGradients.factored(trainGradients);
        test = PerExampleGradients.factored(testGradients);
        dampings = new Damping[DELTAS.length];
        for (int d = 0; d < DELTAS.length; d++) {
            dampings[d] = Damping.of(DELTAS[d]);
        }
        curvature = Curvatures.fromFactors(CurvatureKind.EKFAC, fitting, chosen);   // fails here when it cannot run
    }

    private static double[] gaussian(SplittableRandom random, int count) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = random.nextGaussian();
        }
        return values;
    }

    @Benchmark
    public Curvature fit() {
        return Curvatures.fromFactors(CurvatureKind.EKFAC, fitting, chosen);
    }

    @Benchmark
    public double[][] score() {
        return InfluenceScores.pairwise(curvature, dampings, test, train);
    }
}
