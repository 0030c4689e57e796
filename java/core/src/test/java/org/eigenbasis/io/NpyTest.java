package org.eigenbasis.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
