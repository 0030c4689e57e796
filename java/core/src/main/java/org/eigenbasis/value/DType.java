package org.eigenbasis.value;

/** Scalar type of a {@link BatchedMatrix}: IEEE 754 binary32 ({@code F32}) or binary64 ({@code F64}). */
public enum DType {
    F32(4, 0x1p-23, "<f4"),
    F64(8, 0x1p-52, "<f8");

    private final int bytes;
    private final double epsilon;
    private final String numpyDescr;

    DType(int bytes, double epsilon, String numpyDescr) {
        this.bytes = bytes;
        this.epsilon = epsilon;
        this.numpyDescr = numpyDescr;
    }

    /** Size of one scalar in bytes. */
    public int bytes() {
        return bytes;
    }

    /** Machine epsilon: the spacing of the scalars just above 1 (2^-23 or 2^-52). */
    public double epsilon() {
        return epsilon;
    }

    /** The NumPy {@code descr} of this type in little-endian byte order. */
    public String numpyDescr() {
        return numpyDescr;
    }

    /** Parses {@code f32}/{@code float32} or {@code f64}/{@code float64} (any case). */
    public static DType parse(String text) {
        if (text != null) {
            switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "f32", "float32", "float" -> {
                    return F32;
                }
                case "f64", "float64", "double" -> {
                    return F64;
                }
                default -> { }
            }
        }
        throw new IllegalArgumentException("dtype: '" + text + "' is not a dtype; use f32 or f64");
    }

    /** The lower-case short name, {@code f32} or {@code f64}. */
    public String shortName() {
        return this == F32 ? "f32" : "f64";
    }
}
