package org.eigenbasis.benchmarks;

import java.util.Locale;
import org.eigenbasis.backend.cpu.CpuBackend;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * The overhead of calling the cpu kernel from Java, measured inside each call: the wall time of
 * {@code SymmetricEigen.decompose} (validation, output allocation, JNI, status copy) against the time the same
 * call spent inside the native routine (eb_cpu_last_call_seconds). Both clocks run in the same call, so machine
 * drift cancels. Prints one line per shape: dtype B n java_seconds native_seconds overhead_percent.
 * Usage: java -cp benchmarks.jar org.eigenbasis.benchmarks.JniOverhead [seconds per shape]
 */
public final class JniOverhead {
    private JniOverhead() {
    }

    public static void main(String[] args) {
        double budget = args.length > 0 ? Double.parseDouble(args[0]) : 3.0;
        SymmetricEigen eigen = SymmetricEigen.on(new CpuBackend());
        String[] shapes = {"16384x8", "4096x16", "1024x32", "256x64", "64x128", "16x256", "4x512", "1x1024"};
        for (DType dtype : DType.values()) {
            for (String shape : shapes) {
                int[] bn = Workloads.shape(shape);
                try (BatchedMatrix a = Workloads.offHeap(Workloads.symmetricBatch(bn[0], bn[1]), bn[0], bn[1], dtype)) {
                    run(eigen, a, budget / 3);                      // warm-up: JIT, workspaces, page faults
                    double[] t = run(eigen, a, budget);
                    System.out.printf(Locale.ROOT, "%s %d %d %.9f %.9f %.2f%n", dtype.shortName(), bn[0], bn[1], t[0], t[1],
                            100 * (t[0] / t[1] - 1));
                }
            }
        }
    }

    /** Mean seconds per call, {java wall, inside native}, over calls filling the budget. */
    private static double[] run(SymmetricEigen eigen, BatchedMatrix a, double budget) {
        double wall = 0;
        double inside = 0;
        int calls = 0;
        while (wall < budget || calls < 3) {
            long start = System.nanoTime();
            try (EighResult r = eigen.decompose(a)) {
                wall += (System.nanoTime() - start) * 1e-9;
                inside += CpuBackend.lastNativeCallSeconds();
                if (r.value(0, 0) > r.value(0, a.rows() - 1)) {
                    throw new AssertionError("eigenvalues not ascending");
                }
            }
            calls++;
        }
        return new double[] {wall / calls, inside / calls};
    }
}
