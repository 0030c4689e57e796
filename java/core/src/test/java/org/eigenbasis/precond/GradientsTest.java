package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The typed gradient API: checked puts by parameter, typed reads, errors that name the parameter and index. */
class GradientsTest {
    private static final Parameter W = Parameter.of("w", new double[6], 2, 3);
    private static final Parameter F = Parameter.of("f", new float[2], 2);

    @Test
    void putByParameterChecksDtypeAndLengthAtOnce() {
        refused("gradient of 'w': float[] for an f64 parameter", () -> new Gradients().put(W, new float[6]));
        refused("gradient of 'f': double[] for an f32 parameter", () -> new Gradients().put(F, new double[2]));
        refused("gradient of 'w': length 5 does not match the parameter's shape [2, 3] (6 elements)",
                () -> new Gradients().put(W, new double[5]));
        double[] gw = {1, 2, 3, 4, 5, 6};
        float[] gf = {7, 8};
        Gradients g = new Gradients().put(W, gw).put(F, gf);
        assertSame(gw, g.f64("w"), "nothing is copied");
        assertSame(gf, g.f32("f"));
        assertEquals(List.of("w", "f"), List.copyOf(g.names()));
        assertEquals(DType.F64, g.dtype("w"));
        assertEquals(DType.F32, g.dtype("f"));
        assertEquals(2, g.length("f"));
        assertEquals(8.0, g.get("f", 1));
        assertEquals(6.0, g.get("w", 5));
        g.requireFits(List.of(W, F));
    }

    @Test
    void typedReadsNameTheParameterAndTheIndex() {
        Gradients g = new Gradients().put("w", new double[6]).put("f", new float[2]);
        refused("gradient of 'w' is f64 (double[]); read it with f64(name)", () -> g.f32("w"));
        refused("gradient of 'f' is f32 (float[]); read it with f32(name)", () -> g.f64("f"));
        refused("gradients: no gradient for 'x' (have [w, f])", () -> g.f64("x"));
        refused("gradients: no gradient for 'x'", () -> g.dtype("x"));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> g.get("f", 2));
        assertTrue(e.getMessage().contains("2"), e.getMessage());
        assertFalse(g.contains("x"));
        assertThrows(UnsupportedOperationException.class, () -> g.names().remove("w"));
    }

    @Test
    void requireFitsNamesTheFirstParameterThatDoesNotFit() {
        List<Parameter> params = List.of(W, F);
        refused("gradients: parameter 'f' has no gradient", () -> new Gradients().put("w", new double[6])
                .requireFits(params));
        refused("gradients: 'x' is not a parameter of this optimizer (parameters: [w, f])", () -> new Gradients()
                .put("w", new double[6]).put("f", new float[2]).put("x", new double[1]).requireFits(params));
        refused("gradient of 'w': float[] for an f64 parameter", () -> new Gradients().put("w", new float[6])
                .put("f", new float[2]).requireFits(params));
    }

    @Test
    void layerStatisticsByParameterAreCheckedAgainstTheWeight() {
        Gradients.LayerStatistics ok = new Gradients.LayerStatistics(new double[12], new double[8], 4);
        Gradients g = new Gradients().layer(W, ok);
        assertSame(ok, g.layer("w"));
        assertEquals(Set.of("w"), g.layers().keySet());
        refused("layer statistics of 'w': inputs 8 and outputGradients 8 must be samples × in = 4 × 3 and samples"
                + " × out = 4 × 2 for a weight of shape [2, 3]",
                () -> new Gradients().layer(W, new Gradients.LayerStatistics(new double[8], new double[8], 4)));
        refused("K-FAC layers are matrices", () -> new Gradients().layer(F,
                new Gradients.LayerStatistics(new double[2], new double[2], 1)));
        refused("samples: 0 is outside [1, ", () -> new Gradients.LayerStatistics(new double[0], new double[0], 0));
        assertEquals("statistics", assertThrows(NullPointerException.class, () -> new Gradients().layer(W, null))
                .getMessage());
    }

    private static void refused(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
