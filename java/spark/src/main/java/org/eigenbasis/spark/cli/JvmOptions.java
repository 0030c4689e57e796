package org.eigenbasis.spark.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * Prints the JVM options a Spark driver needs on this JDK, one line (used by the {@code ./eigenbasis} launcher):
 * Spark's own list ({@link JavaModuleOptions#defaultModuleOptions()}) less the options this JDK refuses
 * ({@code --sun-misc-unsafe-memory-access} exists from JDK 23 on).
 */
public final class JvmOptions {
    private JvmOptions() {
    }

    public static void main(String[] args) {
        System.out.println(String.join(" ", forThisJdk()));
    }

    static List<String> forThisJdk() {
        List<String> out = new ArrayList<>();
        int feature = Runtime.version().feature();
        for (String option : JavaModuleOptions.defaultModuleOptions().split("\\s+")) {
            if (option.startsWith("--sun-misc-unsafe-memory-access") && feature < 23) {
                continue;
            }
            if (!option.isEmpty()) {
                out.add(option);
            }
        }
        return out;
    }
}
