package org.eigenbasis.basis.quadrants;

import java.util.List;
import java.util.Objects;

/** What {@link FourQuadrants} measured, one result per quadrant, and the config that ran. */
public record FourQuadrantsResult(QuadrantsConfig config, EigenbasisLinearResult a, BlockCovarianceResult b,
                                  MinibatchResult c, LogisticResult d) {
    public FourQuadrantsResult {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(c, "c");
        Objects.requireNonNull(d, "d");
    }

    static MethodResult find(List<MethodResult> methods, QuadrantMethod method) {
        for (MethodResult r : methods) {
            if (r.method() == method) {
                return r;
            }
        }
        throw new IllegalArgumentException("method: " + method + " was not run");
    }
}
