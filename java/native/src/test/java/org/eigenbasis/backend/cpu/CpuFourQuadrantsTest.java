package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.eigenbasis.basis.quadrants.EigenbasisLinearResult;
import org.eigenbasis.basis.quadrants.FourQuadrants;
import org.eigenbasis.basis.quadrants.FourQuadrantsContract;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's four quadrants on the cpu backend (the rotations, GU and eigh native): every claim of
 * {@link FourQuadrantsContract}, and quadrant (a)'s spectrum against the java backend's.
 */
class CpuFourQuadrantsTest extends FourQuadrantsContract {
    private static final Backend CPU = new CpuBackend();

    @Override
    protected Backend backend() {
        return CPU;
    }

    /**
     * κ of G = XᵀX/n from the two backends' eigh (the same G up to the syrk's rounding): each eigenvalue moves by at
     * most the backward error c·d·u·‖G‖ (c·d taken as d·γ_{4d}), i.e. relatively by d·γ_{4d}·κ at λ_min, so κ
     * agrees to twice that.
     */
    @Test
    void kappaAgreesWithJava() {
        EigenbasisLinearResult java = FourQuadrants.on(Backends.select("java"), CONFIG).eigenbasisLinear();
        EigenbasisLinearResult cpu = result().a();
        int d = 20;
        double tol = 2 * d * gamma(4 * d) * java.kappa();
        assertEquals(java.kappa(), cpu.kappa(), tol * java.kappa());
    }
}
