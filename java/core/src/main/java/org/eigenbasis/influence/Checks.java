package org.eigenbasis.influence;

/** Argument checks shared by the package: each failure names the argument, the index and the legal range. */
final class Checks {
    /** System property capping any dense P × P (or block) allocation, in bytes; default half the max heap. */
    static final String DENSE_LIMIT_PROPERTY = "eigenbasis.influence.denseLimitBytes";

    private Checks() {
    }

    static void rows(String name, double[] v, int k, int p) {
        if (v == null) {
            throw new IllegalArgumentException(name + ": null");
        }
        if (k < 1) {
            throw new IllegalArgumentException(name + ": row count " + k + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        if ((long) k * p != v.length) {
            throw new IllegalArgumentException(name + ": length " + v.length + ", expected " + k + " rows x " + p
                    + " = " + (long) k * p);
        }
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException(name + "[" + i / p + "][" + i % p + "]: " + v[i] + " is not finite");
            }
        }
    }

    static long denseLimitBytes() {
        String text = System.getProperty(DENSE_LIMIT_PROPERTY);
        if (text != null) {
            try {
                long v = Long.parseLong(text.trim());
                if (v > 0) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
            throw new IllegalArgumentException(DENSE_LIMIT_PROPERTY + ": '" + text + "' is not a positive byte count");
        }
        return Runtime.getRuntime().maxMemory() / 2;
    }

    /**
     * Refuses, before allocating, a dense p × p matrix (times {@code copies} live at once) that would pass the
     * limit, saying how much it needs and how to raise the limit.
     */
    static void denseFits(String what, long p, int copies) {
        long bytes = org.eigenbasis.value.MemoryBudget.bytes(what + ": " + p + " x " + p, 8, p, p, copies);
        long limit = denseLimitBytes();
        if (p > 46_340 || bytes > limit) {
            throw new IllegalArgumentException(what + ": " + p + " x " + p + " needs " + mib(bytes)
                    + " MiB, more than the " + mib(limit) + " MiB allowed (half the JVM heap, or -D"
                    + DENSE_LIMIT_PROPERTY + "); use a structured curvature (block-ggn, ekfac, kfac) or the "
                    + "matrix-free Hessian");
        }
        org.eigenbasis.value.MemoryBudget.require(what + ": " + p + " x " + p + " dense, " + copies + " copies",
                bytes, 0);
    }

    static void denseFits(String what, long p) {
        denseFits(what, p, 1);
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
