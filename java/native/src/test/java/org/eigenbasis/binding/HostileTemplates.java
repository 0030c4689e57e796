package org.eigenbasis.binding;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.eigenbasis.binding.HostileCpuKernelsTest.Case;
import org.eigenbasis.binding.HostileCpuKernelsTest.Template;

/**
 * One legal call of every public {@link CpuKernels} kernel (batch 2 of 3 x 3 where a batch exists), written as a
 * template over its buffers so that {@link HostileCpuKernelsTest} can make each buffer hostile in turn, and the
 * hostile extents and codes of each.
 */
final class HostileTemplates {
    private static final int[] WIDTHS = {2, 3, 2};  // P = 3*2 + 3 + 2*3 + 2 = 17
    private static final int P = 17;

    private HostileTemplates() {
    }

    private static DoubleBuffer d(Buffer[] b, int i) {
        return (DoubleBuffer) b[i];
    }

    private static FloatBuffer f(Buffer[] b, int i) {
        return (FloatBuffer) b[i];
    }

    /**
     * A template from "name:kind:size[:w][:n]" specs (w: the kernel writes it, n: null is legal). Inputs hold 0.1 to
     * 0.5 (finite, positive: legal for every kernel), ints and longs 0, then {@code fill} adjusts.
     */
    private static Template t(String kernel, String specs, Consumer<Buffer[]> fill, Consumer<Buffer[]> call) {
        String[] parts = specs.split(" ");
        StringBuilder kinds = new StringBuilder();
        int[] sizes = new int[parts.length];
        String[] names = new String[parts.length];
        boolean[] written = new boolean[parts.length];
        boolean[] nullable = new boolean[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String[] f = parts[i].split(":");
            names[i] = f[0];
            kinds.append(f[1].charAt(0));
            sizes[i] = Integer.parseInt(f[2]);
            String flags = f.length > 3 ? f[3] : "";
            written[i] = flags.contains("w");
            nullable[i] = flags.contains("n");
        }
        Consumer<Buffer[]> values = b -> {
            for (Buffer x : b) {
                for (int e = 0; e < x.limit(); e++) {
                    if (x instanceof DoubleBuffer db) {
                        db.put(e, 0.1 * (e % 5 + 1));
                    } else if (x instanceof FloatBuffer fb) {
                        fb.put(e, 0.1f * (e % 5 + 1));
                    }
                }
            }
            fill.accept(b);
        };
        return new Template(kernel, kinds.toString(), sizes, names, written, nullable, values, call);
    }

    private static final Consumer<Buffer[]> NONE = b -> { };

    static List<Template> all() {
        List<Template> t = new ArrayList<>();
        t.add(t("eigh f64", "a:d:18 w:d:6:w v:d:18:wn info:i:2:w", NONE,
                b -> CpuKernels.eigh(d(b, 0), 2, 3, d(b, 1), d(b, 2), (IntBuffer) b[3], 0, 0)));
        t.add(t("eigh f32", "a:f:18 w:f:6:w v:f:18:wn info:i:2:w", NONE,
                b -> CpuKernels.eigh(f(b, 0), 2, 3, f(b, 1), f(b, 2), (IntBuffer) b[3], 0, 0)));
        t.add(t("eighRange f64", "a:d:18 w:d:4:w v:d:12:wn count:i:2:w info:i:2:w", NONE,
                b -> CpuKernels.eighRange(d(b, 0), 2, 3, CpuKernels.RANGE_INDICES, 1, 3, 0, 0, 2, d(b, 1), d(b, 2),
                        (IntBuffer) b[3], (IntBuffer) b[4])));
        t.add(t("eighRange f32", "a:f:18 w:f:4:w v:f:12:wn count:i:2:w info:i:2:w", NONE,
                b -> CpuKernels.eighRange(f(b, 0), 2, 3, CpuKernels.RANGE_INTERVAL, 0, 0, -1, 1, 2, f(b, 1), f(b, 2),
                        (IntBuffer) b[3], (IntBuffer) b[4])));
        t.add(t("reconstruct f64", "v:d:18 f:d:6 out:d:18:w", NONE,
                b -> CpuKernels.reconstruct(d(b, 0), d(b, 1), 2, 3, d(b, 2))));
        t.add(t("reconstruct f32", "v:f:18 f:f:6 out:f:18:w", NONE,
                b -> CpuKernels.reconstruct(f(b, 0), f(b, 1), 2, 3, f(b, 2))));
        t.add(t("apply f64", "v:d:18 f:d:6 x:d:24 out:d:24:w", NONE,
                b -> CpuKernels.apply(d(b, 0), d(b, 1), d(b, 2), 2, 3, 4, d(b, 3))));
        t.add(t("apply f32", "v:f:18 f:f:6 x:f:24 out:f:24:w", NONE,
                b -> CpuKernels.apply(f(b, 0), f(b, 1), f(b, 2), 2, 3, 4, f(b, 3))));
        t.add(t("refresh f64", "a:d:18 q:d:18 qOut:d:18:w rayleigh:d:6:w off:d:2:w", NONE,
                b -> CpuKernels.refresh(d(b, 0), d(b, 1), 2, 3, 1, d(b, 2), d(b, 3), d(b, 4))));
        t.add(t("refresh f32", "a:f:18 q:f:18 qOut:f:18:w rayleigh:f:6:w off:f:2:w", NONE,
                b -> CpuKernels.refresh(f(b, 0), f(b, 1), 2, 3, 1, f(b, 2), f(b, 3), f(b, 4))));
        t.add(t("factorAccumulate f64", "x:d:24 factor:d:18:w", NONE,
                b -> CpuKernels.factorAccumulate(d(b, 0), 2, 3, 4, true, 0, 1, d(b, 1))));
        t.add(t("factorAccumulate f32", "x:f:24 factor:f:18:w", NONE,
                b -> CpuKernels.factorAccumulate(f(b, 0), 2, 3, 4, true, 0, 1, f(b, 1))));
        t.add(t("rotate f64", "l:d:18:n g:d:24 r:d:32:n out:d:24:w", NONE,
                b -> CpuKernels.rotate(d(b, 0), false, d(b, 1), d(b, 2), true, 2, 3, 4, d(b, 3))));
        t.add(t("rotate f32", "l:f:18:n g:f:24 r:f:32:n out:f:24:w", NONE,
                b -> CpuKernels.rotate(f(b, 0), false, f(b, 1), f(b, 2), true, 2, 3, 4, f(b, 3))));
        t.add(t("diagonalUpdate f64", "g:d:5 m:d:5:wn v:d:5:w out:d:5:w", NONE,
                b -> CpuKernels.diagonalUpdate(d(b, 0), d(b, 1), d(b, 2), d(b, 3), 5, 0.9, 0.99, 1, 0.5, 1e-8)));
        t.add(t("diagonalUpdate f32", "g:f:5 m:f:5:wn v:f:5:w out:f:5:w", NONE,
                b -> CpuKernels.diagonalUpdate(f(b, 0), f(b, 1), f(b, 2), f(b, 3), 5, 0.9, 0.99, 1, 0.5, 1e-8)));
        t.add(t("influenceEkfacEigenvalues", "g:d:6 a:d:4:n qs:d:9 qa:d:4:n lambda:d:6:w", NONE,
                b -> CpuKernels.influenceEkfacEigenvalues(d(b, 0), 2, 1, 3, d(b, 1), 2, d(b, 2), d(b, 3), 1.0, d(b, 4))));
        t.add(t("influenceKroneckerRotate", "qs:d:9 qa:d:4 x:d:12 out:d:12:w", NONE,
                b -> CpuKernels.influenceKroneckerRotate(d(b, 0), d(b, 1), d(b, 2), 2, 3, 2, true, d(b, 3))));
        t.add(t("influenceWeightedProduct", "x:d:6 w:d:3:n y:d:12 out:d:8:w", NONE,
                b -> CpuKernels.influenceWeightedProduct(d(b, 0), 2, 3, d(b, 1), d(b, 2), 4, 1, 0, d(b, 3))));
        t.add(t("influenceMultiply", "a:d:6 b:d:12 out:d:8:w", NONE,
                b -> CpuKernels.influenceMultiply(d(b, 0), 2, 3, false, d(b, 1), 3, 4, false, d(b, 2))));
        t.add(t("resetSimulation", "lawParams:d:1 mu:d:2 target:d:2 sums:d:12:w events:l:1:w", NONE,
                b -> CpuKernels.resetSimulation(0, d(b, 0), 1, d(b, 1), d(b, 2), 2, 1, 1, 10, 7, false, 0, false,
                        d(b, 3), (LongBuffer) b[4])));
        int blocks = (int) CpuKernels.resetSimulationRangeBlocks(2, false, 100, 0, 100);
        int blockSums = blocks * (int) CpuKernels.resetSimulationBlockLength(2, false);
        t.add(t("resetSimulationRange", "lawParams:d:1 mu:d:2 target:d:2 blockSums:d:" + blockSums
                        + ":w centres:d:4:w blocks:l:1:w events:l:1:w", NONE,
                b -> CpuKernels.resetSimulationRange(0, d(b, 0), 1, d(b, 1), d(b, 2), 2, 1, 1, 100, 7, false, 0, false,
                        0, 100, d(b, 3), blocks, d(b, 4), (LongBuffer) b[5], (LongBuffer) b[6])));
        Consumer<Buffer[]> labels = b -> {
            d(b, 2).put(0, 0).put(1, 1);
        };
        t.add(t("mlpTrain", "params:d:" + P + ":w x:d:4 y:d:2 orders:i:4 orderOffsets:l:2", b -> {
            labels.accept(b);
            ((IntBuffer) b[3]).put(0, 0).put(1, 1).put(2, 1).put(3, 0);
            ((LongBuffer) b[4]).put(0, 0).put(1, 4);
        }, b -> CpuKernels.mlpTrain(WIDTHS, 2, 0, d(b, 0), 1, d(b, 1), d(b, 2), 2, (IntBuffer) b[3], (LongBuffer) b[4],
                2, 1, 0.1, 0.9)));
        t.add(t("mlpHessianProduct", "params:d:" + P + " x:d:4 y:d:2 v:d:" + P + " out:d:" + P + ":w", labels,
                b -> CpuKernels.mlpHessianProduct(WIDTHS, 2, 0, d(b, 0), d(b, 1), d(b, 2), 2, d(b, 3), 1, d(b, 4))));
        t.add(t("diffusionVariance", "lambdas:d:2 taus:d:3 out:d:6:w", NONE,
                b -> CpuKernels.diffusionVariance(0, d(b, 0), 2, d(b, 1), 3, 0.1, 10, 1, 1, false, d(b, 2))));
        t.add(t("diffusionE1", "x:d:3 out:d:3:w", NONE, b -> CpuKernels.diffusionE1(d(b, 0), 3, d(b, 1))));
        return t;
    }

    private static Template named(String kernel) {
        return all().stream().filter(x -> x.kernel().equals(kernel)).findFirst().orElseThrow();
    }

    private static void add(List<Case> cases, String kernel, String label, String argument, Consumer<Buffer[]> call) {
        Template t = named(kernel);
        Buffer[] b = new Buffer[t.kinds().length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = HostileCpuKernelsTest.direct(t.kinds().charAt(i), t.sizes()[i]);
        }
        t.fill().accept(b);
        cases.add(new Case(kernel + " " + label, argument, call, b, List.of()));
    }

    /** eighRange f64 on the template's buffers (batch 2, n 3) with the given range arguments. */
    private static void eighRange64(Buffer[] b, int range, int lo, int hi, double vl, double vu, int m) {
        CpuKernels.eighRange(d(b, 0), 2, 3, range, lo, hi, vl, vu, m, d(b, 1), d(b, 2), (IntBuffer) b[3], (IntBuffer) b[4]);
    }

    static List<Case> scalarCases() {
        List<Case> c = new ArrayList<>();
        long huge = Long.MAX_VALUE / 2;
        add(c, "eigh f64", "batch -1", "batch", b -> CpuKernels.eigh(d(b, 0), -1, 3, d(b, 1), d(b, 2), (IntBuffer) b[3], 0, 0));
        add(c, "eigh f64", "n -1", "n", b -> CpuKernels.eigh(d(b, 0), 2, -1, d(b, 1), d(b, 2), (IntBuffer) b[3], 0, 0));
        add(c, "eigh f64", "batch overflowing", "a", b -> CpuKernels.eigh(d(b, 0), huge, 3, d(b, 1), d(b, 2), (IntBuffer) b[3], 0, 0));
        add(c, "eigh f32", "algorithm 9", "algorithm", b -> CpuKernels.eigh(f(b, 0), 2, 3, f(b, 1), f(b, 2), (IntBuffer) b[3], 9, 0));
        add(c, "eigh f64", "algorithm cusolver", "algorithm", b -> CpuKernels.eigh(d(b, 0), 2, 3, d(b, 1), d(b, 2), (IntBuffer) b[3], 5, 0));
        add(c, "eigh f64", "maxSweeps -1", "maxSweeps", b -> CpuKernels.eigh(d(b, 0), 2, 3, d(b, 1), d(b, 2), (IntBuffer) b[3], 0, -1));
        add(c, "eighRange f64", "range 3", "range", b -> eighRange64(b, CpuKernels.RANGE_INTERVAL + 1, 1, 3, 0, 0, 2));
        add(c, "eighRange f64", "lo -1", "lo", b -> eighRange64(b, CpuKernels.RANGE_INDICES, -1, 1, 0, 0, 2));
        add(c, "eighRange f64", "hi past n", "hi", b -> eighRange64(b, CpuKernels.RANGE_INDICES, 1, 4, 0, 0, 3));
        add(c, "eighRange f64", "m not hi - lo", "m", b -> eighRange64(b, CpuKernels.RANGE_INDICES, 1, 3, 0, 0, 1));
        add(c, "eighRange f64", "vl NaN", "vl", b -> eighRange64(b, CpuKernels.RANGE_INTERVAL, 0, 0, Double.NaN, 1, 2));
        add(c, "eighRange f64", "vu below vl", "vu", b -> eighRange64(b, CpuKernels.RANGE_INTERVAL, 0, 0, 1, -1, 2));
        add(c, "eighRange f64", "m above n", "m", b -> eighRange64(b, CpuKernels.RANGE_INTERVAL, 0, 0, -1, 1, 4));
        add(c, "reconstruct f32", "batch -1", "batch", b -> CpuKernels.reconstruct(f(b, 0), f(b, 1), -1, 3, f(b, 2)));
        add(c, "reconstruct f64", "n overflowing", "v", b -> CpuKernels.reconstruct(d(b, 0), d(b, 1), huge, Integer.MAX_VALUE, d(b, 2)));
        add(c, "apply f64", "m -1", "m", b -> CpuKernels.apply(d(b, 0), d(b, 1), d(b, 2), 2, 3, -1, d(b, 3)));
        add(c, "apply f64", "batch overflowing", "v", b -> CpuKernels.apply(d(b, 0), d(b, 1), d(b, 2), huge, 3, 4, d(b, 3)));
        add(c, "refresh f64", "steps -1", "steps", b -> CpuKernels.refresh(d(b, 0), d(b, 1), 2, 3, -1, d(b, 2), d(b, 3), d(b, 4)));
        add(c, "factorAccumulate f32", "rows -1", "rows", b -> CpuKernels.factorAccumulate(f(b, 0), 2, -3, 4, true, 0, 1, f(b, 1)));
        add(c, "factorAccumulate f64", "cols -1", "cols", b -> CpuKernels.factorAccumulate(d(b, 0), 2, 3, -4, false, 0, 1, d(b, 1)));
        add(c, "rotate f64", "batch overflowing", "l", b -> CpuKernels.rotate(d(b, 0), false, d(b, 1), d(b, 2), false, huge, 3, 4, d(b, 3)));
        add(c, "rotate f32", "n -1", "n", b -> CpuKernels.rotate(f(b, 0), false, f(b, 1), f(b, 2), false, 2, 3, -4, f(b, 3)));
        add(c, "diagonalUpdate f64", "count -1", "count", b -> CpuKernels.diagonalUpdate(d(b, 0), d(b, 1), d(b, 2), d(b, 3), -1, 0.9, 0.99, 1, 0.5, 1e-8));
        add(c, "influenceEkfacEigenvalues", "n -1", "n", b -> CpuKernels.influenceEkfacEigenvalues(d(b, 0), -2, 1, 3, d(b, 1), 2, d(b, 2), d(b, 3), 1, d(b, 4)));
        add(c, "influenceEkfacEigenvalues", "perExample 0", "perExample", b -> CpuKernels.influenceEkfacEigenvalues(d(b, 0), 2, 0, 3, d(b, 1), 2, d(b, 2), d(b, 3), 1, d(b, 4)));
        add(c, "influenceEkfacEigenvalues", "a without qa", "a, qa", b -> CpuKernels.influenceEkfacEigenvalues(d(b, 0), 2, 1, 3, d(b, 1), 2, d(b, 2), null, 1, d(b, 4)));
        add(c, "influenceKroneckerRotate", "k -1", "k", b -> CpuKernels.influenceKroneckerRotate(d(b, 0), d(b, 1), d(b, 2), -2, 3, 2, true, d(b, 3)));
        add(c, "influenceKroneckerRotate", "k overflowing", "x", b -> CpuKernels.influenceKroneckerRotate(d(b, 0), d(b, 1), d(b, 2), huge, 3, 2, true, d(b, 3)));
        add(c, "influenceWeightedProduct", "p -1", "p", b -> CpuKernels.influenceWeightedProduct(d(b, 0), 2, -3, d(b, 1), d(b, 2), 4, 1, 0, d(b, 3)));
        add(c, "influenceMultiply", "aRows -1", "aRows", b -> CpuKernels.influenceMultiply(d(b, 0), -2, 3, false, d(b, 1), 3, 4, false, d(b, 2)));
        add(c, "influenceMultiply", "inner extents differ", "b", b -> CpuKernels.influenceMultiply(d(b, 0), 2, 3, false, d(b, 1), 4, 3, false, d(b, 2)));
        add(c, "resetSimulation", "lawKind 9", "lawKind", b -> CpuKernels.resetSimulation(9, d(b, 0), 1, d(b, 1), d(b, 2), 2, 1, 1, 10, 7, false, 0, false, d(b, 3), (LongBuffer) b[4]));
        add(c, "resetSimulation", "lawParamCount 2", "lawParamCount", b -> CpuKernels.resetSimulation(0, d(b, 0), 2, d(b, 1), d(b, 2), 2, 1, 1, 10, 7, false, 0, false, d(b, 3), (LongBuffer) b[4]));
        add(c, "resetSimulation", "d 0", "d", b -> CpuKernels.resetSimulation(0, d(b, 0), 1, d(b, 1), d(b, 2), 0, 1, 1, 10, 7, false, 0, false, d(b, 3), (LongBuffer) b[4]));
        add(c, "resetSimulation", "sigma NaN", "sigma", b -> CpuKernels.resetSimulation(0, d(b, 0), 1, d(b, 1), d(b, 2), 2, Double.NaN, 1, 10, 7, false, 0, false, d(b, 3), (LongBuffer) b[4]));
        add(c, "resetSimulationRange", "first -1", "first", b -> CpuKernels.resetSimulationRange(0, d(b, 0), 1, d(b, 1), d(b, 2), 2, 1, 1, 100, 7, false, 0, false, -1, 100, d(b, 3), 1, d(b, 4), (LongBuffer) b[5], (LongBuffer) b[6]));
        add(c, "resetSimulationRange", "capacity overflowing", "blockSums", b -> CpuKernels.resetSimulationRange(0, d(b, 0), 1, d(b, 1), d(b, 2), 2, 1, 1, 100, 7, false, 0, false, 0, 100, d(b, 3), huge, d(b, 4), (LongBuffer) b[5], (LongBuffer) b[6]));
        add(c, "mlpTrain", "activation 7", "activation", b -> CpuKernels.mlpTrain(WIDTHS, 7, 0, d(b, 0), 1, d(b, 1), d(b, 2), 2, (IntBuffer) b[3], (LongBuffer) b[4], 2, 1, 0.1, 0.9));
        add(c, "mlpTrain", "loss 5", "loss", b -> CpuKernels.mlpTrain(WIDTHS, 2, 5, d(b, 0), 1, d(b, 1), d(b, 2), 2, (IntBuffer) b[3], (LongBuffer) b[4], 2, 1, 0.1, 0.9));
        add(c, "mlpTrain", "widths null", "widths", b -> CpuKernels.mlpTrain(null, 2, 0, d(b, 0), 1, d(b, 1), d(b, 2), 2, (IntBuffer) b[3], (LongBuffer) b[4], 2, 1, 0.1, 0.9));
        add(c, "mlpTrain", "a negative width", "widths[1]", b -> CpuKernels.mlpTrain(new int[] {2, -3, 2}, 2, 0, d(b, 0), 1, d(b, 1), d(b, 2), 2, (IntBuffer) b[3], (LongBuffer) b[4], 2, 1, 0.1, 0.9));
        add(c, "mlpTrain", "rows overflowing", "x", b -> CpuKernels.mlpTrain(WIDTHS, 2, 0, d(b, 0), 1, d(b, 1), d(b, 2), Long.MAX_VALUE, (IntBuffer) b[3], (LongBuffer) b[4], 2, 1, 0.1, 0.9));
        add(c, "mlpTrain", "a negative order offset", "orders", b -> {
            ((LongBuffer) b[4]).put(1, -4);
            CpuKernels.mlpTrain(WIDTHS, 2, 0, d(b, 0), 1, d(b, 1), d(b, 2), 2, (IntBuffer) b[3], (LongBuffer) b[4], 2, 1, 0.1, 0.9);
        });
        add(c, "mlpHessianProduct", "k overflowing", "v", b -> CpuKernels.mlpHessianProduct(WIDTHS, 2, 0, d(b, 0), d(b, 1), d(b, 2), 2, d(b, 3), huge, d(b, 4)));
        add(c, "mlpHessianProduct", "activation -1", "activation", b -> CpuKernels.mlpHessianProduct(WIDTHS, -1, 0, d(b, 0), d(b, 1), d(b, 2), 2, d(b, 3), 1, d(b, 4)));
        add(c, "diffusionVariance", "model 3", "model", b -> CpuKernels.diffusionVariance(3, d(b, 0), 2, d(b, 1), 3, 0.1, 10, 1, 1, false, d(b, 2)));
        add(c, "diffusionVariance", "t past taus", "taus", b -> CpuKernels.diffusionVariance(0, d(b, 0), 2, d(b, 1), huge, 0.1, 10, 1, 1, false, d(b, 2)));
        add(c, "diffusionVariance", "sigmaMin 0", "sigmaMin", b -> CpuKernels.diffusionVariance(0, d(b, 0), 2, d(b, 1), 3, 0, 10, 1, 1, false, d(b, 2)));
        add(c, "diffusionE1", "count -1", "count", b -> CpuKernels.diffusionE1(d(b, 0), -1, d(b, 1)));
        return c;
    }
}
