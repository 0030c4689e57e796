package org.eigenbasis.influence;

import java.util.Map;

/**
 * What the ladder measured: the trained model's validation accuracy, for each rung its LDS at each damping
 * ({@code lds.get(rung)[d]} for {@code dampings[d]}), the curvature diagnostics (empty when not asked), and the
 * wall-clock seconds of each stage.
 */
public record LadderResult(double validationAccuracy, int parameters, double[] dampings,
                           Map<CurvatureKind, LdsResult[]> lds, Map<String, Double> diagnostics,
                           Map<String, Double> seconds) {
}
