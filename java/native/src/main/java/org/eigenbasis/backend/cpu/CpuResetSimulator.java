package org.eigenbasis.backend.cpu;

import java.nio.LongBuffer;
import org.eigenbasis.backend.Scratch;
import org.eigenbasis.binding.CpuKernels;
import org.eigenbasis.spi.RangeSums;
import org.eigenbasis.spi.ResetSimulationKernel;
import org.eigenbasis.spi.SimulationSums;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;
import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig;

/**
 * The reset simulator on the CPU library (native/src/cpu/reset_sim.cpp): the whole run in one native call,
 * sub-blocks of each chunk spread over the batch workers; the sums are bit-identical to the java reference's, and
 * the estimates come from the same {@link SimulationSums#finish}. Inputs and sums live in off-heap matrices freed
 * when the call returns; the config is validated (constructor and {@link SimulationSums#validate}) before any
 * native call.
 */
final class CpuResetSimulator implements ResetSimulationKernel {
    @Override
    public ResetSimulation simulate(ResetSimulationConfig config) {
        SimulationSums.validate(config);
        int d = config.dimension();
        double[] params = config.lawParameters();
        long length = CpuKernels.resetSimulationSumsLength(d, config.covariance());
        if (length != SimulationSums.length(d, config.covariance()) || length > Integer.MAX_VALUE) {
            throw new IllegalStateException("native sums length " + length + " differs from the Java layout "
                    + SimulationSums.length(d, config.covariance()));
        }
        long start = System.nanoTime();
        try (BatchedMatrix law = BatchedMatrix.of(params, 1, 1, params.length, Placement.OFF_HEAP);
             BatchedMatrix mu = BatchedMatrix.of(config.eigenvalues(), 1, 1, d, Placement.OFF_HEAP);
             BatchedMatrix target = BatchedMatrix.of(config.target(), 1, 1, d, Placement.OFF_HEAP);
             BatchedMatrix sums = BatchedMatrix.allocate(DType.F64, 1, 1, (int) length, Placement.OFF_HEAP)) {
            LongBuffer events = Scratch.bytes(Long.BYTES).asLongBuffer();
            CpuKernels.resetSimulation(config.law().kind().code(), law.doubleBuffer(), params.length,
                    mu.doubleBuffer(), target.doubleBuffer(), d, config.sigma(), config.horizon(),
                    config.trajectories(), config.seed(), config.scheme() == ResetSimulationConfig.Scheme.EULER,
                    config.step(), config.covariance(), sums.doubleBuffer(), events);
            double seconds = (System.nanoTime() - start) * 1e-9;
            return SimulationSums.finish(config, sums.toDoubleArray(), events.get(0), seconds);
        }
    }

    /** One native call for the range; the packed blocks are copied to the heap (the result travels). */
    @Override
    public RangeSums simulateRange(ResetSimulationConfig config, long first, long count) {
        SimulationSums.validate(config);
        int d = config.dimension();
        boolean cov = config.covariance();
        long blocks = SimulationSums.rangeBlocks(config.trajectories(), d, cov, first, count);
        long blockLength = CpuKernels.resetSimulationBlockLength(d, cov);
        if (blockLength != SimulationSums.blockLength(d, cov)) {
            throw new IllegalStateException("native block length " + blockLength + " differs from the Java layout "
                    + SimulationSums.blockLength(d, cov));
        }
        if (blocks * blockLength > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("count: " + count + " trajectories make " + blocks + " sub-blocks of "
                    + blockLength + " sums, more than one array holds; split the range");
        }
        double[] params = config.lawParameters();
        try (BatchedMatrix law = BatchedMatrix.of(params, 1, 1, params.length, Placement.OFF_HEAP);
             BatchedMatrix mu = BatchedMatrix.of(config.eigenvalues(), 1, 1, d, Placement.OFF_HEAP);
             BatchedMatrix target = BatchedMatrix.of(config.target(), 1, 1, d, Placement.OFF_HEAP);
             BatchedMatrix sums = BatchedMatrix.allocate(DType.F64, 1, 1, (int) (blocks * blockLength),
                     Placement.OFF_HEAP);
             BatchedMatrix centres = BatchedMatrix.allocate(DType.F64, 1, 1, 2 * d, Placement.OFF_HEAP)) {
            LongBuffer counts = Scratch.bytes(2 * Long.BYTES).asLongBuffer();
            LongBuffer written = counts.slice(0, 1);
            LongBuffer events = counts.slice(1, 1);
            CpuKernels.resetSimulationRange(config.law().kind().code(), law.doubleBuffer(), params.length,
                    mu.doubleBuffer(), target.doubleBuffer(), d, config.sigma(), config.horizon(),
                    config.trajectories(), config.seed(), config.scheme() == ResetSimulationConfig.Scheme.EULER,
                    config.step(), cov, first, count, sums.doubleBuffer(), blocks, centres.doubleBuffer(), written,
                    events);
            if (written.get(0) != blocks) {
                throw new IllegalStateException("native range wrote " + written.get(0) + " sub-blocks, expected "
                        + blocks);
            }
            return new RangeSums(first, count, (int) blocks, centres.toDoubleArray(), sums.toDoubleArray(),
                    events.get(0));
        }
    }
}
