package org.eigenbasis.basis.egop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eigenbasis.basis.Basis;
import org.eigenbasis.basis.BasisOptimizer;
import org.eigenbasis.basis.BasisOptimizerConfig;
import org.eigenbasis.basis.DiagonalRule;
import org.eigenbasis.spi.Backend;

/**
 * The parameterisations {@link EgopComparison} runs a rule in, behind one interface: where θ is, one rule step from
 * g = ∇f(θ), and one plain gradient-descent step (the equivariance check). Package-private plumbing.
 */
final class EgopSteppers {
    private EgopSteppers() {
    }

    /** One run's state. {@link #theta()} returns a new array in the original coordinates. */
    interface Stepper extends AutoCloseable {
        double[] theta();

        /** One step of the rule with g = ∇f(theta()). */
        void step(double[] gradient);

        /** θ ← θ − η·g, expressed in this parameterisation's coordinates. */
        void descend(double[] gradient, double eta);

        @Override
        void close();
    }

    /** The rule on θ itself (the identity basis). */
    static Stepper plain(double[] theta0, double lr, DiagonalRule rule, Backend backend) {
        double[] theta = theta0.clone();
        BasisOptimizer optimizer = new BasisOptimizer(new BasisOptimizerConfig(lr, rule), Basis.identity(theta.length),
                backend);
        return new Stepper() {
            @Override
            public double[] theta() {
                return theta.clone();
            }

            @Override
            public void step(double[] gradient) {
                optimizer.step(theta, gradient);
            }

            @Override
            public void descend(double[] gradient, double eta) {
                for (int i = 0; i < theta.length; i++) {
                    theta[i] -= eta * gradient[i];
                }
            }

            @Override
            public void close() {
                optimizer.close();
            }
        };
    }

    /** One reparameterisation per block, from the estimates' eigenvectors (each checked orthogonal once, here). */
    static List<EgopReparameterization> reparameterizations(List<EgopResult> estimates) {
        List<EgopReparameterization> reps = new ArrayList<>();
        for (EgopResult estimate : estimates) {
            reps.add(EgopReparameterization.of(estimate));
        }
        return reps;
    }

    /**
     * The rule on θ~ = Vᵀθ with V block-diagonal (block b: reparameterisation b): f~(θ~) = f(Vθ~),
     * ∇f~ = Vᵀ∇f. With one block exactly the products of {@link EgopReparameterization}.
     */
    static Stepper rotated(List<EgopReparameterization> reps, int[] blocks, double[] theta0,
                           BasisOptimizerConfig config, Backend backend) {
        double[] rotated = apply(reps, blocks, theta0, true);
        BasisOptimizer optimizer = new BasisOptimizer(config, Basis.identity(rotated.length), backend);
        return new Stepper() {
            @Override
            public double[] theta() {
                return apply(reps, blocks, rotated, false);
            }

            @Override
            public void step(double[] gradient) {
                optimizer.step(rotated, apply(reps, blocks, gradient, true));
            }

            @Override
            public void descend(double[] gradient, double eta) {
                double[] g = apply(reps, blocks, gradient, true);
                for (int i = 0; i < rotated.length; i++) {
                    rotated[i] -= eta * g[i];
                }
            }

            @Override
            public void close() {
                optimizer.close();
            }
        };
    }

    /** The reduced top-r form per block, r_b = min(r, block size). */
    static Stepper reduced(List<EgopResult> estimates, int[] blocks, int r, double[] theta0,
                           BasisOptimizerConfig config, Backend backend) {
        List<EgopReducedForm> forms = new ArrayList<>();
        int offset = 0;
        for (int b = 0; b < blocks.length; b++) {
            int size = blocks[b];
            forms.add(EgopReducedForm.start(estimates.get(b), Math.min(r, size), config, backend,
                    Arrays.copyOfRange(theta0, offset, offset + size)));
            offset += size;
        }
        int d = theta0.length;
        return new Stepper() {
            @Override
            public double[] theta() {
                double[] out = new double[d];
                int at = 0;
                for (EgopReducedForm form : forms) {
                    double[] part = form.theta();
                    System.arraycopy(part, 0, out, at, part.length);
                    at += part.length;
                }
                return out;
            }

            @Override
            public void step(double[] gradient) {
                int at = 0;
                for (EgopReducedForm form : forms) {
                    form.step(Arrays.copyOfRange(gradient, at, at + form.dimension()));
                    at += form.dimension();
                }
            }

            @Override
            public void descend(double[] gradient, double eta) {
                int at = 0;
                for (EgopReducedForm form : forms) {
                    form.gradientDescentStep(Arrays.copyOfRange(gradient, at, at + form.dimension()), eta);
                    at += form.dimension();
                }
            }

            @Override
            public void close() {
                forms.forEach(EgopReducedForm::close);
            }
        };
    }

    /** Blockwise Vᵀx ({@code toRotated}) or Vx; one block is the plain product. */
    private static double[] apply(List<EgopReparameterization> reps, int[] blocks, double[] x, boolean toRotated) {
        if (reps.size() == 1) {
            return toRotated ? reps.get(0).toRotated(x) : reps.get(0).toOriginal(x);
        }
        double[] out = new double[x.length];
        int offset = 0;
        for (int b = 0; b < blocks.length; b++) {
            int size = blocks[b];
            double[] part = Arrays.copyOfRange(x, offset, offset + size);
            double[] mapped = toRotated ? reps.get(b).toRotated(part) : reps.get(b).toOriginal(part);
            System.arraycopy(mapped, 0, out, offset, size);
            offset += size;
        }
        return out;
    }
}
