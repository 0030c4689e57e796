package org.eigenbasis.influence;

/** What every curvature held by this package shares: its rung, its dimension and the backend its products run on. */
abstract class BackedCurvature implements Curvature, Backed {
    private final CurvatureKind kind;
    private final int dimension;
    private final Products products;

    BackedCurvature(CurvatureKind kind, int dimension, Products products) {
        this.kind = kind;
        this.dimension = dimension;
        this.products = products;
    }

    @Override
    public final Products products() {
        return products;
    }

    @Override
    public final CurvatureKind kind() {
        return kind;
    }

    @Override
    public final int dimension() {
        return dimension;
    }
}
