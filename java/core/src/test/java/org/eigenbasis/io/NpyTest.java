package org.eigenbasis.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    /** A .npy file with an arbitrary header, written byte by byte as numpy would. */
    private Path raw(String name, String dict, ByteOrder order, double... values) throws Exception {
        String header = dict + " ".repeat(63 - (10 + dict.length()) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        b.order(order);
        for (double v : values) {
            b.putDouble(v);
        }
        Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }

    @Test
    void roundTripsBothDtypesAndKeepsHeadersAligned() throws Exception {
        for (DType dtype : DType.values()) {
            try (BatchedMatrix m = BatchedMatrix.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2).convert(dtype)) {
                Path file = dir.resolve("m.npy");
                Npy.write(file, m, 2, 2, 2);
                byte[] bytes = Files.readAllBytes(file);
                int headerEnd = 10 + ((bytes[8] & 0xff) | (bytes[9] & 0xff) << 8);
                assertEquals(0, headerEnd % 64, "data starts on a 64-byte boundary");
                try (BatchedMatrix back = Npy.readMatrices(file)) {
                    assertEquals(dtype, back.dtype());
                    assertEquals("(2, 2, 2)", back.shape());
                    assertArrayEquals(m.toDoubleArray(), back.toDoubleArray());
                }
            }
        }
    }

    @Test
    void readsBigEndianAndVersionTwoHeaders() throws Exception {
        Path file = raw("be.npy", "{'descr': '>f8', 'fortran_order': False, 'shape': (2, 2), }", ByteOrder.BIG_ENDIAN, 1, 2, 2, 5);
        try (BatchedMatrix m = Npy.readMatrices(file)) {
            assertArrayEquals(new double[] {1, 2, 2, 5}, m.toDoubleArray());
        }
    }

    @Test
    void refusesWhatItCannotReadWithTheReason() throws Exception {
        Path fortran = raw("f.npy", "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Npy.readMatrices(fortran)).getMessage().contains("fortran_order"));
        Path ints = raw("i.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", ByteOrder.LITTLE_ENDIAN, 1, 2);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Npy.read(ints)).getMessage().contains("'<i8'"));
        Path truncated = raw("t.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), }", ByteOrder.LITTLE_ENDIAN, 1, 2);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Npy.read(truncated)).getMessage().contains("truncated"));
        Path rank4 = raw("r.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1), }", ByteOrder.LITTLE_ENDIAN, 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Npy.readMatrices(rank4)).getMessage().contains("must be (n, n)"));
        Path junk = dir.resolve("junk.npy");
        Files.writeString(junk, "hello world");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Npy.read(junk)).getMessage().contains("not a .npy"));
    }

    @Test
    void writesAtomicallyLeavingNoTemporaryFiles() throws Exception {
        Path file = dir.resolve("out.npy");
        try (BatchedMatrix m = BatchedMatrix.zeros(DType.F32, 1, 3, 3)) {
            Npy.write(file, m, 3, 3);
            Npy.write(file, m, 9);                                   // replaces the previous file
            assertThrows(IllegalArgumentException.class, () -> Npy.write(file, m, 4, 4));
        }
        assertEquals("(9,)", Npy.read(file).shapeString());
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count(), "no temporary file is left behind");
        }
    }

    @Test
    void theNextWriteDeletesTemporariesOfDeadWritersAndKeepsLiveOnes() throws Exception {
        Path file = dir.resolve("state.bin");
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Process sleeping = new ProcessBuilder("sleep", "60").start();
        try {
            Path dead = Files.createFile(dir.resolve(".state.bin.pid" + finished.pid() + ".123.tmp"));
            Path live = Files.createFile(dir.resolve(".state.bin.pid" + sleeping.pid() + ".456.tmp"));
            Path ours = Files.createFile(dir.resolve(".state.bin.pid" + ProcessHandle.current().pid() + ".789.tmp"));
            Path other = Files.createFile(dir.resolve(".state.bin.pid5.pid" + finished.pid() + ".1.tmp"));  // file "state.bin.pid5"
            Path legacy = Files.createFile(dir.resolve(".state.bin12345.tmp"));                 // no pid: not ours to judge
            Npy.writeAtomically(file, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertFalse(Files.exists(dead), "a dead writer's temporary is swept");
            assertTrue(Files.exists(live) && Files.exists(ours), "a live writer's temporary is kept");
            assertTrue(Files.exists(other) && Files.exists(legacy), "other files' and unnamed temporaries are kept");
            assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
        } finally {
            sleeping.destroyForcibly().waitFor();
        }
    }

    /** A .npy file whose data bytes are written by {@code data} in the given byte order (as numpy would). */
    private Path typed(String name, String descr, String shape, ByteOrder order, java.util.function.Consumer<ByteBuffer> data)
            throws Exception {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        String header = dict + " ".repeat(63 - (10 + dict.length()) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 1024).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        b.order(order);
        data.accept(b);
        Path file = dir.resolve(name);
        Files.write(file, java.util.Arrays.copyOf(b.array(), b.position()));
        return file;
    }

    private static String message(Class<? extends Throwable> type, org.junit.jupiter.api.function.Executable call) {
        return assertThrows(type, call).getMessage();
    }

    @Test
    void labelsRoundTripAsAlignedLittleEndianInt32() throws Exception {
        for (int[] labels : new int[][] {{}, {7}, {0, 3, 9, 1, Integer.MAX_VALUE}}) {
            Path file = dir.resolve("y.npy");
            Npy.writeLabels(file, labels);
            byte[] bytes = Files.readAllBytes(file);
            int headerEnd = 10 + ((bytes[8] & 0xff) | (bytes[9] & 0xff) << 8);
            assertEquals(0, headerEnd % 64, "data starts on a 64-byte boundary");
            String header = new String(bytes, 10, headerEnd - 10, StandardCharsets.ISO_8859_1);
            assertTrue(header.contains("'descr': '<i4'"), header);
            assertTrue(header.contains("'shape': (" + labels.length + ",)"), header);
            assertEquals(headerEnd + 4 * labels.length, bytes.length);
            assertArrayEquals(labels, Npy.readLabels(file));
        }
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count(), "no temporary file is left behind");
        }
    }

    @Test
    void readsInt32AndInt64LabelsInEveryByteOrder() throws Exception {
        int[] expected = {0, 1, 9, 65536, 2};
        for (String descr : new String[] {"<i4", ">i4", "=i4", "<i8", ">i8", "=i8"}) {
            ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            boolean wide = descr.endsWith("8");
            Path file = typed("y" + descr.hashCode() + ".npy", descr, "(5,)", order, b -> {
                for (int v : expected) {
                    if (wide) {
                        b.putLong(v);
                    } else {
                        b.putInt(v);
                    }
                }
            });
            assertArrayEquals(expected, Npy.readLabels(file), descr);
        }
    }

    @Test
    void refusesNegativeLabelsAndInt64OutsideTheIntRangeNamingFileAndIndex() throws Exception {
        Path big = typed("big.npy", "<i8", "(3,)", ByteOrder.LITTLE_ENDIAN,
                b -> b.putLong(1).putLong(2).putLong(1L << 31));
        String m = message(IllegalArgumentException.class, () -> Npy.readLabels(big));
        assertTrue(m.contains("big.npy") && m.contains("label 2") && m.contains("2147483648"), m);
        Path negative = typed("neg.npy", "<i4", "(3,)", ByteOrder.LITTLE_ENDIAN, b -> b.putInt(0).putInt(-1).putInt(4));
        m = message(IllegalArgumentException.class, () -> Npy.readLabels(negative));
        assertTrue(m.contains("neg.npy") && m.contains("label 1") && m.contains("negative"), m);
        Path negative64 = typed("neg8.npy", ">i8", "(1,)", ByteOrder.BIG_ENDIAN, b -> b.putLong(Long.MIN_VALUE));
        m = message(IllegalArgumentException.class, () -> Npy.readLabels(negative64));
        assertTrue(m.contains("label 0") && m.contains("negative"), m);
    }

    @Test
    void refusesFloatLabelsSayingToSaveIntegers() throws Exception {
        Path whole = typed("wf.npy", "<f8", "(3,)", ByteOrder.LITTLE_ENDIAN, b -> b.putDouble(0).putDouble(1).putDouble(2));
        String m = message(IllegalArgumentException.class, () -> Npy.readLabels(whole));
        assertTrue(m.contains("wf.npy") && m.contains("whole numbers") && m.contains("int32 or int64"), m);
        Path fractional = typed("ff.npy", "<f4", "(2,)", ByteOrder.LITTLE_ENDIAN, b -> b.putFloat(0).putFloat(0.5f));
        m = message(IllegalArgumentException.class, () -> Npy.readLabels(fractional));
        assertTrue(m.contains("not all whole") && m.contains("int32 or int64"), m);
    }

    @Test
    void refusesOtherLabelDtypesAndRanks() throws Exception {
        Path bytes = typed("i1.npy", "|i1", "(2,)", ByteOrder.LITTLE_ENDIAN, b -> b.put((byte) 1).put((byte) 2));
        String m = message(IllegalArgumentException.class, () -> Npy.readLabels(bytes));
        assertTrue(m.contains("'|i1'") && m.contains("int32 or int64"), m);
        Path column = typed("col.npy", "<i4", "(2, 1)", ByteOrder.LITTLE_ENDIAN, b -> b.putInt(1).putInt(2));
        m = message(IllegalArgumentException.class, () -> Npy.readLabels(column));
        assertTrue(m.contains("(2, 1)") && m.contains("(n,)"), m);
        Path scalar = typed("s.npy", "<i8", "()", ByteOrder.LITTLE_ENDIAN, b -> b.putLong(1));
        assertThrows(IllegalArgumentException.class, () -> Npy.readLabels(scalar));
        Path truncated = typed("t.npy", "<i8", "(4,)", ByteOrder.LITTLE_ENDIAN, b -> b.putLong(1));
        assertTrue(message(IllegalArgumentException.class, () -> Npy.readLabels(truncated)).contains("truncated"));
        Path ints = typed("ints.npy", "<i4", "(2,)", ByteOrder.LITTLE_ENDIAN, b -> b.putInt(1).putInt(2));
        assertTrue(message(IllegalArgumentException.class, () -> Npy.read(ints)).contains("'<i4'"),
                "float readers still refuse integer arrays");
    }

    @Test
    void readsDoublesWithTheirShapeAndChecksTheExpectedOne() throws Exception {
        Path f32 = typed("x.npy", "<f4", "(2, 3)", ByteOrder.LITTLE_ENDIAN, b -> {
            for (int i = 0; i < 6; i++) {
                b.putFloat(0.1f * i);
            }
        });
        Npy.Doubles x = Npy.readDoubles(f32);
        assertArrayEquals(new long[] {2, 3}, x.shape());
        assertEquals(2, x.rows());
        assertEquals(3, x.columns());
        for (int i = 0; i < 6; i++) {
            assertEquals((double) (0.1f * i), x.values()[i], 0.0, "f32 widened exactly");
        }
        assertArrayEquals(x.values(), Npy.readDoubles(f32, -1, 3).values());
        assertArrayEquals(x.values(), Npy.readDoubles(f32, 2, 3).values());
        String m = message(IllegalArgumentException.class, () -> Npy.readDoubles(f32, -1, 4));
        assertTrue(m.contains("x.npy") && m.contains("(2, 3)") && m.contains("(*, 4)"), m);
        assertThrows(IllegalArgumentException.class, () -> Npy.readDoubles(f32, 6));
        assertThrows(IllegalArgumentException.class, () -> Npy.readDoubles(f32, 1, 2, 3));

        Path vector = raw("v.npy", "{'descr': '>f8', 'fortran_order': False, 'shape': (3,), }", ByteOrder.BIG_ENDIAN, 1.5, -2, 1e300);
        Npy.Doubles v = Npy.readDoubles(vector, -1);
        assertArrayEquals(new double[] {1.5, -2, 1e300}, v.values());
        assertEquals("(3,)", v.shapeString());
        assertEquals(1, v.columns());

        Path cube = raw("c.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1), }", ByteOrder.LITTLE_ENDIAN, 1);
        assertTrue(message(IllegalArgumentException.class, () -> Npy.readDoubles(cube)).contains("(n,) or (n, d)"));
        Path nan = raw("nan.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", ByteOrder.LITTLE_ENDIAN,
                0, 1, 2, Double.POSITIVE_INFINITY);
        m = message(IllegalArgumentException.class, () -> Npy.readDoubles(nan));
        assertTrue(m.contains("nan.npy") && m.contains("element 3 [1, 1]") && m.contains("Infinity"), m);
        Path labels = dir.resolve("l.npy");
        Npy.writeLabels(labels, new int[] {1, 2});
        assertTrue(message(IllegalArgumentException.class, () -> Npy.readDoubles(labels)).contains("'<i4'"));
    }

    @Test
    void readRefusesRanksOutsideOneToThree() throws Exception {
        Path scalar = raw("scalar.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", ByteOrder.LITTLE_ENDIAN, 1);
        String m = message(IllegalArgumentException.class, () -> Npy.read(scalar));
        assertTrue(m.contains("scalar.npy") && m.contains("rank 0"), m);
        Path rank4 = raw("rank4.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1), }", ByteOrder.LITTLE_ENDIAN, 1);
        m = message(IllegalArgumentException.class, () -> Npy.read(rank4));
        assertTrue(m.contains("rank 4") && m.contains("(1 to 3)"), m);
    }

    // Hostile headers (the cases NpyFuzzTest's committed seeds replay): each is refused with an IllegalArgumentException before any data
    // buffer is sized from the header, never an ArithmeticException, an index error or an OutOfMemoryError.

    @Test
    void aShapeWhoseProductOverflowsIsRefusedNamingTheLimit() throws Exception {
        Path file = raw("overflow.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647), }",
                ByteOrder.LITTLE_ENDIAN);
        String m = message(IllegalArgumentException.class, () -> Npy.read(file));
        assertTrue(m.contains("2 GiB") && m.contains("(2147483647, 2147483647, 2147483647)"), m);
    }

    @Test
    void aDimensionBeyondAnIntIsRefusedEvenWhenTheArrayIsEmpty() throws Exception {
        Path file = raw("wide.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3000000000), }",
                ByteOrder.LITTLE_ENDIAN);
        String m = message(IllegalArgumentException.class, () -> Npy.readMatrices(file));
        assertTrue(m.contains("dimension 3000000000 exceeds " + Integer.MAX_VALUE), m);
    }

    @Test
    void aHeaderClaimingMoreDataThanTheFileHoldsIsRefusedWithBothSizes() throws Exception {
        Path file = raw("claims.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (200000000,), }",
                ByteOrder.LITTLE_ENDIAN, 1.0);
        String m = message(IllegalArgumentException.class, () -> Npy.read(file));
        assertTrue(m.contains("truncated") && m.contains("1600000000 bytes") && m.contains("holds 8"), m);
    }

    @Test
    void aFileEndingInsideTheHeaderLengthIsRefused() throws Exception {
        for (int version = 1; version <= 3; version++) {
            Path file = dir.resolve("short" + version + ".npy");
            Files.write(file, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0, 16});
            String m = message(IllegalArgumentException.class, () -> Npy.read(file));
            assertTrue(m.contains("truncated") && m.contains("header length"), m);
        }
    }
}
