package org.eigenbasis.binding;

/** The status codes of eb_api.h. */
final class Status {
    static final int OK = 0;
    static final int ARGUMENT = -1;
    static final int ALLOCATION = -2;
    static final int NOT_CONVERGED = -3;
    static final int NO_DEVICE = -10;
    static final int NOT_BUILT = -12;

    /** The ABI version this binding was written for; a library reporting another is refused. */
    static final int ABI_VERSION = 1;

    private Status() {
    }

    static String fromBytes(byte[] buffer) {
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
            end++;
        }
        return new String(buffer, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }

    static java.util.Map<String, String> parseLines(String text) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return out;
    }
}
