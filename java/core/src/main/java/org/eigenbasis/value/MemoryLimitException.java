package org.eigenbasis.value;

import java.util.Locale;

/**
 * A request refused before it allocated anything, because its memory need is larger than what the JVM or the
 * machine can give (see {@link MemoryBudget}), or because its size in bytes does not fit in a {@code long}. An
 * {@link IllegalArgumentException}: the caller asked for more than can exist, and a smaller request (fewer
 * matrices per call, a smaller n, f32) is the remedy. The message names the request, the bytes needed and
 * available (also in GiB) and the limit that refused it; the same values are available as accessors.
 */
public final class MemoryLimitException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String request;
    private final long neededBytes;
    private final long availableBytes;
    private final String limit;

    /**
     * @param request what was asked for, e.g. {@code "eigh of (4, 1024, 1024) f64 on the java backend"}
     * @param neededBytes the bytes it needs, or -1 when that count overflows a long
     * @param availableBytes the bytes the limit leaves
     * @param limit which limit, e.g. {@code "JVM heap (-Xmx)"}
     */
    public MemoryLimitException(String request, long neededBytes, long availableBytes, String limit) {
        super(message(request, neededBytes, availableBytes, limit));
        this.request = request;
        this.neededBytes = neededBytes;
        this.availableBytes = availableBytes;
        this.limit = limit;
    }

    private static String message(String request, long needed, long available, String limit) {
        String need = needed < 0 ? "more than " + Long.MAX_VALUE + " bytes (its size overflows a long)"
                : needed + " bytes (" + gib(needed) + ")";
        return request + " needs " + need + " of " + limit + "; " + available + " bytes (" + gib(available)
                + ") are available";
    }

    /** {@code bytes} in GiB with three decimals, e.g. {@code "16.000 GiB"}. */
    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.3f GiB", bytes / (double) (1L << 30));
    }

    /** What was asked for. */
    public String request() {
        return request;
    }

    /** Bytes the request needs; -1 when the count overflows a long. */
    public long neededBytes() {
        return neededBytes;
    }

    /** Bytes the limit left when the request was refused. */
    public long availableBytes() {
        return availableBytes;
    }

    /** The limit that refused the request: the JVM heap, off-heap memory, or the machine's memory. */
    public String limit() {
        return limit;
    }
}
