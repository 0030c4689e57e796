package org.eigenbasis.backend.cuda;

import org.eigenbasis.spi.InfluenceKernel;
import org.eigenbasis.value.BatchedMatrix;

/** Scaffold: replaced by the real kernel (issue 11). */
final class CudaInfluence implements InfluenceKernel {
    @Override
    public void ekfacEigenvalues(BatchedMatrix g, int perExample, BatchedMatrix a, BatchedMatrix qs, BatchedMatrix qa,
                                 double scale, BatchedMatrix lambda) {
        throw new UnsupportedOperationException("scaffold (issue 11)");
    }

    @Override
    public void kroneckerRotate(BatchedMatrix qs, BatchedMatrix qa, BatchedMatrix x, boolean forward, BatchedMatrix out) {
        throw new UnsupportedOperationException("scaffold (issue 11)");
    }

    @Override
    public void weightedProduct(BatchedMatrix x, BatchedMatrix w, BatchedMatrix y, double alpha, double beta,
                                BatchedMatrix out) {
        throw new UnsupportedOperationException("scaffold (issue 11)");
    }

    @Override
    public void multiply(BatchedMatrix a, boolean transposeA, BatchedMatrix b, boolean transposeB, BatchedMatrix out) {
        throw new UnsupportedOperationException("scaffold (issue 11)");
    }
}
