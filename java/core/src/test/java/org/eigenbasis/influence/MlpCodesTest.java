package org.eigenbasis.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.eigenbasis.internal.mlp.MlpMath;
import org.eigenbasis.value.MlpArchitecture;
import org.junit.jupiter.api.Test;

/** MlpMath's activation and loss codes are the enums' ordinals, which Mlp, ReferenceMlp and the C ABI pass on. */
class MlpCodesTest {
    @Test
    void codesAreOrdinals() {
        assertEquals(MlpMath.GELU, MlpArchitecture.Activation.GELU.ordinal());
        assertEquals(MlpMath.RELU, MlpArchitecture.Activation.RELU.ordinal());
        assertEquals(MlpMath.TANH, MlpArchitecture.Activation.TANH.ordinal());
        assertEquals(MlpMath.IDENTITY, MlpArchitecture.Activation.IDENTITY.ordinal());
        assertEquals(MlpMath.CROSS_ENTROPY, MlpArchitecture.Loss.CROSS_ENTROPY.ordinal());
        assertEquals(MlpMath.SQUARED, MlpArchitecture.Loss.SQUARED.ordinal());
    }
}
