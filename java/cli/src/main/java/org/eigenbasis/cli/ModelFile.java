package org.eigenbasis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.eigenbasis.value.MlpArchitecture;

/**
 * A model file: {"layers": [d0, ..., dL], "activation": "gelu" | "relu" | "tanh" | "identity",
 * "loss": "cross_entropy" | "squared"}. Unknown fields are refused (a typo would otherwise be silently ignored).
 */
final class ModelFile {
    private ModelFile() {
    }

    static MlpArchitecture read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("--model " + file + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("--model " + file + ": expected a JSON object with layers, activation, loss");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("layers") && !name.equals("activation") && !name.equals("loss")) {
                throw new IllegalArgumentException("--model " + file + ": unknown field '" + name
                        + "' (expected layers, activation, loss)");
            }
        }
        JsonNode layers = root.get("layers");
        if (layers == null || !layers.isArray()) {
            throw new IllegalArgumentException("--model " + file + ": 'layers' must be an array of widths");
        }
        int[] widths = new int[layers.size()];
        for (int i = 0; i < widths.length; i++) {
            JsonNode w = layers.get(i);
            if (!w.isIntegralNumber() || !w.canConvertToInt()) {
                throw new IllegalArgumentException("--model " + file + ": layers[" + i + "]: " + w + " is not an integer");
            }
            widths[i] = w.intValue();
        }
        try {
            return new MlpArchitecture(widths, MlpArchitecture.Activation.parse(text(root, "activation", file)),
                    MlpArchitecture.Loss.parse(text(root, "loss", file)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--model " + file + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode root, String field, Path file) {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException("--model " + file + ": '" + field + "' must be a string");
        }
        return n.textValue();
    }
}
