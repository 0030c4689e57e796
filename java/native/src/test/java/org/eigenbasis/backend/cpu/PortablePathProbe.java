package org.eigenbasis.backend.cpu;

import java.util.Random;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.testing.EighChecks;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig;
import org.eigenbasis.value.ResetSimulationConfig.Scheme;
import org.eigenbasis.verify.SeededMatrices;

/**
 * Run by {@link CpuPortablePathTest} in a JVM of its own, so that {@code -Deigenbasis.cpu.portable} is read at load:
 * prints "key=value" lines with what the cpu backend reports, a digest of the resetting simulator's results for
 * each path-covering configuration, and whether eigh on the QL sizes that have an AVX-512 build keeps its
 * invariants; or "error=" with the exception the first call threw.
 */
final class PortablePathProbe {
    private PortablePathProbe() {
    }

    public static void main(String[] args) {
        try {
            CpuBackend cpu = new CpuBackend();
            if (!cpu.availability().available()) {
                System.out.println("error=unavailable: " + cpu.availability().reason());
                return;
            }
            System.out.println("avx512_kernels=" + cpu.describe().get("avx512_kernels"));
            System.out.println("portable=" + CpuBackend.portableKernelsForced());
            simulations(cpu);
            System.out.println("eigh=" + eigh(cpu));
        } catch (RuntimeException | AssertionError e) {
            System.out.println("error=" + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * The lane path (exp d = 1 and 10; gamma k >= 1 at d = 10, on the lanes only with AVX-512), the per-trajectory
     * path (gamma k < 1 at d = 30: the flat em loop, the wide Philox refills and polar factors), a covariance run and
     * an Euler run with covariance.
     */
    private static void simulations(CpuBackend cpu) {
        Object[][] cases = {
            {"exp-d1", RenewalLaw.exponential(1.5), 1, Scheme.EXACT, false},
            {"exp-d10", RenewalLaw.exponential(1.5), 10, Scheme.EXACT, false},
            {"gamma-d10", RenewalLaw.gamma(2.5, 0.4), 10, Scheme.EXACT, false},
            {"gamma-d30", RenewalLaw.gamma(0.6, 1.0), 30, Scheme.EXACT, false},
            {"lognormal-d5-cov", RenewalLaw.lognormal(-0.5, 0.6), 5, Scheme.EXACT, true},
            {"weibull-d4-euler-cov", RenewalLaw.weibull(1.7, 0.9), 4, Scheme.EULER, true}};
        for (Object[] c : cases) {
            int d = (Integer) c[2];
            double[] mu = new double[d];
            double[] a = new double[d];
            for (int k = 0; k < d; k++) {
                mu[k] = k == 0 ? 0 : 0.05 + 3.0 * k / d;
                a[k] = 1 - 0.37 * k;
            }
            ResetSimulationConfig config = new ResetSimulationConfig((RenewalLaw) c[1], mu, a, 0.8, 2.5, 3000, 42,
                    (Scheme) c[3], 0.05, (Boolean) c[4]);
            System.out.println("sums." + c[0] + "=" + digest(cpu.resetSimulation().simulate(config)));
        }
    }

    /** Every bit of every estimate and the event count, FNV-1a over the raw longs. */
    private static String digest(ResetSimulation r) {
        long h = 0xcbf29ce484222325L;
        double[][] parts = {r.snapshotMean(), r.snapshotMeanStderr(), r.timeMean(), r.timeMeanStderr(),
            r.snapshotCovariance(), r.snapshotCovarianceStderr(), r.timeCovariance(), r.timeCovarianceStderr(),
            r.timeMeanCovariance()};
        for (double[] part : parts) {
            for (double x : part == null ? new double[0] : part) {
                h = (h ^ Double.doubleToRawLongBits(x)) * 0x100000001b3L;
            }
        }
        return Long.toHexString((h ^ r.events()) * 0x100000001b3L);
    }

    /** Our QL at sizes where it has an AVX-512 build (f64, n >= 48), against the usual invariants. */
    private static String eigh(CpuBackend cpu) {
        Random rng = new Random(48);
        for (int n : new int[] {48, 64, 129}) {
            double[][] ms = {SeededMatrices.randomSymmetric(n, rng), SeededMatrices.randomSymmetric(n, rng)};
            try (BatchedMatrix a = SeededMatrices.batch(DType.F64, n, ms);
                 EighResult r = SymmetricEigen.on(cpu).decompose(a,
                         EighOptions.defaults().withAlgorithm(EighAlgorithm.TRIDIAGONAL_QL))) {
                EighChecks.assertValid(a, r, "QL n=" + n);
            }
        }
        return "ok";
    }
}
