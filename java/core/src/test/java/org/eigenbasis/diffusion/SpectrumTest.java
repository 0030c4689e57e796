package org.eigenbasis.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.train.Digits;
import org.junit.jupiter.api.Test;

/** {@link Spectrum}: power law, parser, covariance through eigh, circulant against dense eigh, digits. */
class SpectrumTest {
    private static final double EPS = Math.ulp(1.0);
    private static final Backend JAVA = Backends.select("java");

    @Test
    void powerLawIsDescendingKToTheMinusBetaAndParses() {
        Spectrum s = Spectrum.powerLaw(32, 1.5);
        assertEquals(32, s.size());
        for (int k = 1; k <= 32; k++) {
            assertEquals(Math.pow(k, -1.5), s.value(k - 1), 0);
        }
        assertFalse(s.hasVectors());
        assertThrows(IllegalStateException.class, s::vectors);
        Spectrum parsed = Spectrum.parse(" PowerLaw( d = 32 , beta = 1.5 ) ");
        assertTrue(Arrays.equals(s.values(), parsed.values()));
        assertEquals("powerlaw(d=32,beta=1.5)", parsed.name());
        assertEquals("powerlaw(d=8,beta=1)", Spectrum.parse("powerlaw(d=8,beta=1)").name());
    }

    @Test
    void parserAndFactoriesRefuseBadInputNamingIt() {
        assertMessage(() -> Spectrum.parse("powerlaw(d=0,beta=1)"), "d: 0");
        assertMessage(() -> Spectrum.parse("powerlaw(d=x,beta=1)"), "d = 'x'");
        assertMessage(() -> Spectrum.parse("powerlaw(d=4,beta=-1)"), "beta: -1");
        assertMessage(() -> Spectrum.parse("powerlaw(d=4,beta=NaN)"), "beta: NaN");
        assertMessage(() -> Spectrum.parse("gauss(d=4)"), "gauss(d=4)");
        assertMessage(() -> Spectrum.of("x", new double[] {1, -2}), "eigenvalues[1]");
        assertMessage(() -> Spectrum.of("x", new double[0]), "empty");
    }

    @Test
    void covarianceEigenpairsSatisfyTheEigenEquationDescending() {
        int d = 12;
        double[][] c = gram(randomMatrix(new Random(3), d, d + 3));
        Spectrum s = Spectrum.fromCovariance(c, JAVA);
        double[] w = s.values();
        double[][] v = s.vectors();
        double norm = frobenius(c);
        for (int k = 0; k < d; k++) {
            if (k > 0) {
                assertTrue(w[k] <= w[k - 1], "descending at " + k);
            }
            for (int i = 0; i < d; i++) {
                double cv = 0;
                for (int j = 0; j < d; j++) {
                    cv += c[i][j] * v[j][k];
                }
                // backward stability of eigh: residual ≤ c·n·ε·‖A‖_F, c = 16
                assertEquals(w[k] * v[i][k], cv, 16 * d * EPS * norm, "mode " + k + " row " + i);
            }
        }
    }

    @Test
    void rankDeficientCovarianceHasItsRoundingNegativesClippedToZero() {
        int d = 10;
        double[][] c = gram(randomMatrix(new Random(5), d, d - 3));
        Spectrum s = Spectrum.fromCovariance(c, JAVA);
        double tol = 8 * d * EPS * s.value(0);
        for (int k = 0; k < d; k++) {
            assertTrue(s.value(k) >= 0, "clipped at " + k);
        }
        for (int k = d - 3; k < d; k++) {
            assertTrue(s.value(k) <= tol, "null direction " + k + " = " + s.value(k));
        }
        assertTrue(s.value(d - 4) > 1e6 * tol, "rank d − 3");
    }

    @Test
    void covarianceRefusesAsymmetryAndNegativeEigenvaluesNamingThem() {
        double[][] asym = {{2, 1}, {1 + 1e-6, 2}};
        assertMessage(() -> Spectrum.fromCovariance(asym, JAVA), "not symmetric");
        double[][] indefinite = {{1, 0, 0}, {0, -0.5, 0}, {0, 0, 2}};
        assertMessage(() -> Spectrum.fromCovariance(indefinite, JAVA), "eigenvalue 2 (descending) is -0.5");
        assertMessage(() -> Spectrum.fromCovariance(new double[][] {{1, Double.NaN}, {Double.NaN, 1}}, JAVA), "NaN");
        assertMessage(() -> Spectrum.fromCovariance(new double[][] {{1, 0}, {0}}, JAVA), "row 1");
    }

    @Test
    void circulantEigenvaluesAreTheDftAndItsFourierModesAreEigenvectors() {
        for (int d : new int[] {1, 2, 3, 7, 16, 33}) {
            double[] row = new double[d];
            for (int j = 0; j < d; j++) {
                int lag = Math.min(j, d - j);
                row[j] = Math.pow(0.8, lag);
            }
            double[][] dense = new double[d][d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    dense[i][j] = row[Math.floorMod(j - i, d)];
                }
            }
            Spectrum fourier = Spectrum.circulant(row);
            Spectrum eigh = Spectrum.fromCovariance(dense, JAVA);
            double scale = Arrays.stream(row).map(Math::abs).sum();
            double tol = 16 * d * EPS * scale;
            double[][] v = fourier.vectors();
            for (int k = 0; k < d; k++) {
                assertEquals(eigh.value(k), fourier.value(k), tol, "d = " + d + ", eigenvalue " + k);
                for (int i = 0; i < d; i++) {
                    double cv = 0;
                    for (int j = 0; j < d; j++) {
                        cv += dense[i][j] * v[j][k];
                    }
                    assertEquals(fourier.value(k) * v[i][k], cv, tol, "d = " + d + ", mode " + k + " row " + i);
                }
                for (int l = 0; l <= k; l++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += v[i][k] * v[i][l];
                    }
                    assertEquals(k == l ? 1 : 0, dot, 4 * d * EPS, "orthonormal " + k + ", " + l);
                }
            }
        }
    }

    @Test
    void circulantRefusesAnAsymmetricOrIndefiniteFirstRow() {
        assertMessage(() -> Spectrum.circulant(new double[] {1, 0.5, 0.2, 0.4}), "c[1] = 0.5");
        // eigenvalues 1 + 2·0.9·cos(2πm/3): m = 1, 2 give 0.1; with 1.2 off the diagonal they are −0.2
        assertMessage(() -> Spectrum.circulant(new double[] {1, 1.2, 1.2}), "m = 1");
        assertMessage(() -> Spectrum.circulant(new double[0]), "empty");
    }

    @Test
    void digitsCovarianceKeepsTheTraceAndHasOneZeroPerConstantPixel() {
        double[][] c = Spectrum.digitsCovariance();
        Spectrum s = Spectrum.digits();
        assertEquals(Digits.FEATURES, s.size());
        double trace = 0;
        int constant = 0;
        for (int i = 0; i < c.length; i++) {
            trace += c[i][i];
            constant += c[i][i] == 0 ? 1 : 0;
        }
        double sum = Arrays.stream(s.values()).sum();
        assertEquals(trace, sum, 16 * 64 * EPS * trace);
        int zeros = 0;
        for (double w : s.values()) {
            zeros += w <= s.roundingFloor() ? 1 : 0;
        }
        assertTrue(constant > 0, "the digits have pixels that are 0 in every image");
        assertEquals(constant, zeros, "eigenvalues at rounding level = constant pixels");
    }

    static double[][] randomMatrix(Random r, int rows, int cols) {
        double[][] b = new double[rows][cols];
        for (double[] row : b) {
            for (int j = 0; j < cols; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return b;
    }

    static double[][] gram(double[][] b) {
        int d = b.length;
        double[][] c = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                for (int k = 0; k < b[0].length; k++) {
                    c[i][j] += b[i][k] * b[j][k];
                }
            }
        }
        return c;
    }

    private static double frobenius(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double x : row) {
                s += x * x;
            }
        }
        return Math.sqrt(s);
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), e.getMessage() + " should name " + fragment);
    }
}
