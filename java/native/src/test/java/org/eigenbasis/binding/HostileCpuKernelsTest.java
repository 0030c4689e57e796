package org.eigenbasis.binding;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A hostile caller of {@link CpuKernels} (issue 15, point 3): every public kernel method, f32 and f64, with each of
 * its buffers in turn null, on the heap, in the wrong byte order, at a position, too short and (when written)
 * read-only, then with negative and overflowing extents and unknown codes. Each must throw IllegalArgumentException
 * whose message begins with the argument's name, before any native call: the sentinel in every output buffer is
 * still there afterwards. The valid call of each template runs first, so a refusal can only come from the one
 * argument made hostile.
 */
class HostileCpuKernelsTest {
    private static final double SENTINEL = -12345.0;

    @BeforeAll
    static void cpuBackend() {
        Assumptions.assumeTrue(CpuKernels.availability().available(), () -> CpuKernels.availability().reason());
    }

    /** A kernel call over buffers of the given kinds ('d', 'f', 'i', 'l') and element counts; some are written. */
    record Template(String kernel, String kinds, int[] sizes, String[] names, boolean[] written, boolean[] nullable,
                    Consumer<Buffer[]> fill, Consumer<Buffer[]> call) {
        @Override
        public String toString() {
            return kernel;
        }
    }

    /** One hostile call: the argument its exception must name, and the call. */
    record Case(String label, String argument, Consumer<Buffer[]> call, Buffer[] buffers, List<Buffer> outputs) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Buffer direct(char kind, int count) {
        ByteBuffer bytes = ByteBuffer.allocateDirect(Math.max(1, count) * (kind == 'f' || kind == 'i' ? 4 : 8))
                .order(ByteOrder.nativeOrder());
        return view(kind, bytes, count);
    }

    private static Buffer view(char kind, ByteBuffer bytes, int count) {
        Buffer b = switch (kind) {
            case 'd' -> bytes.asDoubleBuffer();
            case 'f' -> bytes.asFloatBuffer();
            case 'i' -> bytes.asIntBuffer();
            default -> bytes.asLongBuffer();
        };
        return b.limit(count);
    }

    private static Buffer heap(char kind, int count) {
        return switch (kind) {
            case 'd' -> DoubleBuffer.allocate(count);
            case 'f' -> FloatBuffer.allocate(count);
            case 'i' -> IntBuffer.allocate(count);
            default -> LongBuffer.allocate(count);
        };
    }

    private static Buffer foreignOrder(char kind, int count) {
        ByteOrder other = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        return view(kind, ByteBuffer.allocateDirect(Math.max(1, count) * 8).order(other), count);
    }

    private static Buffer readOnly(char kind, int count) {
        Buffer b = direct(kind, count);
        return switch (kind) {
            case 'd' -> ((DoubleBuffer) b).asReadOnlyBuffer();
            case 'f' -> ((FloatBuffer) b).asReadOnlyBuffer();
            case 'i' -> ((IntBuffer) b).asReadOnlyBuffer();
            default -> ((LongBuffer) b).asReadOnlyBuffer();
        };
    }

    private static void fillSentinel(Buffer b) {
        for (int i = 0; i < b.limit(); i++) {
            if (b instanceof DoubleBuffer d) {
                d.put(i, SENTINEL);
            } else if (b instanceof FloatBuffer f) {
                f.put(i, (float) SENTINEL);
            }
        }
    }

    private static Buffer[] valid(Template t) {
        Buffer[] b = new Buffer[t.kinds().length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = direct(t.kinds().charAt(i), t.sizes()[i]);
        }
        t.fill().accept(b);
        return b;
    }

    static Stream<Template> templates() {
        return HostileTemplates.all().stream();
    }

    /** The template's own call is legal: without this, a refusal below could come from another argument. */
    @ParameterizedTest
    @MethodSource("templates")
    void theValidCallOfEachTemplateRuns(Template t) {
        Buffer[] b = valid(t);
        assertDoesNotThrow(() -> t.call().accept(b), t.kernel());
    }

    static Stream<Case> bufferCases() {
        List<Case> cases = new ArrayList<>();
        for (Template t : HostileTemplates.all()) {
            for (int i = 0; i < t.kinds().length(); i++) {
                char kind = t.kinds().charAt(i);
                int size = t.sizes()[i];
                String name = t.names()[i];
                List<Buffer> variants = new ArrayList<>();
                List<String> labels = new ArrayList<>();
                if (!t.nullable()[i]) {
                    variants.add(null);
                    labels.add("null");
                }
                variants.add(heap(kind, size));
                labels.add("heap");
                variants.add(foreignOrder(kind, size));
                labels.add("foreign byte order");
                if (size > 0) {
                    variants.add(direct(kind, size - 1));
                    labels.add("one element short");
                    variants.add(direct(kind, size + 1).position(1));
                    labels.add("at position 1");
                }
                if (t.written()[i]) {
                    variants.add(readOnly(kind, size));
                    labels.add("read-only");
                }
                for (int v = 0; v < variants.size(); v++) {
                    Buffer[] b = valid(t);
                    b[i] = variants.get(v);
                    List<Buffer> outputs = new ArrayList<>();
                    for (int o = 0; o < b.length; o++) {
                        if (t.written()[o] && (b[o] instanceof DoubleBuffer || b[o] instanceof FloatBuffer) && !b[o].isReadOnly()) {
                            fillSentinel(b[o]);
                            outputs.add(b[o]);
                        }
                    }
                    cases.add(new Case(t.kernel() + " " + name + " " + labels.get(v), name, t.call(), b, outputs));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("bufferCases")
    void everyHostileBufferIsRefusedByName(Case c) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.call().accept(c.buffers()));
        assertTrue(e.getMessage().startsWith(c.argument() + ":"), () -> c.label() + ": " + e.getMessage());
        for (Buffer out : c.outputs()) {
            for (int i = 0; i < out.limit(); i++) {
                double value = out instanceof DoubleBuffer d ? d.get(i) : ((FloatBuffer) out).get(i);
                assertEquals(SENTINEL, value, c.label() + ": an output was written before the refusal");
            }
        }
    }

    static Stream<Case> scalarCases() {
        return HostileTemplates.scalarCases().stream();
    }

    @ParameterizedTest
    @MethodSource("scalarCases")
    void everyHostileExtentOrCodeIsRefusedByName(Case c) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.call().accept(c.buffers()));
        assertTrue(e.getMessage().startsWith(c.argument() + ":") || e.getMessage().startsWith(c.argument() + " "),
                () -> c.label() + ": " + e.getMessage());
    }

    @Test
    void anOverflowingBatchNamesTheBufferAndTheExtents() {
        DoubleBuffer small = (DoubleBuffer) direct('d', 16);
        IntBuffer info = (IntBuffer) direct('i', 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuKernels.eigh(small,
                Long.MAX_VALUE / 2, 4, small, null, info, 0, 0));
        assertTrue(e.getMessage().startsWith("a: the element count [" + Long.MAX_VALUE / 2 + " x 4 x 4] overflows"),
                e.getMessage());
    }

    @Test
    void theAllocationStatusBecomesAnOutOfMemoryErrorSayingSo() {
        // The native half (every entry point returns EB_ERR_ALLOCATION when an allocation throws) is proved by
        // native/test/hostile_abi_test.cpp; this is the other half: the status becomes this error, never a crash.
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class,
                () -> CpuKernels.check("eb_cpu_eigh_f64", Status.ALLOCATION, false));
        assertTrue(e.getMessage().contains("memory could not be allocated"), e.getMessage());
        NativeKernelException internal = assertThrows(NativeKernelException.class,
                () -> CpuKernels.check("eb_cpu_eigh_f64", -99, false));
        assertEquals(-99, internal.status());
    }

    @Test
    void setThreadsRefusesOutOfRangeCounts() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CpuKernels.setThreads(-1)).getMessage()
                .startsWith("threads:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CpuKernels.setThreads(1 << 20)).getMessage()
                .startsWith("threads:"));
    }
}
