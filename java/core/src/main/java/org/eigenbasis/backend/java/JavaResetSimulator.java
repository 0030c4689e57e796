package org.eigenbasis.backend.java;

import org.eigenbasis.internal.random.DetMath;
import org.eigenbasis.internal.random.LawSampler;
import org.eigenbasis.internal.random.Philox;
import org.eigenbasis.spi.RangeSums;
import org.eigenbasis.spi.ResetSimulationKernel;
import org.eigenbasis.spi.SimulationSums;
import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig;

/**
 * The reference trajectory simulator: {@code docs/resetting-simulator.md} written out plainly, one trajectory at
 * a time on the calling thread. The cpu backend ({@code native/src/cpu/reset_sim.cpp}) must reproduce its sums
 * bit for bit; every formula below is evaluated in the order the spec writes it. Cost per trajectory-event: O(d)
 * for means, O(d²) with covariances; memory O(d²), independent of N.
 */
public final class JavaResetSimulator implements ResetSimulationKernel {

    @Override
    public ResetSimulation simulate(ResetSimulationConfig config) {
        SimulationSums.validate(config);
        long start = System.nanoTime();
        Run run = new Run(config);
        double[] totals = run.all();
        double seconds = (System.nanoTime() - start) * 1e-9;
        return SimulationSums.finish(config, totals, run.events, seconds);
    }

    @Override
    public RangeSums simulateRange(ResetSimulationConfig config, long first, long count) {
        SimulationSums.validate(config);
        SimulationSums.requireRange(config.trajectories(), config.dimension(), config.covariance(), first, count);
        return new Run(config).range(first, count);
    }

    /** One run: the config unpacked, the per-trajectory scratch and the sub-block sums. */
    private static final class Run {
        final int d;
        final double[] mu;
        final double[] a;
        final double sigma;
        final double horizon;
        final long n;
        final boolean euler;
        final double step;
        final boolean cov;
        final LawSampler law;
        final Philox.Stream stream;
        final double[] startOut = new double[2];
        final double[] u;
        /** b = c − a: the segment's start state c relative to the target. */
        final double[] b;
        final double[] i1;
        final double[] i2;
        final double[] em;
        /** Δ·K(x_k) per coordinate, then (covariance runs) K(x_k). */
        final double[] k1;
        final double[] g2;
        final double[] m;
        final double[] invMu;
        final double[] invPair;
        long events;

        Run(ResetSimulationConfig config) {
            d = config.dimension();
            mu = config.eigenvalues();
            a = config.target();
            sigma = config.sigma();
            horizon = config.horizon();
            n = config.trajectories();
            euler = config.scheme() == ResetSimulationConfig.Scheme.EULER;
            step = config.step();
            cov = config.covariance();
            law = new LawSampler(config.law().kind().code(), config.lawParameters());
            stream = new Philox.Stream(config.seed());
            u = new double[d];
            b = new double[d];
            i1 = new double[d];
            i2 = cov ? new double[d * d] : null;
            em = new double[d];
            k1 = new double[d];
            g2 = new double[d];
            m = new double[d];
            invMu = new double[d];
            for (int k = 0; k < d; k++) {
                invMu[k] = DetMath.inverse(mu[k]);
            }
            invPair = cov ? new double[d * d] : null;
            if (cov) {
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j <= i; j++) {
                        invPair[i * d + j] = DetMath.inverse(mu[i] + mu[j]);
                    }
                }
            }
        }

        double[] all() {
            int len = (int) SimulationSums.length(d, cov);
            double[] totals = new double[len];
            double[] centres = new double[2 * d];
            blocks(0, n, centres, block -> addSums(totals, block));
            System.arraycopy(centres, 0, totals, SimulationSums.vector(d, SimulationSums.SNAP_CENTRE), 2 * d);
            return totals;
        }

        /** The sub-blocks of [first, first + count) packed in order (the range is checked by the caller). */
        RangeSums range(long first, long count) {
            long blocks = SimulationSums.rangeBlocks(n, d, cov, first, count);
            int blockLength = (int) SimulationSums.blockLength(d, cov);
            if (blocks * blockLength > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("count: " + count + " trajectories make " + blocks + " sub-blocks of "
                        + blockLength + " sums, more than one array holds; split the range");
            }
            double[] out = new double[(int) (blocks * blockLength)];
            double[] centres = new double[2 * d];
            int[] written = {0};
            blocks(first, count, centres, block -> {
                SimulationSums.packBlock(block, d, cov, out, written[0] * blockLength);
                written[0]++;
            });
            return new RangeSums(first, count, written[0], centres, out, events);
        }

        /**
         * Runs the sub-blocks of [first, first + count) in the spec's order, handing each one's sums to
         * {@code sink}; the pilot centres (covariance runs) go to {@code centres} first.
         */
        private void blocks(long first, long count, double[] centres, java.util.function.Consumer<double[]> sink) {
            int len = (int) SimulationSums.length(d, cov);
            double[] block = new double[len];
            int p = SimulationSums.subBlocks(d, cov);
            if (cov) {
                // The pilot centre: the means of the first sub-block of chunk 0, from a mean-only pass over it.
                long size0 = subBlockSize(Math.min(SimulationSums.CHUNK, n), p);
                long saved = events;
                java.util.Arrays.fill(block, 0);
                for (long t = 0; t < size0; t++) {
                    trajectory(t, block, false);
                }
                events = saved;
                int sc = SimulationSums.vector(d, SimulationSums.SNAP_CENTRE);
                for (int k = 0; k < d; k++) {
                    centres[k] = block[SimulationSums.vector(d, SimulationSums.SNAP_SUM) + k] / size0;
                    centres[d + k] = block[SimulationSums.vector(d, SimulationSums.TIME_SUM) + k] / size0;
                }
                System.arraycopy(centres, 0, block, sc, 2 * d);
            }
            long end = first + count;
            for (long chunkStart = first / SimulationSums.CHUNK * SimulationSums.CHUNK; chunkStart < end;
                    chunkStart += SimulationSums.CHUNK) {
                long chunk = Math.min(SimulationSums.CHUNK, n - chunkStart);
                long size = subBlockSize(chunk, p);
                long from = Math.max(first - chunkStart, 0);
                long to = Math.min(end - chunkStart, chunk);
                for (long lo = from; lo < to; lo += size) {
                    long hi = Math.min(lo + size, chunk);
                    clearSums(block);
                    for (long t = lo; t < hi; t++) {
                        trajectory(chunkStart + t, block, cov);
                    }
                    sink.accept(block);
                }
            }
        }

        private void clearSums(double[] block) {
            // everything but the centres
            java.util.Arrays.fill(block, 0, 4 * d, 0);
            java.util.Arrays.fill(block, 6 * d, block.length, 0);
        }

        private void addSums(double[] totals, double[] block) {
            for (int q = 0; q < 4 * d; q++) {
                totals[q] += block[q];
            }
            if (cov) {
                for (int q = 0; q < 5; q++) {
                    int off = SimulationSums.matrix(d, q);
                    for (int i = 0; i < d; i++) {
                        for (int j = 0; j <= i; j++) {
                            totals[off + i * d + j] += block[off + i * d + j];
                        }
                    }
                }
            }
        }

        /** Runs trajectory {@code index} and adds it to the sub-block sums (covariance sums only if asked). */
        void trajectory(long index, double[] sums, boolean withCov) {
            Philox.Stream s = stream.reset(index);
            law.start(s, startOut);
            double age = startOut[0];
            double next = startOut[1];
            for (int k = 0; k < d; k++) {
                double x = mu[k] * age;
                double e1 = DetMath.em(x);
                double v = variance(x + x, e1, invMu[k], age);
                double z = s.normal();
                u[k] = a[k] * e1 + (sigma * Math.sqrt(v)) * z;
            }
            java.util.Arrays.fill(i1, 0);
            if (withCov) {
                java.util.Arrays.fill(i2, 0);
            }
            if (euler) {
                eulerPath(s, next, withCov);
            } else {
                exactPath(s, next, withCov);
            }
            accumulate(sums, withCov);
        }

        private void exactPath(Philox.Stream s, double next, boolean withCov) {
            double t = 0;
            boolean first = true;
            while (true) {
                double end = next < horizon ? next : horizon;
                double delta = end - t;
                double invDelta = 1 / delta;
                events++;
                for (int k = 0; k < d; k++) {
                    b[k] = (first ? u[k] : 0) - a[k];
                }
                for (int k = 0; k < d; k++) {
                    double x = mu[k] * delta;
                    double e1 = DetMath.em(x);
                    double dk = x > DetMath.TINY ? e1 * invMu[k] : delta;
                    em[k] = e1;
                    k1[k] = dk;
                    i1[k] += delta * a[k] + b[k] * dk;
                }
                if (withCov) {
                    for (int k = 0; k < d; k++) {
                        k1[k] = delta > 0 ? k1[k] * invDelta : 1;
                    }
                    double noise = (sigma * sigma) * (delta * delta);
                    for (int i = 0; i < d; i++) {
                        double x = mu[i] * delta;
                        double y = x + x;
                        double v = variance(y, em[i], invMu[i], delta);
                        g2[i] = DetMath.g(y, delta > 0 ? v * invDelta : 1);
                    }
                    for (int i = 0; i < d; i++) {
                        double xi = mu[i] * delta;
                        double emi = em[i];
                        double ei = 1 - emi;
                        double ai = a[i];
                        double bi = b[i];
                        double k1i = k1[i];
                        int row = i * d;
                        for (int j = 0; j <= i; j++) {
                            double xs = xi + mu[j] * delta;
                            double kij = xs > DetMath.TINY ? ((emi + ei * em[j]) * invPair[row + j]) * invDelta : 1;
                            double term = delta * (((ai * a[j] + ai * (b[j] * k1[j])) + bi * (a[j] * k1i))
                                    + (bi * b[j]) * kij);
                            i2[row + j] += term;
                        }
                        i2[row + i] += noise * g2[i];
                    }
                }
                if (next >= horizon) {
                    for (int k = 0; k < d; k++) {
                        double x = mu[k] * delta;
                        double e1 = em[k];
                        double v = variance(x + x, e1, invMu[k], delta);
                        double z = s.normal();
                        u[k] = (a[k] + b[k] * (1 - e1)) + (sigma * Math.sqrt(v)) * z;
                    }
                    return;
                }
                t = next;
                next = t + law.next(s);
                first = false;
            }
        }

        /** V(μ, t) = em(2μt)/(2μ) from y = 2μt, em = em(μt) and 1/μ; t below the threshold. */
        private static double variance(double y, double em1, double invMu, double t) {
            return y > DetMath.TINY ? (em1 * (1 + (1 - em1)) * invMu) * 0.5 : t;
        }

        private void eulerPath(Philox.Stream s, double next, boolean withCov) {
            double t = 0;
            while (true) {
                double end = next < horizon ? next : horizon;
                events++;
                for (long i = 0; ; i++) {
                    double at = t + i * step;
                    if (!(at < end)) {
                        break;
                    }
                    double h = Math.min(step, end - at);
                    for (int k = 0; k < d; k++) {
                        i1[k] += h * u[k];
                    }
                    if (withCov) {
                        for (int p = 0; p < d; p++) {
                            int row = p * d;
                            double up = u[p];
                            for (int q = 0; q <= p; q++) {
                                i2[row + q] += h * (up * u[q]);
                            }
                        }
                    }
                    double noise = sigma * Math.sqrt(h);
                    for (int k = 0; k < d; k++) {
                        double z = s.normal();
                        u[k] = (u[k] - (h * mu[k]) * (u[k] - a[k])) + noise * z;
                    }
                }
                if (next >= horizon) {
                    return;
                }
                java.util.Arrays.fill(u, 0);
                t = next;
                next = t + law.next(s);
            }
        }

        private void accumulate(double[] sums, boolean withCov) {
            int ss = SimulationSums.vector(d, SimulationSums.SNAP_SUM);
            int ss2 = SimulationSums.vector(d, SimulationSums.SNAP_SUM_SQ);
            int ts = SimulationSums.vector(d, SimulationSums.TIME_SUM);
            int ts2 = SimulationSums.vector(d, SimulationSums.TIME_SUM_SQ);
            for (int k = 0; k < d; k++) {
                double x = u[k];
                double mk = i1[k] / horizon;
                m[k] = mk;
                sums[ss + k] += x;
                sums[ss2 + k] += x * x;
                sums[ts + k] += mk;
                sums[ts2 + k] += mk * mk;
            }
            if (!withCov) {
                return;
            }
            int sc = SimulationSums.vector(d, SimulationSums.SNAP_CENTRE);
            int tc = SimulationSums.vector(d, SimulationSums.TIME_CENTRE);
            int sp = SimulationSums.matrix(d, SimulationSums.SNAP_P);
            int sw = SimulationSums.matrix(d, SimulationSums.SNAP_W2);
            int tp = SimulationSums.matrix(d, SimulationSums.TIME_P);
            int txx = SimulationSums.matrix(d, SimulationSums.TIME_XX);
            int tw = SimulationSums.matrix(d, SimulationSums.TIME_W2);
            double invHorizon = 1 / horizon;
            for (int i = 0; i < d; i++) {
                int row = i * d;
                double ui = u[i];
                double mi = m[i];
                double sci = sums[sc + i];
                double tci = sums[tc + i];
                for (int j = 0; j <= i; j++) {
                    double p = ui * u[j];
                    double w = (p - sci * u[j]) - ui * sums[sc + j];
                    sums[sp + row + j] += p;
                    sums[sw + row + j] += w * w;
                    double q = i2[row + j] * invHorizon;
                    double wt = (q - tci * m[j]) - mi * sums[tc + j];
                    sums[tp + row + j] += q;
                    sums[txx + row + j] += mi * m[j];
                    sums[tw + row + j] += wt * wt;
                }
            }
        }

        private static long subBlockSize(long chunk, int p) {
            return (chunk + p - 1) / p;
        }
    }
}
