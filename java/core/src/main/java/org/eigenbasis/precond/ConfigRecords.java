package org.eigenbasis.precond;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;

/**
 * Value semantics for the config records that hold an array (betas): a record's own equals compares arrays by
 * identity and its toString prints their address. Here every component is compared and printed by content.
 * Double.toString round-trips, so equal texts mean equal values (as Double.compare would judge them).
 */
final class ConfigRecords {
    private ConfigRecords() {
    }

    /** {@code Name[component=value, ...]}, arrays by content. */
    static String text(Record r) {
        StringBuilder sb = new StringBuilder(r.getClass().getSimpleName()).append('[');
        RecordComponent[] components = r.getClass().getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            Object value;
            try {
                value = components[i].getAccessor().invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(components[i].getName() + " of " + r.getClass(), e);
            }
            sb.append(i == 0 ? "" : ", ").append(components[i].getName()).append('=')
                    .append(value instanceof double[] d ? Arrays.toString(d) : String.valueOf(value));
        }
        return sb.append(']').toString();
    }

    static boolean equal(Record r, Object o) {
        return o != null && o.getClass() == r.getClass() && text(r).equals(text((Record) o));
    }

    static int hash(Record r) {
        return text(r).hashCode();
    }
}
