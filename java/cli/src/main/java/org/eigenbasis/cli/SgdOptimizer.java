package org.eigenbasis.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import org.eigenbasis.io.Npy;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Optimizer;
import org.eigenbasis.precond.Optimizers;
import org.eigenbasis.precond.Parameter;

/**
 * Stochastic gradient descent with optional heavy-ball momentum and decoupled weight decay, the CLI's plain
 * baseline next to the library's optimizers (which have no SGD of their own):
 * <pre>
 *   v ← μ v + g          (v = g when μ = 0)
 *   p ← p − lr·wd·p − lr·v
 * </pre>
 * computed in f64 and stored in the parameter's dtype. Config keys: {@code lr} (default 0.1, &gt; 0),
 * {@code momentum} (default 0, in [0, 1)), {@code weight_decay} (default 0, ≥ 0); a key that another optimizer
 * reads ({@link Optimizers#KEYS}) is ignored, as {@link Optimizers#create} does, and any other key is refused.
 * State files hold the step count and the momentum buffers (format below); written atomically.
 */
final class SgdOptimizer implements Optimizer {
    static final Set<String> KEYS = Set.of("lr", "momentum", "weight_decay");
    private static final byte[] MAGIC = "EBSGD\0".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    private final List<Parameter> parameters;
    private final double lr;
    private final double momentum;
    private final double weightDecay;
    private final double[][] velocity;
    private long steps;

    SgdOptimizer(List<Parameter> parameters, double lr, double momentum, double weightDecay) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr: " + lr + " is outside (0, ∞)");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum: " + momentum + " is outside [0, 1)");
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight_decay: " + weightDecay + " is outside [0, ∞)");
        }
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("params: sgd needs at least one parameter");
        }
        this.parameters = List.copyOf(parameters);
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        velocity = new double[this.parameters.size()][];
        for (int i = 0; i < velocity.length; i++) {
            velocity[i] = new double[momentum > 0 ? this.parameters.get(i).size() : 0];
        }
    }

    /** From a config map as {@link OptimizerFactory} passes it. */
    static SgdOptimizer create(Map<String, Object> config, List<Parameter> params) {
        for (String key : config.keySet()) {
            if (!KEYS.contains(key) && !Optimizers.KEYS.contains(key)) {
                throw new IllegalArgumentException("sgd config: unknown key '" + key + "' (sgd reads lr, momentum, weight_decay;"
                        + " other optimizers " + String.join(", ", new java.util.TreeSet<>(Optimizers.KEYS)) + ")");
            }
        }
        return new SgdOptimizer(params, number(config, "lr", 0.1), number(config, "momentum", 0),
                number(config, "weight_decay", 0));
    }

    private static double number(Map<String, Object> config, String key, double fallback) {
        Object v = config.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("config: '" + key + "' must be a number, not " + OptimizerConfig.describe(v));
        }
        return n.doubleValue();
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public void step(Gradients gradients) {
        gradients.requireFits(parameters);   // everything checked before anything changes
        for (int k = 0; k < parameters.size(); k++) {
            Parameter p = parameters.get(k);
            double[] v = velocity[k];
            for (int i = 0; i < p.size(); i++) {
                double gi = gradients.get(p.name(), i);
                double direction = gi;
                if (momentum > 0) {
                    v[i] = momentum * v[i] + gi;
                    direction = v[i];
                }
                double w = p.get(i);
                p.set(i, w - lr * weightDecay * w - lr * direction);
            }
        }
        steps++;
    }

    @Override
    public long stepCount() {
        return steps;
    }

    /**
     * Format: "EBSGD\0", int version (1), long steps, int parameter count, per parameter (int name length, UTF-8
     * name, int buffer length, that many doubles), then the CRC32 of everything before it as a long; big-endian.
     */
    @Override
    public void save(Path file) throws IOException {
        List<byte[]> names = new ArrayList<>();
        int size = MAGIC.length + 4 + 8 + 4 + 8;
        for (int k = 0; k < parameters.size(); k++) {
            byte[] name = parameters.get(k).name().getBytes(StandardCharsets.UTF_8);
            names.add(name);
            size += 4 + name.length + 4 + 8 * velocity[k].length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.BIG_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putLong(steps).putInt(parameters.size());
        for (int k = 0; k < parameters.size(); k++) {
            b.putInt(names.get(k).length).put(names.get(k)).putInt(velocity[k].length);
            for (double x : velocity[k]) {
                b.putDouble(x);
            }
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        b.putLong(crc.getValue());
        b.flip();
        Npy.writeAtomically(file, b);
    }

    @Override
    public void load(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < MAGIC.length + 4 + 8 + 4 + 8) {
            throw new IOException(file + ": truncated sgd state (" + bytes.length + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        for (byte m : MAGIC) {
            if (b.get() != m) {
                throw new IOException(file + ": not an sgd state file");
            }
        }
        if (b.getLong(bytes.length - 8) != crc.getValue()) {
            throw new IOException(file + ": checksum mismatch: the sgd state is corrupt or truncated");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new IOException(file + ": sgd state version " + version + " is not supported (" + VERSION + ")");
        }
        long savedSteps = b.getLong();
        int count = b.getInt();
        if (count != parameters.size()) {
            throw new IllegalArgumentException(file + ": state of " + count + " parameters, this optimizer has " + parameters.size());
        }
        double[][] loaded = new double[count][];
        for (int k = 0; k < count; k++) {
            byte[] name = new byte[b.getInt()];
            b.get(name);
            String n = new String(name, StandardCharsets.UTF_8);
            int length = b.getInt();
            if (!n.equals(parameters.get(k).name()) || length != velocity[k].length) {
                throw new IllegalArgumentException(file + ": parameter " + k + " is '" + n + "' with " + length
                        + " momentum values, expected '" + parameters.get(k).name() + "' with " + velocity[k].length);
            }
            loaded[k] = new double[length];
            for (int i = 0; i < length; i++) {
                loaded[k][i] = b.getDouble();
            }
        }
        for (int k = 0; k < count; k++) {
            velocity[k] = loaded[k];
        }
        steps = savedSteps;
    }

    @Override
    public void close() {
    }
}
