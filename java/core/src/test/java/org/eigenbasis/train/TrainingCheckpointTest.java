package org.eigenbasis.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.precond.Optimizer;
import org.eigenbasis.precond.Optimizers;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.spi.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link TrainingCheckpoint}: resume is bit-identical; damaged files are refused by name; refusals change nothing. */
class TrainingCheckpointTest {
    private static final Dataset.Split DIGITS = Digits.split();

    @TempDir
    Path dir;

    private record Outcome(Trainer.Result result, Model model) {
    }

    private static Model model() {
        return FeedForwardNetwork.mlp(Digits.FEATURES, 6, Digits.CLASSES, Activation.TANH, 5);
    }

    private static Optimizer optimizer(String name, double lr, Model m) {
        return Optimizers.create(name, Map.of("lr", lr), m.parameters(), Backends.select("java"));
    }

    private Outcome run(String name, Trainer.Config config, Path checkpoint, Path resume) throws IOException {
        Model m = model();
        try (Optimizer opt = optimizer(name, 0.01, m)) {
            TrainingCheckpoint from = null;
            if (resume != null) {
                from = TrainingCheckpoint.read(resume);
                from.restoreInto(name, TrainingCheckpoint.setup(m, config, DIGITS.train()), m.parameters(), opt);
            }
            Trainer.Result r = Trainer.run(m, opt, DIGITS.train(), null, config, null,
                    new Trainer.Checkpointing(checkpoint, 3, name, from));
            return new Outcome(r, m);
        }
    }

    @ParameterizedTest
    @CsvSource({"adamw, 100, NONE", "kfac, 0, SAMPLED", "kfac, 200, SAMPLED"})
    void resumedRunEqualsTheUninterruptedOneBitForBit(String name, int batch, LayerStatisticsMode stats) throws IOException {
        Trainer.Config config = new Trainer.Config(8, batch, 11, 0.1, stats);
        Path whole = dir.resolve("whole.ckpt");
        Path half = dir.resolve("half.ckpt");
        Path resumed = dir.resolve("resumed.ckpt");
        Outcome uninterrupted = run(name, config, whole, null);
        run(name, config.withSteps(5), half, null);   // checkpoints at 3 and 5 (the last step)
        assertEquals(5, TrainingCheckpoint.read(half).step());
        Outcome continued = run(name, config, resumed, half);
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(resumed), "checkpoint at step 8");
        assertArrayEquals(uninterrupted.result().losses(), continued.result().losses());
        List<Parameter> a = uninterrupted.model().parameters();
        List<Parameter> b = continued.model().parameters();
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).f64(), b.get(i).f64(), a.get(i).name());
        }
        try (var files = Files.list(dir)) {
            assertEquals(3, files.count(), "no temporary files left");
        }
    }

    @Test
    void replayableRandomDrawsWhatJavaUtilRandomDraws() {
        Random reference = new Random(42);
        ReplayableRandom replayable = new ReplayableRandom(42);
        for (int i = 0; i < 1000; i++) {
            assertEquals(reference.nextInt(i + 1), replayable.nextInt(i + 1));
            assertEquals(Double.doubleToRawLongBits(reference.nextDouble()), Double.doubleToRawLongBits(replayable.nextDouble()));
        }
        ReplayableRandom copy = ReplayableRandom.restore(replayable.state());
        assertEquals(reference.nextLong(), copy.nextLong());
        assertThrows(IllegalArgumentException.class, () -> ReplayableRandom.restore(1L << 48));
    }

    private byte[] checkpointBytes() throws IOException {
        Path file = dir.resolve("c.ckpt");
        run("adamw", new Trainer.Config(3, 0, 1, 0.1, LayerStatisticsMode.NONE), file, null);
        return Files.readAllBytes(file);
    }

    private static IOException refusal(byte[] bytes) {
        return assertThrows(IOException.class, () -> TrainingCheckpoint.decode(bytes, "test: "));
    }

    @Test
    void damagedFilesAreRefusedNamingTheDefect() throws IOException {
        byte[] good = checkpointBytes();
        assertEquals(3, TrainingCheckpoint.decode(good, "test: ").step());
        Random random = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            byte[] truncated = java.util.Arrays.copyOf(good, random.nextInt(good.length));
            assertTrue(refusal(truncated).getMessage().contains("truncated"), refusal(truncated).getMessage());
            byte[] flipped = good.clone();
            int at = TrainingCheckpoint.MAGIC.length + 12 + random.nextInt(good.length - TrainingCheckpoint.MAGIC.length - 12);
            flipped[at] ^= (byte) (1 << random.nextInt(8));
            String message = refusal(flipped).getMessage();
            assertTrue(message.contains("checksum mismatch"), at + ": " + message);
        }
        byte[] version = good.clone();
        ByteBuffer.wrap(version).putInt(TrainingCheckpoint.MAGIC.length, 2);
        assertTrue(refusal(version).getMessage().contains("format version 2"), refusal(version).getMessage());
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertTrue(refusal(magic).getMessage().contains("bad magic"), refusal(magic).getMessage());
    }

    @Test
    void aRefusedRestoreKeepsTheModelAndTheOptimizer() throws IOException {
        TrainingCheckpoint c = TrainingCheckpoint.decode(checkpointBytes(), "test: ");
        Model m = model();
        Trainer.Config config = new Trainer.Config(3, 0, 1, 0.1, LayerStatisticsMode.NONE);
        try (Optimizer other = optimizer("soap", 0.01, m)) {   // another optimizer under the same label: refused by its fingerprint
            Trainer.run(m, other, DIGITS.train(), null, config.withSteps(1), null);
            double[] before = m.parameters().get(0).f64().clone();
            byte[] stateBefore = TrainingCheckpoint.optimizerBytes(other, dir.resolve("x"));
            String setup = TrainingCheckpoint.setup(m, config, DIGITS.train());
            assertThrows(IllegalArgumentException.class, () -> c.restoreInto("adamw", setup, m.parameters(), other));
            assertThrows(IllegalArgumentException.class, () -> c.restoreInto("soap", setup, m.parameters(), other));
            Model wider = FeedForwardNetwork.mlp(Digits.FEATURES, 7, Digits.CLASSES, Activation.TANH, 5);
            assertThrows(IllegalArgumentException.class, () -> c.restoreInto("adamw", setup, wider.parameters(), other));
            assertThrows(IllegalArgumentException.class, () -> c.restoreInto("adamw", "other", m.parameters(), other));
            assertArrayEquals(before, m.parameters().get(0).f64());
            assertArrayEquals(stateBefore, TrainingCheckpoint.optimizerBytes(other, dir.resolve("x")));
        }
    }
}
