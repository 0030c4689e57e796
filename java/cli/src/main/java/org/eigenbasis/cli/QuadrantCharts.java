package org.eigenbasis.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eigenbasis.basis.FourQuadrantsResult;
import org.eigenbasis.basis.MethodResult;
import org.jfree.chart.JFreeChart;

/** The 2 × 2 PNG of {@code basis quadrants}: loss against step (log loss), one panel per quadrant. */
final class QuadrantCharts {
    private static final String[] TITLES = {"(a) eigenbasis, full batch, linear regression",
        "(b) identity basis, full batch, block covariance", "(c) mini-batch linear regression (eigenbasis)",
        "(d) eigenbasis, full batch, logistic regression"};
    private static final String[] Y_LABELS = {"loss", "loss", "excess loss", "excess loss"};

    private QuadrantCharts() {
    }

    static void write(Path file, FourQuadrantsResult r) throws IOException {
        List<List<MethodResult>> all = BasisQuadrantsCommand.methods(r);
        List<JFreeChart> charts = new ArrayList<>();
        for (int q = 0; q < all.size(); q++) {
            List<ResetCharts.Line> lines = new ArrayList<>();
            for (MethodResult m : all.get(q)) {
                double[] y = m.lossCurve();
                double[] x = new double[y.length];
                for (int t = 0; t < x.length; t++) {
                    x[t] = t;
                }
                lines.add(new ResetCharts.Line(String.format("%s (lr %.3g)", m.method().key(), m.bestLr()), x, y,
                        m.method().key().equals("gd")));
            }
            charts.add(ResetCharts.lineChart(TITLES[q], "each method at its best lr on the shared grid", "step",
                    Y_LABELS[q], lines, false, true));
        }
        ResetCharts.grid(file, charts, 2);
    }
}
