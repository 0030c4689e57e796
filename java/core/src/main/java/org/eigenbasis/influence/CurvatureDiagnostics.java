package org.eigenbasis.influence;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How far each rung is from the GGN, and the steps of the K-FAC error decomposition (Hong et al., "Better Hessians
 * Matter"): GGN → block-GGN drops the cross-tensor blocks; block-GGN → EK-FAC restricts each block to K-FAC's
 * Kronecker eigenbasis (with the best diagonal there); EK-FAC → K-FAC replaces those eigenvalues by products of
 * the factors' eigenvalues. Distances are Frobenius norms of dense forms, relative to ‖GGN‖_F; each dense form
 * costs 8P² bytes (refused beforehand when too large) and two P³ products.
 */
public final class CurvatureDiagnostics {
    private CurvatureDiagnostics() {
    }

    /** ‖C − R‖_F / ‖R‖_F (NaN when R = 0). */
    public static double relativeDistance(Curvature c, Curvature reference) {
        Objects.requireNonNull(c, "c");
        Objects.requireNonNull(reference, "reference");
        if (c.dimension() != reference.dimension()) {
            throw new IllegalArgumentException("c: " + c.dimension() + " parameters, the reference has " + reference.dimension());
        }
        double[] r = reference.dense();
        return distance(c.dense(), r) / norm(r);
    }

    /**
     * For each rung present in {@code rungs} (keyed by kind; the GGN must be there): ‖C − GGN‖_F/‖GGN‖_F under
     * "&lt;rung&gt; vs ggn", and the decomposition steps "block (ggn → block-ggn)", "basis (block-ggn → ekfac)",
     * "eigenvalues (ekfac → kfac)" where both ends are present, all relative to ‖GGN‖_F. Insertion-ordered.
     */
    public static Map<String, Double> ladder(Map<CurvatureKind, Curvature> rungs) {
        Curvature ggn = rungs.get(CurvatureKind.GGN);
        if (ggn == null) {
            throw new IllegalArgumentException("rungs: the ggn is needed as the reference");
        }
        Map<CurvatureKind, double[]> dense = new LinkedHashMap<>();
        for (Map.Entry<CurvatureKind, Curvature> e : rungs.entrySet()) {
            if (e.getKey() != CurvatureKind.IDENTITY) {
                dense.put(e.getKey(), e.getValue().dense());
            }
        }
        double[] g = dense.get(CurvatureKind.GGN);
        double scale = norm(g);
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<CurvatureKind, double[]> e : dense.entrySet()) {
            if (e.getKey() != CurvatureKind.GGN) {
                out.put(e.getKey().cliName() + " vs ggn", distance(e.getValue(), g) / scale);
            }
        }
        step(out, "block (ggn -> block-ggn)", dense.get(CurvatureKind.GGN), dense.get(CurvatureKind.BLOCK_GGN), scale);
        step(out, "basis (block-ggn -> ekfac)", dense.get(CurvatureKind.BLOCK_GGN), dense.get(CurvatureKind.EKFAC), scale);
        step(out, "eigenvalues (ekfac -> kfac)", dense.get(CurvatureKind.EKFAC), dense.get(CurvatureKind.KFAC), scale);
        return out;
    }

    private static void step(Map<String, Double> out, String name, double[] from, double[] to, double scale) {
        if (from != null && to != null) {
            out.put(name, distance(from, to) / scale);
        }
    }

    static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    static double norm(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
