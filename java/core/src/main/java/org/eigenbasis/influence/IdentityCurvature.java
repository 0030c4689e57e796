package org.eigenbasis.influence;

import java.util.Arrays;

/**
 * The identity baseline: C^-1 = I whatever the damping, so scores are plain gradient products −g_tᵀ g_i. Its
 * eigenbasis is the standard one; every eigenvalue is reported as 1.
 */
final class IdentityCurvature extends BackedCurvature {

    IdentityCurvature(int dimension, Products products) {
        super(CurvatureKind.IDENTITY, dimension, products);
    }




    @Override
    public double[] eigenvalues() {
        double[] ones = new double[dimension()];
        Arrays.fill(ones, 1);
        return ones;
    }

    @Override
    public double[] inverseWeights(Damping damping) {
        return eigenvalues();
    }

    @Override
    public double[] toEigenbasis(double[] v, int k) {
        return v.clone();
    }

    @Override
    public double[] fromEigenbasis(double[] c, int k) {
        return c.clone();
    }
}
