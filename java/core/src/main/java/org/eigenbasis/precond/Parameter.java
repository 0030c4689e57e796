package org.eigenbasis.precond;

import java.util.Arrays;
import java.util.Objects;
import org.eigenbasis.value.DType;

/**
 * A named parameter tensor of a JVM training loop. The optimizer updates {@link #f64()} or {@link #f32()} in place
 * (the caller keeps the array it passed in; nothing is copied), row-major over {@link #shape()}. A scalar has the
 * empty shape and one element.
 */
public final class Parameter {
    private final String name;
    private final int[] shape;
    private final double[] f64;
    private final float[] f32;

    private Parameter(String name, int[] shape, double[] f64, float[] f32, int length) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: must be a non-blank string");
        }
        this.name = name;
        this.shape = shape.clone();
        long size = 1;
        for (int i = 0; i < this.shape.length; i++) {
            if (this.shape[i] < 1) {
                throw new IllegalArgumentException("shape[" + i + "] of parameter '" + name + "': " + this.shape[i]
                        + " is outside [1, " + Integer.MAX_VALUE + "]");
            }
            size *= this.shape[i];
        }
        if (size != length) {
            throw new IllegalArgumentException("data of parameter '" + name + "': length " + length
                    + " does not match shape " + Arrays.toString(this.shape) + " (" + size + " elements)");
        }
        this.f64 = f64;
        this.f32 = f32;
    }

    /** A double-precision parameter over {@code data} (updated in place). */
    public static Parameter of(String name, double[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        return new Parameter(name, shape, data, null, data.length);
    }

    /** A single-precision parameter over {@code data} (updated in place). */
    public static Parameter of(String name, float[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        return new Parameter(name, shape, null, data, data.length);
    }

    public String name() {
        return name;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int size() {
        return f64 != null ? f64.length : f32.length;
    }

    public DType dtype() {
        return f64 != null ? DType.F64 : DType.F32;
    }

    /** The live double array; {@link IllegalStateException} for an f32 parameter. */
    public double[] f64() {
        if (f64 == null) {
            throw new IllegalStateException("parameter '" + name + "' is f32");
        }
        return f64;
    }

    /** The live float array; {@link IllegalStateException} for an f64 parameter. */
    public float[] f32() {
        if (f32 == null) {
            throw new IllegalStateException("parameter '" + name + "' is f64");
        }
        return f32;
    }

    public double get(int index) {
        return f64 != null ? f64[index] : f32[index];
    }

    public void set(int index, double value) {
        if (f64 != null) {
            f64[index] = value;
        } else {
            f32[index] = (float) value;
        }
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + " " + dtype();
    }
}
