package org.eigenbasis.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DigitsTest {
    @Test
    void loadsAllSamplesScaledToUnitIntervalWithTenClasses() {
        Dataset d = Digits.load();
        assertEquals(1797, d.samples());
        assertEquals(64, d.featureCount());
        assertEquals(10, d.classes());
        int[] counts = new int[10];
        for (int y : d.labels()) {
            counts[y]++;
        }
        // Not a tolerance: the shipped file's class sizes are 174 to 183; the range only says every class is there
        // in about a tenth of the samples.
        for (int c = 0; c < 10; c++) {
            assertTrue(counts[c] >= 170 && counts[c] <= 190, "class " + c + ": " + counts[c]);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : d.features()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            assertEquals(0, Math.round(v * 16) - v * 16, 0, "pixel counts are integers / 16");   // k/16·16 is exact
        }
        assertEquals(0, min);
        assertEquals(1, max);
        // the first image of the file: row 0 is 0,0,5,13,9,1,0,0 and its label is 0
        assertArrayEquals(new double[] {0, 0, 5 / 16.0, 13 / 16.0, 9 / 16.0, 1 / 16.0, 0, 0},
                java.util.Arrays.copyOf(d.features(), 8));
        assertEquals(0, d.labels()[0]);
    }

    @Test
    void splitIsFixedDisjointAndCoversEverySample() {
        Dataset.Split a = Digits.split();
        Dataset.Split b = Digits.split();
        assertEquals(359, a.test().samples(), "round(0.2 · 1797)");
        assertEquals(1438, a.train().samples());
        assertArrayEquals(a.train().features(), b.train().features());
        assertArrayEquals(a.test().labels(), b.test().labels());
        Set<String> rows = new HashSet<>();
        for (Dataset part : new Dataset[] {a.train(), a.test()}) {
            for (int n = 0; n < part.samples(); n++) {
                rows.add(java.util.Arrays.toString(java.util.Arrays.copyOfRange(part.features(), n * 64, n * 64 + 64))
                        + part.labels()[n]);
            }
        }
        Set<String> all = new HashSet<>();
        Dataset d = Digits.load();
        for (int n = 0; n < d.samples(); n++) {
            all.add(java.util.Arrays.toString(java.util.Arrays.copyOfRange(d.features(), n * 64, n * 64 + 64)) + d.labels()[n]);
        }
        assertEquals(all, rows, "train ∪ test is the whole data set");
        Dataset.Split other = Digits.split(1, 0.2);
        assertNotEquals(java.util.Arrays.toString(a.test().labels()), java.util.Arrays.toString(other.test().labels()));
    }

    @Test
    void refusesBadFractionsAndAttributionShipsBesideTheData() {
        assertThrows(IllegalArgumentException.class, () -> Digits.split(0, 0));
        assertThrows(IllegalArgumentException.class, () -> Digits.split(0, 1));
        assertThrows(IllegalArgumentException.class, () -> Digits.split(0, Double.NaN));
        assertNotNull(Digits.class.getResource("/org/eigenbasis/data/digits.ATTRIBUTION.md"));
    }
}
