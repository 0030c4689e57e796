package org.eigenbasis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The integrator against exact solutions of flows that do not expand distances, where the global error is at most
 * the sum of the local errors ({@link DormandPrince.Result#localErrorSum}; in the Euclidean norm for the rotation,
 * hence √n times the max-norm sum), plus rounding of the order of steps·ulp.
 */
class DormandPrinceTest {
    @Test
    void decay() {
        for (double rtol : new double[] {1e-6, 1e-10, 1e-13}) {
            DormandPrince.Result r = DormandPrince.integrate((t, y, dy) -> dy[0] = -3 * y[0], new double[] {2}, 0, 4,
                    rtol, 0, 100_000);
            double exact = 2 * Math.exp(-12);
            assertEquals(exact, r.y()[0], r.localErrorSum() + r.steps() * Math.ulp(2.0), "rtol " + rtol);
            assertTrue(r.steps() > 0);
        }
    }

    @Test
    void rotationWithTimeDependentSpeed() {
        // y' = ω(t)·J y with ω = 1 + t: y(t) = rotation by θ(t) = t + t²/2.
        DormandPrince.Result r = DormandPrince.integrate((t, y, dy) -> {
            double w = 1 + t;
            dy[0] = -w * y[1];
            dy[1] = w * y[0];
        }, new double[] {1, 0}, 0, 3, 1e-11, 1e-13, 100_000);
        double theta = 3 + 4.5;
        double tol = Math.sqrt(2) * r.localErrorSum() + 4 * r.steps() * Math.ulp(1.0);
        assertEquals(Math.cos(theta), r.y()[0], tol);
        assertEquals(Math.sin(theta), r.y()[1], tol);
    }

    @Test
    void tighterToleranceSmallerError() {
        double[] errors = new double[2];
        double[] rtols = {1e-5, 1e-9};
        for (int i = 0; i < 2; i++) {
            DormandPrince.Result r = DormandPrince.integrate((t, y, dy) -> dy[0] = Math.cos(t) * y[0],
                    new double[] {1}, 0, 10, rtols[i], 0, 100_000);
            errors[i] = Math.abs(r.y()[0] - Math.exp(Math.sin(10)));
        }
        assertTrue(errors[1] < errors[0], "errors " + errors[0] + ", " + errors[1]);
    }

    @Test
    void edgesAndFailures() {
        DormandPrince.Result same = DormandPrince.integrate((t, y, dy) -> dy[0] = 1, new double[] {5}, 2, 2, 1e-8, 0, 1);
        assertEquals(5, same.y()[0]);
        assertEquals(0, same.steps());
        assertThrows(IllegalArgumentException.class,
                () -> DormandPrince.integrate((t, y, dy) -> dy[0] = 1, new double[] {0}, 1, 0, 1e-8, 0, 10));
        assertThrows(IllegalArgumentException.class,
                () -> DormandPrince.integrate((t, y, dy) -> dy[0] = 1, new double[] {0}, 0, 1, 0, 0, 10));
        assertThrows(IllegalStateException.class,
                () -> DormandPrince.integrate((t, y, dy) -> dy[0] = -1e6 * y[0], new double[] {1}, 0, 1, 1e-12, 0, 3));
    }
}
