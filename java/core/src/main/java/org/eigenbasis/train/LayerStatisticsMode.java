package org.eigenbasis.train;

/** Which output gradients a model reports as K-FAC layer statistics. */
public enum LayerStatisticsMode {
    /** No layer statistics (optimizers that only read gradients). */
    NONE,
    /**
     * The empirical Fisher: output gradients of the loss at the true labels, the same ones that make up the
     * parameter gradients.
     */
    EMPIRICAL,
    /**
     * The true Fisher (Martens and Grosse, 2015, §5): output gradients of the loss at labels drawn from the
     * model's own predictive distribution softmax(z_n), one draw per sample, back-propagated through the network.
     * The parameter gradients still use the true labels.
     */
    SAMPLED;

    /** Parses {@code none}, {@code empirical} or {@code sampled} (any case). */
    public static LayerStatisticsMode parse(String text) {
        for (LayerStatisticsMode m : values()) {
            if (m.name().equalsIgnoreCase(text.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("layer statistics: '" + text + "' is not one of none, empirical, sampled");
    }
}
