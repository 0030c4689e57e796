package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Save and load: bit-identical resumption; corrupt, truncated and mismatched files refused with the state kept. */
class StateFileTest {
    private static final Backend JAVA = Backends.select("java");

    @TempDir
    Path dir;

    /** Parameters of every kind: f64 and f32 matrices, a vector, an order-3 tensor, a scalar. */
    private static final class Model {
        final double[] w;
        final float[] w32;
        final double[] b;
        final double[] t;
        final double[] s;

        Model(long seed) {
            Random rng = new Random(seed);
            w = Dense.random(rng, 12);
            w32 = new float[9];
            for (int i = 0; i < 9; i++) {
                w32[i] = (float) rng.nextGaussian();
            }
            b = Dense.random(rng, 5);
            t = Dense.random(rng, 12);
            s = new double[] {rng.nextGaussian()};
        }

        Model(Model m) {
            w = m.w.clone();
            w32 = m.w32.clone();
            b = m.b.clone();
            t = m.t.clone();
            s = m.s.clone();
        }

        List<Parameter> params() {
            return List.of(Parameter.of("w", w, 4, 3), Parameter.of("w32", w32, 3, 3), Parameter.of("b", b, 5),
                    Parameter.of("t", t, 2, 3, 2), Parameter.of("s", s));
        }

        static Gradients gradients(int step) {
            Random rng = new Random(1000 + step);
            float[] g32 = new float[9];
            for (int i = 0; i < 9; i++) {
                g32[i] = (float) rng.nextGaussian();
            }
            int n = 6;
            return new Gradients().put("w", Dense.random(rng, 12)).put("w32", g32).put("b", Dense.random(rng, 5))
                    .put("t", Dense.random(rng, 12)).put("s", new double[] {rng.nextGaussian()})
                    .layer("w", new Gradients.LayerStatistics(Dense.random(rng, n * 3), Dense.random(rng, n * 4), n))
                    .layer("w32", new Gradients.LayerStatistics(Dense.random(rng, n * 3), Dense.random(rng, n * 3), n));
        }

        void assertBitEqual(Model other) {
            assertEquals(List.of(bits(w), bits(b), bits(t), bits(s)), List.of(bits(other.w), bits(other.b),
                    bits(other.t), bits(other.s)));
            assertArrayEquals(w32, other.w32);
        }

        private static List<Long> bits(double[] x) {
            List<Long> out = new ArrayList<>();
            for (double v : x) {
                out.add(Double.doubleToRawLongBits(v));
            }
            return out;
        }
    }

    private static Map<String, Object> config(String name) {
        Map<String, Object> c = new HashMap<>();
        c.put("precondition_frequency", 3);
        if (name.equals("ecshampoo")) {
            c.put("tolerance", 0.05);
        }
        if (name.equals("soap") || name.equals("ecshampoo") || name.equals("shampoo")) {
            c.put("max_precond_dim", 4);
        }
        return c;
    }

    @ParameterizedTest
    @ValueSource(strings = {"soap", "shampoo", "ecshampoo", "adamw", "kfac", "ekfac"})
    void loadAfterSaveResumesBitIdentically(String name) throws IOException {
        Model model = new Model(1);
        EigenbasisOptimizer first = Optimizers.create(name, config(name), model.params(), JAVA);
        for (int step = 1; step <= 20; step++) {
            first.step(Model.gradients(step));
        }
        Path file = dir.resolve(name + ".state");
        first.save(file);
        Model resumed = new Model(model);
        for (int step = 21; step <= 30; step++) {
            first.step(Model.gradients(step));
        }
        EigenbasisOptimizer second = Optimizers.create(name, config(name), resumed.params(), JAVA);
        second.load(file);
        assertEquals(20, second.stepCount());
        for (int step = 21; step <= 30; step++) {
            second.step(Model.gradients(step));
        }
        model.assertBitEqual(resumed);
        assertEquals(first.refreshReport(), second.refreshReport());
        Path again = dir.resolve(name + ".again");
        Path original = dir.resolve(name + ".original");
        first.save(original);
        second.save(again);
        assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(again), "the whole state is equal");
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    /** A SOAP optimizer after 7 steps, its saved state, and a check that its state never changed. */
    private final class Fixture {
        final EigenbasisOptimizer opt;
        final byte[] saved;
        final Path file = dir.resolve("soap.state");

        Fixture() throws IOException {
            opt = Optimizers.create("soap", config("soap"), new Model(2).params(), JAVA);
            for (int step = 1; step <= 7; step++) {
                opt.step(Model.gradients(step));
            }
            opt.save(file);
            saved = Files.readAllBytes(file);
        }

        void refusedAndKept(Class<? extends Exception> type, String message, byte[] content) throws IOException {
            Path bad = dir.resolve("bad.state");
            Files.write(bad, content);
            Exception e = assertThrows(type, () -> opt.load(bad));
            assertTrue(e.getMessage().contains(message), e.getMessage());
            Path after = dir.resolve("after.state");
            opt.save(after);
            assertArrayEquals(saved, Files.readAllBytes(after), "the state is kept after a refused load");
        }
    }

    private static byte[] withChecksum(byte[] content) {
        CRC32C crc = new CRC32C();
        crc.update(content, 0, content.length - 4);
        ByteBuffer.wrap(content).putInt(content.length - 4, (int) crc.getValue());
        return content;
    }

    @Test
    void aFlippedByteIsRefusedByTheChecksum() throws IOException {
        Fixture f = new Fixture();
        byte[] corrupt = f.saved.clone();
        corrupt[corrupt.length / 2] ^= 0x10;
        f.refusedAndKept(IOException.class, "checksum mismatch", corrupt);
    }

    @Test
    void aTruncatedFileIsRefused() throws IOException {
        Fixture f = new Fixture();
        f.refusedAndKept(IOException.class, "truncated", java.util.Arrays.copyOf(f.saved, f.saved.length - 100));
        f.refusedAndKept(IOException.class, "truncated", java.util.Arrays.copyOf(f.saved, 10));
    }

    @Test
    void anotherVersionOrMagicIsRefused() throws IOException {
        Fixture f = new Fixture();
        byte[] v2 = f.saved.clone();
        ByteBuffer.wrap(v2).putInt(8, 2);
        f.refusedAndKept(IOException.class, "format version 2 is not supported", withChecksum(v2));
        byte[] magic = f.saved.clone();
        magic[0] = 'X';
        f.refusedAndKept(IOException.class, "bad magic", magic);
    }

    @Test
    void wrongShapesOrAnotherConfigurationAreRefused() throws IOException {
        Fixture f = new Fixture();
        EigenbasisOptimizer transposed = Optimizers.create("soap", config("soap"),
                List.of(Parameter.of("w", new double[12], 3, 4), Parameter.of("w32", new float[9], 3, 3),
                        Parameter.of("b", new double[5], 5), Parameter.of("t", new double[12], 2, 3, 2),
                        Parameter.of("s", new double[1])), JAVA);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> transposed.load(f.file));
        assertTrue(e.getMessage().contains("parameter 'w' was [4, 3]") && e.getMessage().contains("is [3, 4]"),
                e.getMessage());
        Map<String, Object> other = config("soap");
        other.put("eps", 1e-6);
        EigenbasisOptimizer different = Optimizers.create("soap", other, new Model(3).params(), JAVA);
        e = assertThrows(IllegalArgumentException.class, () -> different.load(f.file));
        assertTrue(e.getMessage().contains("another configuration"), e.getMessage());
        // A file whose checksum is valid but whose tensor has another shape than the optimizer's.
        byte[] tampered = f.saved.clone();
        String text = new String(tampered, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("w/factor1");
        assertTrue(at > 0);
        ByteBuffer buf = ByteBuffer.wrap(tampered);
        int dims = at + "w/factor1".length() + 1;
        buf.putInt(dims + 4, 1).putInt(dims + 8, 9);       // (1, 3, 3) → (1, 1, 9): same byte count
        f.refusedAndKept(IllegalArgumentException.class, "entry 'w/factor1' is f64 [1, 1, 9], expected f64 [1, 3, 3]",
                withChecksum(tampered));
    }

    // Hostile counts behind a valid checksum (found by StateFileFuzzTest): a rank, an array length or a matrix size
    // larger than the rest of the file is refused before the array is allocated; three int dimensions whose
    // product overflows a long are refused too (they used to reach new double[negative]).

    private static byte[] hostile(java.util.function.Consumer<ByteBuffer> contents) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(256);
        body.putLong(5).putLong(0);
        contents.accept(body);
        return StateFileFuzzTest.framed(java.util.Arrays.copyOf(body.array(), body.position()));
    }

    private void refused(byte[] file, String message) throws IOException {
        Path path = dir.resolve("hostile.state");
        Files.write(path, file);
        IOException e = assertThrows(IOException.class, () -> StateFile.read(path));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void hostileCountsAreRefusedBeforeAllocating() throws IOException {
        refused(hostile(b -> b.putInt(1).putInt(1).put((byte) 'w').put((byte) 0).putInt(Integer.MAX_VALUE)),
                "parameter 'w' claims 2147483647 items, more than the file holds");
        refused(hostile(b -> b.putInt(0).putInt(1).putInt(1).put((byte) 'k').put((byte) 2).putInt(Integer.MAX_VALUE)),
                "entry 'k' claims 2147483647 items, more than the file holds");
        refused(hostile(b -> b.putInt(0).putInt(1).putInt(1).put((byte) 'k').put((byte) 0)
                .putInt(Integer.MAX_VALUE).putInt(Integer.MAX_VALUE).putInt(Integer.MAX_VALUE)),
                "entry 'k' claims more data than the file holds");
    }
}
