package org.eigenbasis.basis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The rules and the optimizer config validate in their constructors; each wither changes only its component. */
class ConfigTest {
    private static void refused(String name, Executable construction) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction);
        assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
    }

    @Test
    void outOfRangeValuesAreRefusedByName() {
        refused("beta1", () -> DiagonalRule.Adam.defaults().withBeta1(1));
        refused("beta2", () -> DiagonalRule.Adam.defaults().withBeta2(-0.1));
        refused("eps", () -> DiagonalRule.Adam.defaults().withEps(Double.NaN));
        refused("eps", () -> DiagonalRule.Adagrad.defaults().withEps(-1));
        refused("power", () -> DiagonalRule.GaussNewton.defaults().withPower(0.7));
        refused("eps", () -> DiagonalRule.GaussNewton.defaults().withEps(Double.POSITIVE_INFINITY));
        refused("lr", () -> BasisOptimizerConfig.defaults().withLr(-1e-3));
        refused("lr", () -> BasisOptimizerConfig.defaults().withLr(Double.NaN));
        assertThrows(NullPointerException.class, () -> BasisOptimizerConfig.defaults().withRule(null));
    }

    @Test
    void withersChangeOnlyTheirComponent() {
        assertEquals(new DiagonalRule.Adam(0.5, 0.999, 1e-8), DiagonalRule.Adam.defaults().withBeta1(0.5));
        assertEquals(new DiagonalRule.Adam(0.9, 0.5, 1e-8), DiagonalRule.Adam.defaults().withBeta2(0.5));
        assertEquals(new DiagonalRule.Adam(0.9, 0.999, 0), DiagonalRule.Adam.defaults().withEps(0));
        assertEquals(new DiagonalRule.Adagrad(0.5), DiagonalRule.Adagrad.defaults().withEps(0.5));
        assertEquals(new DiagonalRule.GaussNewton(0.5, 1e-8), DiagonalRule.GaussNewton.defaults().withPower(0.5));
        assertEquals(new DiagonalRule.GaussNewton(1, 0), DiagonalRule.GaussNewton.defaults().withEps(0));
        assertEquals(new BasisOptimizerConfig(0.1, DiagonalRule.Adam.defaults()),
                BasisOptimizerConfig.defaults().withLr(0.1));
        assertEquals(new BasisOptimizerConfig(1e-3, DiagonalRule.Adagrad.defaults()),
                BasisOptimizerConfig.defaults().withRule(DiagonalRule.Adagrad.defaults()));
    }
}
