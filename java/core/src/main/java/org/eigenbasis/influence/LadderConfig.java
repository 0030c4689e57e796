package org.eigenbasis.influence;

import java.util.Arrays;
import java.util.List;
import org.eigenbasis.value.MlpArchitecture;

/**
 * The curvature-ladder experiment: the model, its training recipe and initialisation seed, the LDS protocol, the
 * dampings and rungs to score, the eigenvalue floor, and whether to compute the dense diagnostics.
 *
 * @param dampings  each ≥ 0 and finite, at least one
 * @param rungs     at least one, no repeats
 */
public record LadderConfig(MlpArchitecture architecture, SgdRecipe recipe, long initSeed, LdsConfig lds,
                           double[] dampings, List<CurvatureKind> rungs, double eigenFloor, boolean diagnostics) {
    public LadderConfig {
        if (architecture == null || recipe == null || lds == null) {
            throw new IllegalArgumentException((architecture == null ? "architecture" : recipe == null ? "recipe" : "lds") + ": null");
        }
        if (dampings == null || dampings.length == 0) {
            throw new IllegalArgumentException("dampings: needs at least one value");
        }
        dampings = dampings.clone();
        for (int i = 0; i < dampings.length; i++) {
            if (!(dampings[i] >= 0) || !Double.isFinite(dampings[i])) {
                throw new IllegalArgumentException("dampings[" + i + "]: " + dampings[i] + " is outside [0, +inf)");
            }
        }
        if (rungs == null || rungs.isEmpty()) {
            throw new IllegalArgumentException("rungs: needs at least one curvature");
        }
        rungs = List.copyOf(rungs);
        if (rungs.stream().distinct().count() != rungs.size()) {
            throw new IllegalArgumentException("rungs: " + rungs + " repeats a curvature");
        }
        new Damping(0, eigenFloor, false);    // validates the floor
    }

    /** Issue 11's reproduction: digits MLP, SGD recipe defaults, init seed 0, LDS defaults, δ ∈ {1e-4, ..., 1}. */
    public static LadderConfig defaults() {
        return new LadderConfig(DigitsInfluence.ARCHITECTURE, SgdRecipe.defaults(), 0, LdsConfig.defaults(),
                new double[] {1e-4, 1e-3, 1e-2, 1e-1, 1}, List.of(CurvatureKind.values()), Damping.DEFAULT_FLOOR, true);
    }

    @Override
    public double[] dampings() {
        return dampings.clone();
    }

    public LadderConfig withRecipe(SgdRecipe value) {
        return new LadderConfig(architecture, value, initSeed, lds, dampings, rungs, eigenFloor, diagnostics);
    }

    public LadderConfig withLds(LdsConfig value) {
        return new LadderConfig(architecture, recipe, initSeed, value, dampings, rungs, eigenFloor, diagnostics);
    }

    public LadderConfig withDampings(double... value) {
        return new LadderConfig(architecture, recipe, initSeed, lds, value, rungs, eigenFloor, diagnostics);
    }

    public LadderConfig withRungs(List<CurvatureKind> value) {
        return new LadderConfig(architecture, recipe, initSeed, lds, dampings, value, eigenFloor, diagnostics);
    }

    public LadderConfig withEigenFloor(double value) {
        return new LadderConfig(architecture, recipe, initSeed, lds, dampings, rungs, value, diagnostics);
    }

    public LadderConfig withDiagnostics(boolean value) {
        return new LadderConfig(architecture, recipe, initSeed, lds, dampings, rungs, eigenFloor, value);
    }

    public LadderConfig withInitSeed(long value) {
        return new LadderConfig(architecture, recipe, value, lds, dampings, rungs, eigenFloor, diagnostics);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LadderConfig c && architecture.equals(c.architecture) && recipe.equals(c.recipe)
                && initSeed == c.initSeed && lds.equals(c.lds) && Arrays.equals(dampings, c.dampings)
                && rungs.equals(c.rungs) && eigenFloor == c.eigenFloor && diagnostics == c.diagnostics;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dampings) * 31 + rungs.hashCode();
    }

    @Override
    public String toString() {
        return "LadderConfig[" + architecture + ", " + recipe + ", init " + initSeed + ", " + lds + ", dampings "
                + Arrays.toString(dampings) + ", rungs " + rungs + ", floor " + eigenFloor + ", diagnostics " + diagnostics + "]";
    }
}
