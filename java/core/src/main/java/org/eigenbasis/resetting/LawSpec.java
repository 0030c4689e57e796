package org.eigenbasis.resetting;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text form of a renewal law, {@code name(key=value,...)}: {@code exp(rate=R)}, {@code det(T=T)},
 * {@code gamma(k=K,scale=S)}, {@code uniform(a=A,b=B)}, {@code lognormal(mu=M,sigma=S)},
 * {@code weibull(k=K,scale=S)}, {@code pareto(xm=X,alpha=A)}, {@code lomax(scale=S,alpha=A)}. Names and keys are
 * case-insensitive, spaces are ignored, keys may come in any order; every key is required and no other is
 * accepted. Errors name the offending part and list what is legal.
 */
public final class LawSpec {
    private static final Map<String, List<String>> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("exp", List.of("rate"));
        KEYS.put("det", List.of("t"));
        KEYS.put("gamma", List.of("k", "scale"));
        KEYS.put("uniform", List.of("a", "b"));
        KEYS.put("lognormal", List.of("mu", "sigma"));
        KEYS.put("weibull", List.of("k", "scale"));
        KEYS.put("pareto", List.of("xm", "alpha"));
        KEYS.put("lomax", List.of("scale", "alpha"));
    }

    private LawSpec() {
    }

    /** The legal forms, for help texts. */
    public static String forms() {
        return "exp(rate=R), det(T=T), gamma(k=K,scale=S), uniform(a=A,b=B), lognormal(mu=M,sigma=S),"
                + " weibull(k=K,scale=S), pareto(xm=X,alpha=A), lomax(scale=S,alpha=A)";
    }

    /** Parses a law; throws IllegalArgumentException naming the problem and the legal forms. */
    public static RenewalLaw parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("law: null; expected one of " + forms());
        }
        String s = text.replace(" ", "").toLowerCase(Locale.ROOT);
        int open = s.indexOf('(');
        if (open <= 0 || !s.endsWith(")")) {
            throw new IllegalArgumentException("law: '" + text + "' is not of the form name(key=value,...); expected"
                    + " one of " + forms());
        }
        String name = s.substring(0, open);
        List<String> keys = KEYS.get(name);
        if (keys == null) {
            throw new IllegalArgumentException("law: unknown name '" + name + "' in '" + text + "'; expected one of "
                    + forms());
        }
        Map<String, Double> values = new LinkedHashMap<>();
        String body = s.substring(open + 1, s.length() - 1);
        for (String part : body.isEmpty() ? new String[0] : body.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("law " + name + ": '" + part + "' is not key=value; keys are "
                        + keys);
            }
            String key = part.substring(0, eq);
            if (!keys.contains(key)) {
                throw new IllegalArgumentException("law " + name + ": unknown key '" + key + "'; keys are " + keys);
            }
            String raw = part.substring(eq + 1);
            double value;
            try {
                value = Double.parseDouble(raw);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("law " + name + " " + key + ": '" + raw + "' is not a number");
            }
            if (values.put(key, value) != null) {
                throw new IllegalArgumentException("law " + name + ": key '" + key + "' given twice");
            }
        }
        for (String key : keys) {
            if (!values.containsKey(key)) {
                throw new IllegalArgumentException("law " + name + ": missing key '" + key + "'; keys are " + keys);
            }
        }
        return switch (name) {
            case "exp" -> new ExponentialLaw(values.get("rate"));
            case "det" -> new DeterministicLaw(values.get("t"));
            case "gamma" -> new GammaLaw(values.get("k"), values.get("scale"));
            case "uniform" -> new UniformLaw(values.get("a"), values.get("b"));
            case "lognormal" -> new LogNormalLaw(values.get("mu"), values.get("sigma"));
            case "weibull" -> new WeibullLaw(values.get("k"), values.get("scale"));
            case "pareto" -> new ParetoLaw(values.get("xm"), values.get("alpha"));
            case "lomax" -> new LomaxLaw(values.get("scale"), values.get("alpha"));
            default -> throw new AssertionError(name);
        };
    }

    /** The shortest decimal that reads back to {@code x} ("2", "0.5", "1.0E-12"). */
    public static String format(double x) {
        if (!Double.isFinite(x)) {
            return Double.toString(x);
        }
        double ax = Math.abs(x);
        if (x == 0 || (ax >= 1e-4 && ax < 1e9)) {
            return new BigDecimal(Double.toString(x)).stripTrailingZeros().toPlainString();
        }
        return Double.toString(x);
    }
}
