package org.eigenbasis.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.InfluenceKernel;
import org.eigenbasis.spi.MlpKernel;
import org.eigenbasis.testing.ForwardingBackend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.MlpArchitecture;
import org.junit.jupiter.api.Test;

/**
 * The influence and MLP rows of {@code eigenbasis verify} ({@link InfluenceVerifier}): they pass on the java
 * reference (residuals against closed forms on exact integer inputs), a faithful copy of the reference passes the
 * parity checks with zero error, and a kernel off by a relative 1e-11 (far beyond Higham's γ_K for these depths,
 * K ≤ 150: K·ε ≤ 3.4e-14) fails its row, residual and parity both.
 */
class InfluenceVerifyRowsTest {
    private static final List<String> ALGORITHMS = List.of("ekfac_eigenvalues", "kronecker_rotate",
            "weighted_product", "multiply", "train", "hessian_product");

    private static Map<String, VerificationRow> rows(Backend backend) {
        return InfluenceVerifier.rows(backend, new JavaBackend(), label -> { }).stream()
                .collect(Collectors.toMap(VerificationRow::algorithm, Function.identity()));
    }

    @Test
    void theReferencePassesItsClosedForms() {
        Map<String, VerificationRow> rows = rows(new JavaBackend());
        assertEquals(ALGORITHMS.stream().sorted().toList(), rows.keySet().stream().sorted().toList());
        for (VerificationRow r : rows.values()) {
            assertTrue(r.passed(), r.toString());
            assertEquals("f64", r.dtype());
            assertEquals(InfluenceVerifier.EXACT_LIMIT, r.residualLimit(), r.toString());
            // exact inputs and a reference summing in double: the closed form to the last bit
            assertEquals(0.0, r.residual(), r.toString());
            assertTrue(Double.isNaN(r.parity()), "no parity for the reference itself");
            assertTrue(r.cases() >= 3, r.toString());
        }
        assertEquals(Verifier.groups(new JavaBackend()), countGroups(new JavaBackend()));
    }

    private static int countGroups(Backend backend) {
        int[] n = {0};
        Verifier.verify(backend, label -> n[0]++);
        return n[0];
    }

    @Test
    void aCopyOfTheReferenceAgreesExactly() {
        Map<String, VerificationRow> rows = rows(new ForwardingBackend(new JavaBackend(), "copy-") { });
        for (VerificationRow r : rows.values()) {
            assertTrue(r.passed(), r.toString());
            assertEquals(0.0, r.parity(), r.toString());
            assertTrue(r.parityLimit() == InfluenceVerifier.PARITY_LIMIT
                    || r.parityLimit() == InfluenceVerifier.HVP_PARITY_LIMIT
                    || r.parityLimit() == InfluenceVerifier.STEP_PARITY_LIMIT, r.toString());
        }
    }

    /** The reference with every influence and MLP output scaled by 1 + 1e-11. */
    private static final class Perturbed extends ForwardingBackend {
        Perturbed() {
            super(new JavaBackend(), "perturbed-");
        }

        private static void scale(BatchedMatrix m) {
            for (int b = 0; b < m.batch(); b++) {
                for (int i = 0; i < m.rows(); i++) {
                    for (int j = 0; j < m.cols(); j++) {
                        m.set(b, i, j, m.get(b, i, j) * (1 + 1e-11));
                    }
                }
            }
        }

        private static void scale(double[] v) {
            for (int i = 0; i < v.length; i++) {
                v[i] *= 1 + 1e-11;
            }
        }

        @Override
        public InfluenceKernel influence() {
            InfluenceKernel k = base.influence();
            return new InfluenceKernel() {
                @Override
                public void ekfacEigenvalues(BatchedMatrix g, int perExample, BatchedMatrix a, BatchedMatrix qs,
                                             BatchedMatrix qa, double s, BatchedMatrix lambda) {
                    k.ekfacEigenvalues(g, perExample, a, qs, qa, s, lambda);
                    scale(lambda);
                }

                @Override
                public void kroneckerRotate(BatchedMatrix qs, BatchedMatrix qa, BatchedMatrix x, boolean forward,
                                            BatchedMatrix out) {
                    k.kroneckerRotate(qs, qa, x, forward, out);
                    scale(out);
                }

                @Override
                public void weightedProduct(BatchedMatrix x, BatchedMatrix w, BatchedMatrix y, double alpha,
                                            double beta, BatchedMatrix out) {
                    k.weightedProduct(x, w, y, alpha, beta, out);
                    scale(out);
                }

                @Override
                public void multiply(BatchedMatrix a, boolean ta, BatchedMatrix b, boolean tb, BatchedMatrix out) {
                    k.multiply(a, ta, b, tb, out);
                    scale(out);
                }
            };
        }

        @Override
        public MlpKernel mlp() {
            MlpKernel k = base.mlp();
            return new MlpKernel() {
                @Override
                public void train(MlpArchitecture architecture, double[][] params, double[] x, double[] y,
                                  int[][] orders, int epochs, int batchSize, double lr, double momentum) {
                    k.train(architecture, params, x, y, orders, epochs, batchSize, lr, momentum);
                    for (double[] p : params) {
                        scale(p);
                    }
                }

                @Override
                public void hessianProduct(MlpArchitecture architecture, double[] params, double[] x, double[] y,
                                           int n, double[] v, double[] out) {
                    k.hessianProduct(architecture, params, x, y, n, v, out);
                    scale(out);
                }
            };
        }
    }

    @Test
    void aKernelOffBeyondRoundingFailsItsRow() {
        Map<String, VerificationRow> rows = rows(new Perturbed());
        for (String algorithm : ALGORITHMS) {
            VerificationRow r = rows.get(algorithm);
            assertFalse(r.passed(), r.toString());
            assertTrue(r.residual() > r.residualLimit(), "the closed form catches it: " + r);
            assertTrue(r.parity() > r.parityLimit(), "the reference catches it: " + r);
            assertFalse(r.failures().isEmpty());
        }
    }
}
