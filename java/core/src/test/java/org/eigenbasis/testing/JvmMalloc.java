package org.eigenbasis.testing;

import java.lang.management.ManagementFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The JVM's own malloc use, from Native Memory Tracking (on only when the JVM started with
 * {@code -XX:NativeMemoryTracking=summary}): what a process-wide C heap counter must discount to see a native
 * library's memory alone.
 */
public final class JvmMalloc {
    private static final Pattern MALLOC = Pattern.compile("malloc: (\\d+)KB #(\\d+)");

    private JvmMalloc() {
    }

    /** Bytes the JVM has malloc'd (to 1 KiB) and the number of its live allocations; null when NMT is off. */
    public record Use(long bytes, long count) {
    }

    /** The JVM's malloc use now, or null when Native Memory Tracking is off. */
    public static Use now() {
        String summary;
        try {
            summary = String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()}));
        } catch (JMException | RuntimeException e) {
            return null;
        }
        Matcher m = MALLOC.matcher(summary);
        return m.find() ? new Use(Long.parseLong(m.group(1)) << 10, Long.parseLong(m.group(2))) : null;
    }
}
