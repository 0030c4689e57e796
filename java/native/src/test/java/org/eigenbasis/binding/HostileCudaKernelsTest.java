package org.eigenbasis.binding;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A hostile caller of {@link CudaKernels} and {@link DeviceBuffer} (issue 15, point 3). The argument checks run
 * before the availability check, so the null buffers, negative and overflowing extents and unknown codes below are
 * refused by name on any machine, with or without a GPU. Closed buffers, too-small device buffers and host buffers
 * that do not fit need device memory: those tests skip where the cuda backend is unavailable.
 */
class HostileCudaKernelsTest {
    private static final long HUGE = Long.MAX_VALUE / 2;

    static Stream<Arguments> refusedWithoutDevice() {
        long[] offsets = {0, 4};
        int[] widths = {2, 3, 2};
        return Stream.of(
                Arguments.of("jacobiEigh a null", "a", call(() -> CudaKernels.jacobiEigh(true, null, 2, 3, null, null, null, 0))),
                Arguments.of("jacobiEigh batch overflowing", "a", call(() -> CudaKernels.jacobiEigh(true, null, HUGE, 3, null, null, null, 0))),
                Arguments.of("jacobiEigh n negative", "n", call(() -> CudaKernels.jacobiEigh(false, null, 2, -3, null, null, null, 0))),
                Arguments.of("finishColumns src null", "src", call(() -> CudaKernels.finishColumns(true, null, null, null, null, 2, 3))),
                Arguments.of("finishColumns batch negative", "batch", call(() -> CudaKernels.finishColumns(true, null, null, null, null, -2, 3))),
                Arguments.of("resetSimulate mu null", "mu", call(() -> CudaKernels.resetSimulate(0, new double[] {1}, null, new double[1], 1, 1, 10, 7, false, 0, false, new long[1]))),
                Arguments.of("resetSimulate law 12", "law", call(() -> CudaKernels.resetSimulate(12, new double[] {1}, new double[1], new double[1], 1, 1, 10, 7, false, 0, false, new long[1]))),
                Arguments.of("precondDiagonalUpdate g null", "g", call(() -> CudaKernels.precondDiagonalUpdate(true, null, null, null, null, 5, 0.9, 0.99, 1, 0.5, 1e-8))),
                Arguments.of("precondDiagonalUpdate count negative", "count", call(() -> CudaKernels.precondDiagonalUpdate(false, null, null, null, null, -5, 0.9, 0.99, 1, 0.5, 1e-8))),
                Arguments.of("precondCombineFactor batch overflowing", "s", call(() -> CudaKernels.precondCombineFactor(true, null, null, HUGE, 4, 0, 1))),
                Arguments.of("mlpTrain orderOffsets null", "orderOffsets", call(() -> CudaKernels.mlpTrain(widths, 0, 0, null, 1, null, null, 2, null, null, 1, 1, 0.1, 0.9))),
                Arguments.of("mlpTrain widths null", "widths", call(() -> CudaKernels.mlpTrain(null, 0, 0, null, 1, null, null, 2, null, offsets, 1, 1, 0.1, 0.9))),
                Arguments.of("mlpTrain width negative", "widths[1]", call(() -> CudaKernels.mlpTrain(new int[] {2, -1, 2}, 0, 0, null, 1, null, null, 2, null, offsets, 1, 1, 0.1, 0.9))),
                Arguments.of("mlpTrain activation 9", "activation", call(() -> CudaKernels.mlpTrain(widths, 9, 0, null, 1, null, null, 2, null, offsets, 1, 1, 0.1, 0.9))),
                Arguments.of("mlpTrain params null", "params", call(() -> CudaKernels.mlpTrain(widths, 0, 0, null, 1, null, null, 2, null, offsets, 1, 1, 0.1, 0.9))),
                Arguments.of("mlpBroadcastRows out null", "out", call(() -> CudaKernels.mlpBroadcastRows(null, 2, 3, 4, null, 4, false))),
                Arguments.of("mlpBroadcastRows rows overflowing", "out", call(() -> CudaKernels.mlpBroadcastRows(null, HUGE, 3, 4, null, 4, false))),
                Arguments.of("mlpActivate activation 4", "activation", call(() -> CudaKernels.mlpActivate(4, null, 5, null, null, null))),
                Arguments.of("mlpActivate z null", "z", call(() -> CudaKernels.mlpActivate(0, null, 5, null, null, null))),
                Arguments.of("mlpLossGradient loss 2", "loss", call(() -> CudaKernels.mlpLossGradient(2, null, null, 2, 3, 0.5, null, null))),
                Arguments.of("mlpLossGradient rows negative", "z", call(() -> CudaKernels.mlpLossGradient(0, null, null, -2, 3, 0.5, null, null))),
                Arguments.of("mlpScaleGroups rows overflowing", "out", call(() -> CudaKernels.mlpScaleGroups(null, null, null, HUGE, 3, 4, null, null))),
                Arguments.of("mlpRopLoss loss -1", "loss", call(() -> CudaKernels.mlpRopLoss(-1, null, null, 2, 3, 4, 0.5, null))),
                Arguments.of("mlpColumnSums in null", "in", call(() -> CudaKernels.mlpColumnSums(null, 2, 3, 4, null, 4))),
                Arguments.of("DeviceBuffer.allocate bytes negative", "bytes", call(() -> DeviceBuffer.allocate(-1))));
    }

    private static Executable call(Executable e) {
        return e;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedWithoutDevice")
    void refusedByNameBeforeAnyDeviceIsNeeded(String label, String argument, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, label);
        assertTrue(e.getMessage().startsWith(argument + ":") || e.getMessage().startsWith(argument + " "),
                () -> label + ": " + e.getMessage());
    }

    private static void assumeDevice() {
        Assumptions.assumeTrue(CudaKernels.availability().available(), () -> CudaKernels.availability().reason());
    }

    private static DoubleBuffer doubles(int count, ByteOrder order) {
        return ByteBuffer.allocateDirect(count * 8).order(order).asDoubleBuffer();
    }

    @Test
    void aClosedBufferIsRefusedByNameAndItsViewsDieWithIt() {
        assumeDevice();
        DeviceBuffer g = DeviceBuffer.allocate(64);
        DeviceBuffer v = DeviceBuffer.allocate(64);
        DeviceBuffer out = DeviceBuffer.allocate(64);
        DeviceBuffer view = g.view(0, 32);
        g.close();
        g.close();  // idempotent: never a double free
        assertTrue(view.isClosed());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CudaKernels.precondDiagonalUpdate(true, g, null, v, out, 8, 0.9, 0.99, 1, 0.5, 1e-8));
        assertTrue(e.getMessage().startsWith("g: device buffer is closed"), e.getMessage());
        assertThrows(IllegalStateException.class, view::address);
        assertThrows(IllegalStateException.class, () -> g.upload(doubles(8, ByteOrder.nativeOrder())));
        v.close();
        out.close();
    }

    @Test
    void deviceAndHostBuffersThatDoNotFitAreRefusedByName() {
        assumeDevice();
        try (DeviceBuffer g = DeviceBuffer.allocate(8 * 8); DeviceBuffer v = DeviceBuffer.allocate(8 * 8);
             DeviceBuffer small = DeviceBuffer.allocate(8 * 4)) {
            // an f32-sized buffer handed over as f64: too small by half
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CudaKernels.precondDiagonalUpdate(true, g, null, v, small, 8, 0.9, 0.99, 1, 0.5, 1e-8));
            assertTrue(e.getMessage().startsWith("out: device buffer holds 32 bytes, needs 64"), e.getMessage());
            ByteOrder foreign = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            assertTrue(assertThrows(IllegalArgumentException.class, () -> g.upload(doubles(8, foreign))).getMessage()
                    .startsWith("host: byte order"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> g.upload(doubles(4, ByteOrder.nativeOrder())))
                    .getMessage().startsWith("host:"));
            FloatBuffer halfFloats = ByteBuffer.allocateDirect(8 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            assertTrue(assertThrows(IllegalArgumentException.class, () -> g.upload(halfFloats)).getMessage()
                    .startsWith("host:"));
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> g.download(doubles(8, ByteOrder.nativeOrder()).asReadOnlyBuffer())).getMessage()
                    .startsWith("host: is read-only"));
            assertThrows(IllegalArgumentException.class, () -> g.view(Long.MAX_VALUE, 1));
            assertThrows(IllegalArgumentException.class, () -> g.uploadAt(8, null, Long.MAX_VALUE / 2));
            assertThrows(IllegalArgumentException.class, () -> g.copyFrom(null));
        }
    }

    @Test
    void anImpossibleDeviceAllocationIsAnOutOfMemoryErrorWithTheByteCount() {
        assumeDevice();
        long bytes = 1L << 60;
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> DeviceBuffer.allocate(bytes));
        assertTrue(e.getMessage().contains("memory could not be allocated (" + bytes + " bytes"), e.getMessage());
    }
}
