package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.eigenbasis.contract.ConcurrencyContract;
import org.eigenbasis.testing.ConcurrencyStress;
import org.junit.jupiter.api.Test;

/**
 * The very first calls of a fresh JVM, made by eight threads at once (released together by a barrier), race
 * everything that is initialised lazily: loading the JNI library and OpenBLAS, {@code CpuKernels}' availability
 * probe and properties, the batch pool and the C++ function-local statics (ISA dispatch, tables). Every result must
 * have the bits of the same call made again, alone, afterwards, and nothing may hang.
 */
class CpuFirstCallsTest {
    /** The child JVM: eight threads share out every stress task, starting together; then the calls alone. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            List<ConcurrencyStress.Task> tasks = ConcurrencyContract.tasksOf(new CpuBackend(), 15);
            int threads = 8;
            double[][] got = new double[tasks.size()][];
            Throwable[] failure = new Throwable[1];
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                Thread w = new Thread(() -> {
                    try {
                        start.await();
                        for (int k = first; k < tasks.size(); k += threads) {
                            got[k] = tasks.get(k).call().call();
                        }
                    } catch (Throwable e) {
                        synchronized (failure) {
                            failure[0] = e;
                        }
                    }
                }, "first-" + t);
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(60));
                if (w.isAlive()) {
                    System.out.println("hung: " + w.getName() + "\n" + ConcurrencyStress.threadDump());
                    System.exit(3);
                }
            }
            if (failure[0] != null) {
                System.out.println("threw: " + failure[0]);
                System.exit(2);
            }
            List<double[]> alone = ConcurrencyStress.alone(tasks);
            for (int k = 0; k < tasks.size(); k++) {
                if (!ConcurrencyStress.sameBits(alone.get(k), got[k])) {
                    System.out.println("differs: " + tasks.get(k).name());
                    System.exit(1);
                }
            }
            System.out.println("ok " + tasks.size());
        }
    }

    @Test
    void eightThreadsFirstCallsInAFreshJvmGetTheBitsOfCallsAlone() throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path out = Files.createTempFile("first-calls", ".txt");
        try {
            Process p = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    Probe.class.getName())).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the first-calls JVM did not finish in 120 s");
            }
            String output = Files.readString(out, StandardCharsets.UTF_8).strip();
            assertEquals(0, p.exitValue(), output);
            assertTrue(output.startsWith("ok "), output);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
