package org.eigenbasis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java snippet in README.md compiles and runs exactly as printed, as a user embedding the library would run
 * it: against the built eigenbasis-core and eigenbasis-native artifacts and their runtime dependencies only (none
 * of the CLI's), in a fresh JVM. A snippet holds imports and statements; the test wraps the statements in a
 * {@code main}. When a {@code text} block follows the snippet (only blank lines between), it is what the snippet
 * must print, line for line; so the README cannot rot.
 */
class ReadmeSnippetsTest {
    private static final Path README = locateReadme();
    /** A fenced block: its language and its body. */
    private static final Pattern FENCE = Pattern.compile("(?m)^```(\\w*)\\n(.*?)^```\\s*$", Pattern.DOTALL);

    @TempDir
    Path dir;

    record Snippet(int index, int line, String code, String expectedOutput) {
    }

    private static Path locateReadme() {
        Path p = Path.of("").toAbsolutePath();
        for (; p != null; p = p.getParent()) {   // the module runs in java/cli; README.md sits at the root
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isRegularFile(p.resolve("pom.xml"))
                    && Files.isDirectory(p.resolve("java"))) {
                return p.resolve("README.md");
            }
        }
        throw new IllegalStateException("README.md not found above " + Path.of("").toAbsolutePath());
    }

    static List<Snippet> snippets(String readme) {
        List<Snippet> out = new ArrayList<>();
        Matcher m = FENCE.matcher(readme);
        List<int[]> spans = new ArrayList<>();
        List<String[]> blocks = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
            blocks.add(new String[] {m.group(1), m.group(2)});
        }
        for (int i = 0; i < blocks.size(); i++) {
            if (!blocks.get(i)[0].equals("java")) {
                continue;
            }
            String expected = null;
            if (i + 1 < blocks.size() && blocks.get(i + 1)[0].equals("text")
                    && readme.substring(spans.get(i)[1], spans.get(i + 1)[0]).isBlank()) {
                expected = blocks.get(i + 1)[1];
            }
            int line = (int) readme.substring(0, spans.get(i)[0]).chars().filter(c -> c == '\n').count() + 1;
            out.add(new Snippet(out.size() + 1, line, blocks.get(i)[1], expected));
        }
        return out;
    }

    @Test
    void theReadmeHasTheSnippetsItPromises() throws IOException {
        List<Snippet> all = snippets(Files.readString(README));
        // Embedding (eigh), the SOAP training step and the renewal filter, each with its printed output.
        assertTrue(all.size() >= 3, "README.md has " + all.size() + " java snippets");
        for (Snippet s : all) {
            assertTrue(s.expectedOutput() != null, "README.md line " + s.line() + ": a java snippet without the text"
                    + " block of what it prints");
            assertFalse(s.code().contains("..."), "README.md line " + s.line() + ": a placeholder ('...')");
        }
    }

    @TestFactory
    Stream<DynamicTest> everySnippetCompilesAndRunsAsPrinted() throws IOException {
        return snippets(Files.readString(README)).stream().map(s -> DynamicTest.dynamicTest(
                "README.md line " + s.line(), () -> compileAndRun(s)));
    }

    private void compileAndRun(Snippet s) throws Exception {
        String name = "ReadmeSnippet" + s.index();
        Path src = dir.resolve(name + ".java");
        Files.writeString(src, wrap(name, s.code()));
        String classpath = libraryClasspath();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream diagnostics = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-proc:none", "-Xlint:all,-path", "-Werror", "-cp", classpath,
                "-d", dir.toString(), src.toString());
        assertEquals(0, rc, "README.md line " + s.line() + " does not compile:\n" + diagnostics);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", classpath + File.pathSeparator + dir, name);
        pb.redirectErrorStream(false);
        Process p = pb.start();
        byte[] stdout = p.getInputStream().readAllBytes();
        byte[] stderr = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "README.md line " + s.line() + ": still running after 120 s");
        String out = new String(stdout, StandardCharsets.UTF_8);
        String err = new String(stderr, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "README.md line " + s.line() + " exited " + p.exitValue() + ":\n" + out + err);
        assertEquals(normalise(s.expectedOutput()), normalise(out), "README.md line " + s.line() + " printed");
    }

    private static String normalise(String text) {
        return text.lines().map(String::stripTrailing).collect(Collectors.joining("\n")).strip();
    }

    /** The snippet's imports on top, its statements in main. */
    static String wrap(String className, String code) {
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : code.split("\n", -1)) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        return imports + "\npublic class " + className + " {\n    public static void main(String[] args) throws Exception {\n"
                + body + "    }\n}\n";
    }

    /**
     * What a user depending on eigenbasis-native has: the core and native artifacts (jars in a reactor build after
     * package, class folders otherwise) and their runtime dependencies; not the CLI's libraries, not test code.
     */
    private static String libraryClasspath() {
        List<String> kept = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String norm = entry.replace('\\', '/');
            String file = norm.substring(norm.lastIndexOf('/') + 1);
            boolean ours = norm.endsWith("/core/target/classes") || norm.endsWith("/native/target/classes")
                    || (file.startsWith("eigenbasis-core-") || file.startsWith("eigenbasis-native-"))
                    && file.endsWith(".jar") && !file.endsWith("-tests.jar");
            boolean runtime = file.startsWith("javacpp-") || file.startsWith("openblas-") || file.startsWith("cuda-")
                    || file.startsWith("slf4j-api-");
            if (ours || runtime) {
                kept.add(entry);
            }
        }
        assertTrue(kept.stream().anyMatch(e -> e.contains("core")) && kept.stream().anyMatch(e -> e.contains("native")),
                "the core and native artifacts must be on the test classpath: " + kept);
        return String.join(File.pathSeparator, kept);
    }
}
