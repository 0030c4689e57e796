package org.eigenbasis.spark;

import java.util.List;

/**
 * Reads an array cell of a Row whatever external form Spark hands over: a Scala Seq (rows that went through an
 * encoder), a java.util.List, or the double[] / float[] a previous function put in its Row (Spark elides the
 * encoder between two typed functions, so the object arrives as it was made).
 */
final class ArrayColumns {
    private ArrayColumns() {
    }

    /** The cell's length. */
    static int length(Object cell) {
        if (cell instanceof double[] d) {
            return d.length;
        }
        if (cell instanceof float[] f) {
            return f.length;
        }
        if (cell instanceof scala.collection.Seq<?> s) {
            return s.length();
        }
        if (cell instanceof List<?> l) {
            return l.size();
        }
        throw new IllegalArgumentException("an array cell of type " + cell.getClass().getName()
                + ": expected array<double> or array<float>");
    }

    /** Entry i as a double; a null entry is NaN. */
    static double get(Object cell, int i) {
        Object o;
        if (cell instanceof double[] d) {
            return d[i];
        }
        if (cell instanceof float[] f) {
            return f[i];
        }
        if (cell instanceof scala.collection.Seq<?> s) {
            o = s.apply(i);
        } else {
            o = ((List<?>) cell).get(i);
        }
        return o == null ? Double.NaN : ((Number) o).doubleValue();
    }
}
