package org.eigenbasis.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.eigenbasis.precond.Optimizers;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;

/**
 * Fuzzes the optimizer config path end to end: {@link OptimizerConfig#parse} of arbitrary text, then
 * {@link Optimizers#create} of one of the six optimizers with what it parsed. Both document
 * IllegalArgumentException (invalid JSON, a nested value, a duplicate key; an unknown key, a wrong type, a value out
 * of range) as their only refusal; anything else is a finding.
 */
class OptimizerConfigFuzzTest {
    private static final Backend JAVA = Backends.select("java");

    @FuzzTest
    void parseAndCreate(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        // the first byte picks the optimizer, the rest is the config text (UTF-8): seeds stay readable JSON
        String name = Optimizers.NAMES.get(Math.floorMod(bytes[0], Optimizers.NAMES.size()));
        Map<String, Object> config;
        try {
            config = OptimizerConfig.parse(new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8), "fuzz.json");
        } catch (IllegalArgumentException documented) {
            return;
        }
        List<Parameter> params = List.of(Parameter.of("w", new double[6], 2, 3), Parameter.of("b", new double[3], 3));
        try {
            Optimizers.create(name, config, params, JAVA).close();
        } catch (IllegalArgumentException documented) {
            // refused with a message naming the key
        }
    }
}
