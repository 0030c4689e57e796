package org.eigenbasis.internal.mlp;

/**
 * The hidden activations σ by code ({@link MlpMath#GELU}, {@link MlpMath#RELU}, {@link MlpMath#TANH},
 * {@link MlpMath#IDENTITY}) with their first and second derivatives, elementwise over an array prefix. The switch
 * sits outside the loops so each loop is a plain elementwise one.
 * <ul>
 *   <li>gelu σ(z) = z·Φ(z) = ½z(1 + erf(z/√2)), σ′ = Φ(z) + z·φ(z), σ″ = φ(z)·(2 − z²);</li>
 *   <li>relu σ = max(z, 0), σ′ = [z &gt; 0] (0 at z = 0, as PyTorch), σ″ = 0;</li>
 *   <li>tanh σ′ = 1 − tanh², σ″ = −2·tanh·(1 − tanh²);</li>
 *   <li>identity σ′ = 1, σ″ = 0.</li>
 * </ul>
 */
public final class Activations {
    private Activations() {
    }

    /** σ(z) for one value. */
    public static double value(int code, double z) {
        switch (code) {
            case MlpMath.GELU:
                return z * ErrorFunction.normalCdf(z);
            case MlpMath.RELU:
                return z > 0 ? z : 0;
            case MlpMath.TANH:
                return Math.tanh(z);
            case MlpMath.IDENTITY:
                return z;
            default:
                throw badCode(code);
        }
    }

    /** σ′(z) for one value. */
    public static double slope(int code, double z) {
        switch (code) {
            case MlpMath.GELU:
                return ErrorFunction.normalCdf(z) + z * ErrorFunction.normalPdf(z);
            case MlpMath.RELU:
                return z > 0 ? 1 : 0;
            case MlpMath.TANH: {
                double t = Math.tanh(z);
                return 1 - t * t;
            }
            case MlpMath.IDENTITY:
                return 1;
            default:
                throw badCode(code);
        }
    }

    /** σ″(z) for one value. */
    public static double curvature(int code, double z) {
        switch (code) {
            case MlpMath.GELU:
                return ErrorFunction.normalPdf(z) * (2 - z * z);
            case MlpMath.RELU:
            case MlpMath.IDENTITY:
                return 0;
            case MlpMath.TANH: {
                double t = Math.tanh(z);
                return -2 * t * (1 - t * t);
            }
            default:
                throw badCode(code);
        }
    }

    /** out[i] = σ(z[i]) for i &lt; count. */
    public static void apply(int code, double[] z, double[] out, int count) {
        switch (code) {
            case MlpMath.GELU:
                for (int i = 0; i < count; i++) {
                    out[i] = z[i] * ErrorFunction.normalCdf(z[i]);
                }
                break;
            case MlpMath.RELU:
                for (int i = 0; i < count; i++) {
                    out[i] = Math.max(z[i], 0.0);
                }
                break;
            case MlpMath.TANH:
                for (int i = 0; i < count; i++) {
                    out[i] = Math.tanh(z[i]);
                }
                break;
            case MlpMath.IDENTITY:
                System.arraycopy(z, 0, out, 0, count);
                break;
            default:
                throw badCode(code);
        }
    }

    /**
     * out[i] = σ(z[i]) and slope[i] = σ′(z[i]) for i &lt; count, sharing the work the two have in common (Φ for
     * gelu, tanh for tanh).
     */
    public static void applyWithSlope(int code, double[] z, double[] out, double[] slope, int count) {
        switch (code) {
            case MlpMath.GELU:
                for (int i = 0; i < count; i++) {
                    double v = z[i];
                    double cdf = ErrorFunction.normalCdf(v);
                    out[i] = v * cdf;
                    slope[i] = cdf + v * ErrorFunction.normalPdf(v);
                }
                break;
            case MlpMath.RELU:
                for (int i = 0; i < count; i++) {
                    double v = z[i];
                    out[i] = v > 0 ? v : 0;
                    slope[i] = v > 0 ? 1 : 0;
                }
                break;
            case MlpMath.TANH:
                for (int i = 0; i < count; i++) {
                    double t = Math.tanh(z[i]);
                    out[i] = t;
                    slope[i] = 1 - t * t;
                }
                break;
            case MlpMath.IDENTITY:
                System.arraycopy(z, 0, out, 0, count);
                java.util.Arrays.fill(slope, 0, count, 1.0);
                break;
            default:
                throw badCode(code);
        }
    }

    /** out[i] = σ″(z[i]) for i &lt; count. */
    public static void curvatures(int code, double[] z, double[] out, int count) {
        for (int i = 0; i < count; i++) {
            out[i] = curvature(code, z[i]);
        }
    }

    /** Whether σ″ vanishes everywhere (relu, identity): the R-op then skips the σ″ term. */
    public static boolean piecewiseLinear(int code) {
        return code == MlpMath.RELU || code == MlpMath.IDENTITY;
    }

    static IllegalArgumentException badCode(int code) {
        return new IllegalArgumentException("activation code: " + code + " is outside [0, 3]");
    }
}
