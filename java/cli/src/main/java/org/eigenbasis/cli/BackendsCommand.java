package org.eigenbasis.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.spi.Availability;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eigenbasis backends}: every backend, available or not and why, with its machine facts. */
@Command(name = "backends", description = "List every backend, whether it can run here (and why not), and machine facts.")
final class BackendsCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Map<String, Object>> entries = new ArrayList<>();
        String auto = null;
        for (Backend b : Backends.all()) {
            Availability a = b.availability();
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", b.name());
            e.put("available", a.available());
            e.put("reason", a.available() ? null : a.reason());
            e.put("priority", b.priority());
            e.put("details", a.available() ? b.describe() : Map.of());
            entries.add(e);
            if (auto == null && a.available()) {
                auto = b.name();
            }
        }
        String selected = System.getProperty(Backends.PROPERTY, Backends.AUTO);
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("backends", entries);
            doc.put("auto", auto);
            doc.put("property", Map.of(Backends.PROPERTY, selected));
            doc.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            doc.put("cores", Runtime.getRuntime().availableProcessors());
            out.println(Json.write(doc));
            return EigenbasisCli.OK;
        }
        for (Map<String, Object> e : entries) {
            boolean available = (Boolean) e.get("available");
            out.printf("%-5s %s%n", e.get("name"), available ? "available" : "unavailable: " + e.get("reason"));
            @SuppressWarnings("unchecked")
            Map<String, String> details = (Map<String, String>) e.get("details");
            details.forEach((k, v) -> out.printf("        %-22s %s%n", k, v));
        }
        out.printf("auto selects: %s   (-D%s=%s; JVM %s, %d cores)%n", auto, Backends.PROPERTY, selected,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        return EigenbasisCli.OK;
    }
}
