package org.eigenbasis.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The raw C ABI through JavaCPP, with no checked wrapper in front (issue 15, point 3): JavaCPP passes a null buffer
 * as NULL, so each pointer-taking eb_cpu_* entry point must answer EB_ERR_ARGUMENT to a NULL it needs, a negative
 * extent, an extent whose byte count overflows, and an unknown code, with the JVM still standing. The C++ twin of
 * this test, native/test/hostile_abi_test.cpp, covers the same refusals at the C level (and under the sanitizers).
 */
class HostileRawLibraryTest {
    private static final long HUGE = Long.MAX_VALUE / 2;
    private static final int BIG = Integer.MAX_VALUE;

    @BeforeAll
    static void cpuBackend() {
        Assumptions.assumeTrue(CpuKernels.availability().available(), () -> CpuKernels.availability().reason());
    }

    private static DoubleBuffer d() {
        return ByteBuffer.allocateDirect(64 * 8).order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }

    private static FloatBuffer f() {
        return ByteBuffer.allocateDirect(64 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static IntBuffer i() {
        return ByteBuffer.allocateDirect(64 * 4).order(ByteOrder.nativeOrder()).asIntBuffer();
    }

    private static LongBuffer l() {
        return ByteBuffer.allocateDirect(64 * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    private static Arguments c(String label, IntSupplier call) {
        return Arguments.of(label, call);
    }

    static Stream<Arguments> refusals() {
        int[] w = {2, 3, 2};
        IntBuffer widths = i().put(0, 2).put(1, 3).put(2, 2);
        double[] law = {1.0};
        return Stream.of(
                c("eigh_f64 a NULL", () -> EbCpuLibrary.eb_cpu_eigh_f64(null, 1, 2, d(), d(), i(), 0, 0)),
                c("eigh_f64 info NULL", () -> EbCpuLibrary.eb_cpu_eigh_f64(d(), 1, 2, d(), d(), null, 0, 0)),
                c("eigh_f64 batch overflowing", () -> EbCpuLibrary.eb_cpu_eigh_f64(d(), HUGE, 2, d(), d(), i(), 0, 0)),
                c("eigh_f32 n negative", () -> EbCpuLibrary.eb_cpu_eigh_f32(f(), 1, -2, f(), f(), i(), 0, 0)),
                c("eigh_f32 algorithm 8", () -> EbCpuLibrary.eb_cpu_eigh_f32(f(), 1, 2, f(), f(), i(), 8, 0)),
                c("eigh_f32 algorithm 5 (cuda only)", () -> EbCpuLibrary.eb_cpu_eigh_f32(f(), 1, 2, f(), f(), i(), 5, 0)),
                c("eigh_range_f64 count NULL", () -> EbCpuLibrary.eb_cpu_eigh_range_f64(d(), 1, 2, 1, 0, 1, 0, 0, 1, d(), d(), null, i())),
                c("eigh_range_f64 hi past n", () -> EbCpuLibrary.eb_cpu_eigh_range_f64(d(), 1, 2, 1, 0, 3, 0, 0, 3, d(), d(), i(), i())),
                c("eigh_range_f32 range 0", () -> EbCpuLibrary.eb_cpu_eigh_range_f32(f(), 1, 2, 0, 0, 1, 0, 0, 1, f(), f(), i(), i())),
                c("eigh_range_f32 vl NaN", () -> EbCpuLibrary.eb_cpu_eigh_range_f32(f(), 1, 2, 2, 0, 0, Double.NaN, 1, 1, f(), f(), i(), i())),
                c("eigh_range_f32 batch overflowing", () -> EbCpuLibrary.eb_cpu_eigh_range_f32(f(), HUGE, 2, 2, 0, 0, -1, 1, 1, f(), f(), i(), i())),
                c("reconstruct_f64 out NULL", () -> EbCpuLibrary.eb_cpu_spectral_reconstruct_f64(d(), d(), 1, 2, null)),
                c("reconstruct_f32 n overflowing", () -> EbCpuLibrary.eb_cpu_spectral_reconstruct_f32(f(), f(), 1, BIG, f())),
                c("apply_f64 x NULL", () -> EbCpuLibrary.eb_cpu_spectral_apply_f64(d(), d(), null, 1, 2, 2, d())),
                c("apply_f32 m negative", () -> EbCpuLibrary.eb_cpu_spectral_apply_f32(f(), f(), f(), 1, 2, -2, f())),
                c("refresh_f64 rayleigh NULL", () -> EbCpuLibrary.eb_cpu_refresh_f64(d(), d(), 1, 2, 1, d(), null, d())),
                c("refresh_f32 steps negative", () -> EbCpuLibrary.eb_cpu_refresh_f32(f(), f(), 1, 2, -1, f(), f(), f())),
                c("factor_accumulate_f64 factor NULL", () -> EbCpuLibrary.eb_cpu_factor_accumulate_f64(d(), 1, 2, 2, 1, 0, 1, null)),
                c("factor_accumulate_f32 batch overflowing", () -> EbCpuLibrary.eb_cpu_factor_accumulate_f32(f(), HUGE, 2, 2, 1, 0, 1, f())),
                c("rotate_f64 g NULL", () -> EbCpuLibrary.eb_cpu_rotate_f64(null, 0, null, null, 0, 1, 2, 2, d())),
                c("rotate_f32 m negative", () -> EbCpuLibrary.eb_cpu_rotate_f32(null, 0, f(), null, 0, 1, -2, 2, f())),
                c("diagonal_update_f64 v NULL", () -> EbCpuLibrary.eb_cpu_diagonal_update_f64(d(), null, null, d(), 4, 0.9, 0.99, 1, 0.5, 1e-8)),
                c("diagonal_update_f32 count overflowing", () -> EbCpuLibrary.eb_cpu_diagonal_update_f32(f(), null, f(), f(), Long.MAX_VALUE, 0.9, 0.99, 1, 0.5, 1e-8)),
                c("ekfac lambda NULL", () -> EbCpuLibrary.eb_cpu_influence_ekfac_eigenvalues_f64(d(), 2, 1, 2, d(), 2, d(), d(), 1, null)),
                c("ekfac per_example 0", () -> EbCpuLibrary.eb_cpu_influence_ekfac_eigenvalues_f64(d(), 2, 0, 2, d(), 2, d(), d(), 1, d())),
                c("kronecker_rotate k negative", () -> EbCpuLibrary.eb_cpu_influence_kronecker_rotate_f64(d(), d(), d(), -1, 2, 2, 1, d())),
                c("weighted_product y NULL", () -> EbCpuLibrary.eb_cpu_influence_weighted_product_f64(d(), 2, 2, null, null, 2, 1, 0, d())),
                c("multiply m x n overflowing", () -> EbCpuLibrary.eb_cpu_influence_multiply_f64(d(), BIG, BIG, 0, d(), BIG, BIG, 0, d())),
                c("reset_sim law_params NULL", () -> EbCpuLibrary.eb_cpu_reset_sim_f64(0, null, 1, d(), d(), 2, 1, 1, 10, 7, 0, 0.1, 0, d(), l())),
                c("reset_sim law 42", () -> EbCpuLibrary.eb_cpu_reset_sim_f64(42, d().put(0, 1), 1, d(), d(), 2, 1, 1, 10, 7, 0, 0.1, 0, d(), l())),
                c("reset_sim scheme 9", () -> EbCpuLibrary.eb_cpu_reset_sim_f64(0, d().put(0, 1), 1, d(), d(), 2, 1, 1, 10, 7, 9, 0.1, 0, d(), l())),
                c("reset_sim_range events NULL", () -> EbCpuLibrary.eb_cpu_reset_sim_range_f64(0, d().put(0, 1), 1, d(), d(), 2, 1, 1, 100, 7, 0, 0.1, 0, 0, 100, d(), 8, d(), l(), null)),
                c("reset_sim_range capacity negative", () -> EbCpuLibrary.eb_cpu_reset_sim_range_f64(0, d().put(0, 1), 1, d(), d(), 2, 1, 1, 100, 7, 0, 0.1, 0, 0, 100, d(), -1, d(), l(), l())),
                c("mlp_train widths NULL", () -> EbCpuLibrary.eb_cpu_mlp_train_f64(3, null, 0, 0, d(), 1, d(), d(), 2, i(), l(), 1, 1, 0.1, 0.9)),
                c("mlp_train activation 9", () -> EbCpuLibrary.eb_cpu_mlp_train_f64(3, widths, 9, 0, d(), 1, d(), d(), 2, i(), l(), 1, 1, 0.1, 0.9)),
                c("mlp_train rows overflowing", () -> EbCpuLibrary.eb_cpu_mlp_train_f64(3, widths, 0, 0, d(), 1, d(), d(), Long.MAX_VALUE, i(), l(), 1, 1, 0.1, 0.9)),
                c("mlp_hvp v NULL", () -> EbCpuLibrary.eb_cpu_mlp_hvp_f64(3, widths, 0, 0, d(), d(), d(), 2, null, 1, d())),
                c("mlp_hvp k overflowing", () -> EbCpuLibrary.eb_cpu_mlp_hvp_f64(w.length, widths, 0, 0, d(), d(), d(), 2, d(), HUGE, d())),
                c("diffusion_variance out NULL", () -> EbCpuLibrary.eb_cpu_diffusion_variance_f64(0, d(), 2, d(), 2, 0.1, 10, 1, 1, 0, null)),
                c("diffusion_variance model 5", () -> EbCpuLibrary.eb_cpu_diffusion_variance_f64(5, d(), 2, d(), 2, 0.1, 10, 1, 1, 0, d())),
                c("diffusion_e1 count overflowing", () -> EbCpuLibrary.eb_cpu_diffusion_e1_f64(d(), Long.MAX_VALUE, d())),
                c("set_threads absurd", () -> EbCpuLibrary.eb_cpu_set_threads(BIG)),
                c("set_portable 2", () -> EbCpuLibrary.eb_cpu_set_portable(2)),
                c("reset_sim mu NULL", () -> EbCpuLibrary.eb_cpu_reset_sim_f64(0, d().put(0, law[0]), 1, null, d(), 2, 1, 1, 10, 7, 0, 0.1, 0, d(), l())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void theEntryPointAnswersArgumentError(String label, IntSupplier call) {
        assertEquals(Status.ARGUMENT, call.getAsInt(), label);
    }
}
