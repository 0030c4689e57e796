package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.train.LayerStatisticsMode;
import org.eigenbasis.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every config record has {@code defaults()} and one {@code with...} per component that changes that component
 * and nothing else (checked by reflection, so a wither that passes an argument to the wrong position fails), goes
 * through the validating constructor, and compares by value.
 */
class ConfigWithersTest {
    static Stream<Record> defaults() {
        return Stream.of(AdamWConfig.defaults(), SoapConfig.defaults(), ShampooConfig.defaults(),
                EcShampooConfig.defaults(), KfacConfig.defaults(), Trainer.Config.defaults());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defaults")
    void eachWitherChangesItsComponentOnly(Record config) throws ReflectiveOperationException {
        RecordComponent[] components = config.getClass().getRecordComponents();
        for (RecordComponent c : components) {
            Object changed;
            Object expected;
            if (c.getName().equals("betas")) {
                changed = config.getClass().getMethod("withBetas", double.class, double.class).invoke(config, 0.5, 0.25);
                expected = new double[] {0.5, 0.25};
            } else {
                String wither = "with" + Character.toUpperCase(c.getName().charAt(0)) + c.getName().substring(1);
                Method m = config.getClass().getMethod(wither, c.getType());
                expected = another(c.getType(), c.getAccessor().invoke(config));
                changed = invoke(m, config, expected);
            }
            for (RecordComponent other : components) {
                Object before = other.getAccessor().invoke(config);
                Object after = other.getAccessor().invoke(changed);
                if (other == c) {
                    assertTrue(same(expected, after), config.getClass().getSimpleName() + "." + c.getName()
                            + ": with... set " + after + ", expected " + expected);
                } else {
                    assertTrue(same(before, after), config.getClass().getSimpleName() + ": with " + c.getName()
                            + " changed " + other.getName() + " from " + before + " to " + after);
                }
            }
            assertNotEquals(config, changed, c.getName() + " changed: not equal");
        }
        Object fresh = config.getClass().getMethod("defaults").invoke(null);
        assertEquals(config, fresh, "defaults() twice: equal values");
        assertEquals(config.hashCode(), fresh.hashCode());
    }

    @Test
    void withersValidateThroughTheConstructor() {
        assertMessage("precondition_frequency: 0 is outside [1, ",
                () -> SoapConfig.defaults().withPreconditionFrequency(0));
        assertMessage("betas[1]: 1.0 is outside [0, 1)", () -> SoapConfig.defaults().withBetas(0.9, 1.0));
        assertMessage("lr: -1.0 is outside [0, ∞)", () -> AdamWConfig.defaults().withLr(-1));
        assertMessage("betas[1]: 1.5 is outside [0, 1]", () -> ShampooConfig.defaults().withBetas(0.9, 1.5));
        assertMessage("tolerance: 2.0 is outside [0, 1]", () -> EcShampooConfig.defaults().withTolerance(2));
        assertMessage("FACTORED_TIKHONOV is K-FAC only", () -> KfacConfig.defaults()
                .withDampingMode(KfacDamping.FACTORED_TIKHONOV).withEkfac(true));
        assertMessage("steps: -1 is outside", () -> Trainer.Config.defaults().withSteps(-1));
    }

    @Test
    void theReadmeChainReadsNaturallyAndEqualsThePositionalForm() {
        SoapConfig chained = SoapConfig.defaults().withLr(3e-3).withPreconditionFrequency(10).withWeightDecay(0);
        SoapConfig positional = new SoapConfig(3e-3, new double[] {0.95, 0.95}, -1, 1e-8, 0, 10, 10000, false, false,
                false, true, BasisChangePolicy.PERMUTE);
        assertEquals(positional, chained);
        assertEquals(positional.hashCode(), chained.hashCode());
        assertEquals(positional.toString(), chained.toString());
        assertTrue(chained.toString().contains("betas=[0.95, 0.95]"), chained.toString());
        assertEquals(KfacConfig.defaults(true), KfacConfig.defaults().withEkfac(true));
        assertEquals(Trainer.Config.fullBatch(300, 0.2).withStatistics(LayerStatisticsMode.SAMPLED),
                Trainer.Config.defaults().withStatistics(LayerStatisticsMode.SAMPLED));
        double[] betas = chained.betas();
        betas[0] = 0;
        assertArrayEquals(new double[] {0.95, 0.95}, chained.betas(), 0, "betas() hands out a copy");
        try (EigenbasisOptimizer soap = Optimizers.soap(chained, List.of(Parameter.of("w", new double[4], 2, 2)),
                Backends.select("java"));
             EigenbasisOptimizer byName = Optimizers.create("soap", Map.of("lr", 3e-3, "weight_decay", 0),
                     List.of(Parameter.of("w", new double[4], 2, 2)), Backends.select("java"))) {
            assertEquals(byName.spec(), soap.spec(), "the chain and the config map build the same optimizer");
        }
    }

    private static Object invoke(Method m, Object target, Object arg) throws ReflectiveOperationException {
        try {
            return m.invoke(target, arg);
        } catch (InvocationTargetException e) {
            throw new AssertionError(m.getName() + "(" + arg + ") threw " + e.getCause(), e.getCause());
        }
    }

    /** A valid value of this type other than {@code current}. */
    private static Object another(Class<?> type, Object current) {
        if (type == double.class) {
            return (Double) current == 0.5 ? 0.25 : 0.5;
        }
        if (type == int.class) {
            return (Integer) current + 1;
        }
        if (type == long.class) {
            return (Long) current + 1;
        }
        if (type == boolean.class) {
            return !(Boolean) current;
        }
        if (type.isEnum()) {
            Object[] values = type.getEnumConstants();
            return values[(((Enum<?>) current).ordinal() + 1) % values.length];
        }
        throw new AssertionError("no alternative value for " + type);
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof double[] x && b instanceof double[] y) {
            return java.util.Arrays.equals(x, y);
        }
        return Objects.equals(a, b);
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
