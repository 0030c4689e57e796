package org.eigenbasis.basis.quadrants;

import java.util.SplittableRandom;

/**
 * What one quadrant optimises: the tracked loss, a (full-batch or mini-batch) gradient oracle and the Gauss–Newton
 * matrix a GN step reads. The random sources are the run's own (seeded identically for every method and learning
 * rate: common random numbers); full-batch objectives ignore them. Must not modify θ.
 */
interface QuadrantObjective {
    double[] initial();

    /** The loss the experiment tracks (for the mini-batch quadrant: the exact excess population loss). */
    double loss(double[] theta);

    /** The step's gradient at θ. */
    double[] gradient(double[] theta, SplittableRandom random);

    /**
     * The GN matrix fixed once for the whole run (full batch, θ-independent), or null when {@link #curvature} is read
     * every step.
     */
    double[][] fixedCurvature();

    /** The step's GN matrix at θ (its own batch), when {@link #fixedCurvature()} is null. */
    double[][] curvature(double[] theta, SplittableRandom random);
}
