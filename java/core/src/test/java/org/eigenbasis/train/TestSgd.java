package org.eigenbasis.train;

import java.nio.file.Path;
import java.util.List;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Optimizer;
import org.eigenbasis.precond.Parameter;

/** Test-only plain gradient descent p ← p − lr·g over f64 parameters; no state to save. */
class TestSgd implements Optimizer {
    private final List<Parameter> parameters;
    private final double lr;
    private long steps;

    TestSgd(List<Parameter> parameters, double lr) {
        this.parameters = List.copyOf(parameters);
        this.lr = lr;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public void step(Gradients gradients) {
        gradients.requireFits(parameters);
        for (Parameter p : parameters) {
            double[] g = gradients.f64(p.name());
            double[] w = p.f64();
            for (int i = 0; i < w.length; i++) {
                w[i] -= lr * g[i];
            }
        }
        steps++;
    }

    @Override
    public long stepCount() {
        return steps;
    }

    @Override
    public void save(Path file) {
        throw new UnsupportedOperationException("TestSgd has no state");
    }

    @Override
    public void load(Path file) {
        throw new UnsupportedOperationException("TestSgd has no state");
    }

    @Override
    public void close() {
    }
}
