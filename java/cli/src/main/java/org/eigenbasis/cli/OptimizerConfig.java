package org.eigenbasis.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads an optimizer config: one flat JSON object, e.g. {@code {"lr": 3e-3, "betas": [0.95, 0.95],
 * "precondition_frequency": 10, "correct_bias": true}}. Values become Integer or Long (integral numbers), Double
 * (other numbers), Boolean, String, or double[] (arrays of numbers); nested objects, null, mixed arrays and
 * duplicate keys are refused with a message naming the file and the key.
 */
final class OptimizerConfig {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private OptimizerConfig() {
    }

    /** An empty, modifiable config when {@code file} is null. */
    static Map<String, Object> read(Path file) throws IOException {
        if (file == null) {
            return new LinkedHashMap<>();
        }
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    static Map<String, Object> parse(String json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": the config must be a JSON object of option names to values");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), value(e.getValue(), source, e.getKey()));
        }
        return out;
    }

    private static Object value(JsonNode v, String source, String key) {
        if (v.isIntegralNumber()) {
            if (v.canConvertToInt()) {
                return v.intValue();
            }
            if (v.canConvertToLong()) {
                return v.longValue();
            }
            throw new IllegalArgumentException(source + ": '" + key + "': " + v + " is outside the range of a 64-bit integer");
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isArray()) {
            double[] a = new double[v.size()];
            for (int i = 0; i < a.length; i++) {
                if (!v.get(i).isNumber()) {
                    throw new IllegalArgumentException(source + ": '" + key + "': item " + (i + 1) + " (" + v.get(i)
                            + ") is not a number; arrays must hold numbers only");
                }
                a[i] = v.get(i).doubleValue();
            }
            return a;
        }
        throw new IllegalArgumentException(source + ": '" + key + "': " + (v.isNull() ? "null" : "a nested object")
                + " is not supported; values are numbers, booleans, strings or arrays of numbers");
    }

    /** A short description of a config value's type for error messages. */
    static String describe(Object v) {
        if (v instanceof double[]) {
            return "an array";
        }
        if (v instanceof String s) {
            return "the string \"" + s + "\"";
        }
        return v == null ? "null" : v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + v;
    }
}
