package org.eigenbasis.spi;

import java.io.Serializable;

/**
 * The raw sums of the trajectories [first, first + count) of a reset-simulation run (see
 * {@link ResetSimulationKernel#simulateRange}): one packed block of {@link SimulationSums#blockLength} doubles per
 * non-empty sub-block, in index order, so that {@link SimulationSums#merge} can add them to the run totals in the
 * order the single-machine kernel does. A block holds snapshot ΣX, ΣX², time ΣX, ΣX² (d each), then, in covariance
 * runs, the lower triangles (row by row, j ≤ i) of snapshot ΣP, snapshot Σw², time ΣP, time ΣMMᵀ, time Σw².
 * Serializable (plain arrays), so a range computed elsewhere (a Spark task) can travel to where it is merged.
 *
 * @param first     the range's first trajectory (a sub-block boundary)
 * @param count     its number of trajectories (0 for an empty range, which has no blocks)
 * @param blocks    the number of non-empty sub-blocks in the range
 * @param centres   the pilot centres (snapshot c, then time c; 2d values, zeros without covariance)
 * @param blockSums blocks · blockLength doubles, the packed blocks in sub-block order
 * @param events    trajectory-events of the range
 */
public record RangeSums(long first, long count, int blocks, double[] centres, double[] blockSums, long events)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public RangeSums {
        if (first < 0 || count < 0 || blocks < 0 || events < 0 || centres == null || blockSums == null) {
            throw new IllegalArgumentException("range [" + first + ", +" + count + "): blocks " + blocks + ", events "
                    + events + " must be >= 0 and the arrays non-null");
        }
        if ((count == 0) != (blocks == 0)) {
            throw new IllegalArgumentException("blocks: " + blocks + " for " + count + " trajectories");
        }
    }

    /** The empty range at {@code first}: no trajectories, no blocks (what a Spark partition with no sub-block gives). */
    public static RangeSums empty(long first, int d) {
        return new RangeSums(first, 0, 0, new double[2 * d], new double[0], 0);
    }
}
