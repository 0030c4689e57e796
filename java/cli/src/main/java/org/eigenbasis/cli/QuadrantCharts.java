package org.eigenbasis.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eigenbasis.basis.quadrants.FourQuadrantsResult;
import org.eigenbasis.basis.quadrants.MethodResult;
import org.jfree.chart.JFreeChart;

/** The 2 × 2 PNG of {@code basis quadrants}: loss against step (log loss), one panel per quadrant. */
final class QuadrantCharts {
    private static final String[] TITLES = {"(a) eigenbasis, full batch, linear regression",
        "(b) identity basis, full batch, block covariance", "(c) mini-batch linear regression (eigenbasis)",
        "(d) eigenbasis, full batch, logistic regression"};
    private static final String[] Y_LABELS = {"loss", "loss", "excess loss", "excess loss"};

    private static final int MINIBATCH = 2;
    /** The window of the trailing mean drawn for the noisy mini-batch curves (the CSV holds them raw). */
    private static final int SMOOTHING = 25;

    private QuadrantCharts() {
    }

    /** out[t] = mean of y[max(0, t − w + 1) .. t]. */
    static double[] trailingMean(double[] y, int w) {
        double[] out = new double[y.length];
        double sum = 0;
        for (int t = 0; t < y.length; t++) {
            sum += y[t];
            if (t >= w) {
                sum -= y[t - w];
            }
            out[t] = sum / Math.min(t + 1, w);
        }
        return out;
    }

    static void write(Path file, FourQuadrantsResult r) throws IOException {
        List<List<MethodResult>> all = BasisQuadrantsCommand.methods(r);
        List<JFreeChart> charts = new ArrayList<>();
        for (int q = 0; q < all.size(); q++) {
            List<ResetCharts.Line> lines = new ArrayList<>();
            for (MethodResult m : all.get(q)) {
                double[] y = q == MINIBATCH ? trailingMean(m.lossCurve(), SMOOTHING) : m.lossCurve();
                double[] x = new double[y.length];
                for (int t = 0; t < x.length; t++) {
                    x[t] = t;
                }
                lines.add(new ResetCharts.Line(String.format("%s (lr %.3g)", m.method().key(), m.bestLr()), x, y,
                        m.method().key().equals("gd")));
            }
            String subtitle = "each method at its best lr on the shared grid"
                    + (q == MINIBATCH ? "; trailing mean over " + SMOOTHING + " steps" : "");
            charts.add(ResetCharts.lineChart(TITLES[q], subtitle, "step",
                    Y_LABELS[q], lines, false, true));
        }
        ResetCharts.grid(file, charts, 2);
    }
}
