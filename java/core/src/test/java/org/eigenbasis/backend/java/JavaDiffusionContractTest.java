package org.eigenbasis.backend.java;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.eigenbasis.contract.DiffusionContract;
import org.eigenbasis.diffusion.DenoiserModel;
import org.eigenbasis.diffusion.DiffusionConfig;
import org.eigenbasis.diffusion.GeneratedVariances;
import org.eigenbasis.diffusion.ModeDynamics;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.Placement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The diffusion contract on the java reference, which is moreover ModeDynamics itself, bit for bit. */
class JavaDiffusionContractTest extends DiffusionContract {
    private static final Backend BACKEND = new JavaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }

    @ParameterizedTest
    @EnumSource(DenoiserModel.class)
    void referenceIsModeDynamicsBitForBit(DenoiserModel model) {
        DiffusionConfig config = DiffusionConfig.defaults().withInit(0.3);
        double[] lambdas = {0, 1e-4, 0.2, 7, 5e3};
        double[] taus = {0, 1e-5, 0.03, 0.4, 9, 2e4};
        try (BatchedMatrix out = GeneratedVariances.compute(BACKEND, model, lambdas, taus, config, false,
                Placement.HEAP)) {
            for (int i = 0; i < lambdas.length; i++) {
                for (int j = 0; j < taus.length; j++) {
                    assertEquals(ModeDynamics.generatedVariance(model, lambdas[i], taus[j], config), out.get(0, i, j));
                }
            }
        }
    }
}
