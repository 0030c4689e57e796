package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import org.eigenbasis.binding.CpuKernels;
import org.eigenbasis.contract.DiffusionContract;
import org.eigenbasis.internal.ExponentialIntegral;
import org.eigenbasis.spi.Backend;
import org.junit.jupiter.api.Test;

/**
 * The diffusion contract on the cpu kernel (native/src/cpu/diffusion.cpp), whose E₁ is a Chebyshev table within
 * {@value #E1_BOUND} relative, and that E₁ itself against the java reference on a logarithmic grid of
 * [1e-300, 700] and at every cell boundary ± 1 ulp.
 */
class CpuDiffusionContractTest extends DiffusionContract {
    /**
     * The E₁ bound this test holds the kernel to: the table's interpolants are within 5e-15 (gen_e1_table.py),
     * Clenshaw's recurrence adds rounding, and the reference's series and continued fraction a few ulp.
     */
    static final double E1_BOUND = 1e-14;
    private static final Backend BACKEND = new CpuBackend();

    @Override
    protected boolean requiredHere() {
        return true;
    }

    @Override
    protected Backend backend() {
        return BACKEND;
    }

    @Override
    protected double e1RelativeError() {
        return E1_BOUND;
    }

    @Test
    void tableE1MatchesTheReferenceFromTinyToUnderflow() {
        int grid = 40001;
        double[] xs = new double[grid + 3 * 16];
        for (int i = 0; i < grid; i++) {
            xs[i] = Math.pow(10, -300 + i * (Math.log10(700) + 300) / (grid - 1));
        }
        int k = grid;
        for (int c = 1; c <= 16; c++) {
            double edge = 0.5 * c;
            xs[k++] = Math.nextDown(edge);
            xs[k++] = edge;
            xs[k++] = Math.nextUp(edge);
        }
        DoubleBuffer x = direct(xs.length);
        x.put(xs).flip();
        DoubleBuffer out = direct(xs.length);
        CpuKernels.diffusionE1(x, xs.length, out);
        double worst = 0;
        for (int i = 0; i < xs.length; i++) {
            double want = ExponentialIntegral.e1(xs[i]);
            double rel = Math.abs(out.get(i) - want) / want;
            worst = Math.max(worst, rel);
            assertTrue(rel <= E1_BOUND, "E1(" + xs[i] + "): got " + out.get(i) + ", want " + want);
        }
        assertTrue(worst > 0, "the table E1 cannot equal the reference everywhere: is the kernel the reference?");
    }

    private static DoubleBuffer direct(int count) {
        return ByteBuffer.allocateDirect(count * Double.BYTES).order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }
}
