package org.eigenbasis.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.internal.DirectMemory;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BatchedMatrixTest {
    @ParameterizedTest
    @EnumSource(Placement.class)
    void roundTripsThroughEveryConversion(Placement placement) {
        double[] data = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        try (BatchedMatrix m = BatchedMatrix.of(data, 2, 2, 3, placement)) {
            assertEquals("(2, 2, 3)", m.shape());
            assertEquals(placement, m.placement());
            assertArrayEquals(data, m.toDoubleArray());
            assertEquals(6.0, m.get(0, 1, 2));
            assertEquals(7.0, m.get(1, 0, 0));
            assertArrayEquals(new double[][] {{7, 8, 9}, {10, 11, 12}}, m.toArray(1));
            m.set(1, 1, 2, -1);
            assertEquals(-1.0, m.toArray()[1][1][2]);
            try (BatchedMatrix f32 = m.convert(DType.F32)) {
                assertEquals(DType.F32, f32.dtype());
                assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -1}, f32.toFloatArray());
            }
        }
        float[] floats = {0.1f, 0.2f, 0.3f, 0.4f};
        try (BatchedMatrix m = BatchedMatrix.of(floats, 1, 2, 2, placement)) {
            assertArrayEquals(floats, m.toFloatArray());
            assertEquals((double) 0.3f, m.get(0, 1, 0));
            m.set(0, 0, 0, 1.0 / 3);
            assertEquals((double) (float) (1.0 / 3), m.get(0, 0, 0), "f32 storage rounds to nearest");
        }
    }

    @Test
    void buildsFromNestedArraysAndRejectsRaggedOnes() {
        try (BatchedMatrix m = BatchedMatrix.of(new double[][] {{1, 2}, {3, 4}, {5, 6}})) {
            assertEquals("(1, 3, 2)", m.shape());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchedMatrix.of(new double[][][] {{{1, 2}, {3, 4}}, {{1, 2}, {3}}}));
        assertTrue(e.getMessage().contains("matrices[1][1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BatchedMatrix.of(new double[][][] {{{1}}, {{1}, {2}}}));
        assertTrue(e.getMessage().contains("matrices[1]"), e.getMessage());
    }

    @Test
    void checksShapesAndLengthsAtTheBoundary() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BatchedMatrix.of(new double[5], 2, 2, 2))
                .getMessage().contains("length 5 does not match shape (2, 2, 2)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BatchedMatrix.zeros(DType.F64, -1, 2, 2))
                .getMessage().startsWith("batch: -1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BatchedMatrix.zeros(DType.F64, 1, -2, 2))
                .getMessage().startsWith("rows: -2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BatchedMatrix.zeros(DType.F64, 1, 2, -3))
                .getMessage().startsWith("cols: -3"));
        assertThrows(IllegalArgumentException.class, () -> BatchedMatrix.zeros(DType.F64, 1 << 20, 1 << 10, 1 << 10));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> BatchedMatrix.zeros(DType.F64, 1 << 10, 1 << 10, 1 << 10, Placement.OFF_HEAP))
                .getMessage().contains("off-heap"));
        try (BatchedMatrix m = BatchedMatrix.zeros(DType.F32, 2, 2, 2)) {
            assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> m.get(2, 0, 0)).getMessage().contains("batch index 2"));
            assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> m.get(0, 0, 2)).getMessage().contains("column 2"));
            assertTrue(assertThrows(IllegalStateException.class, m::doubleBuffer).getMessage().contains("not f64"));
            try (BatchedMatrix other = BatchedMatrix.zeros(DType.F32, 2, 2, 3)) {
                assertThrows(IllegalArgumentException.class, () -> m.copyFrom(other));
            }
        }
    }

    @Test
    void emptyShapesAreLegal() {
        try (BatchedMatrix m = BatchedMatrix.zeros(DType.F64, 0, 5, 5, Placement.OFF_HEAP)) {
            assertEquals(0, m.size());
            assertEquals(0, m.toDoubleArray().length);
            assertEquals(0, m.toArray().length);
        }
        try (BatchedMatrix m = BatchedMatrix.of(new double[0], 4, 0, 0)) {
            assertEquals(4, m.batch());
        }
    }

    @Test
    void freedOffHeapMemoryIsReusedWithinABound() {
        long limit = Long.getLong("eigenbasis.directCacheBytes", 64L << 20);
        for (int k = 0; k < 300; k++) {
            try (BatchedMatrix m = BatchedMatrix.allocate(DType.F64, 1, 512, 512 + k % 7, Placement.OFF_HEAP)) {
                m.set(0, 511, 511, k);                       // 2 MiB each, in seven sizes
                assertEquals(k, m.get(0, 511, 511));
            }
            assertTrue(DirectMemory.cachedBytes() <= limit, "cache above its bound: " + DirectMemory.cachedBytes());
        }
        try (BatchedMatrix z = BatchedMatrix.zeros(DType.F64, 1, 512, 512, Placement.OFF_HEAP)) {
            assertEquals(0.0, z.get(0, 511, 511), "zeros() never hands out reused, dirty memory");
        }
    }

    @Test
    void closedMatricesRefuseAccessAndCloseIsIdempotent() {
        BatchedMatrix m = BatchedMatrix.zeros(DType.F64, 1, 2, 2, Placement.OFF_HEAP);
        assertTrue(m.doubleBuffer().isDirect(), "off-heap storage is a direct buffer");
        m.close();
        m.close();
        assertTrue(m.isClosed());
        assertTrue(assertThrows(IllegalStateException.class, () -> m.get(0, 0, 0)).getMessage().contains("closed"));
        assertThrows(IllegalStateException.class, m::toDoubleArray);
        assertTrue(DirectMemory.deterministicRelease(), "off-heap memory must be freed at close() on this JDK");
    }
}
