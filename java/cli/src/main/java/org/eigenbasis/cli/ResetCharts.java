package org.eigenbasis.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import org.eigenbasis.io.Npy;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** The PNG plots of {@code reset experiment} (and the line charts of other commands), written atomically. */
final class ResetCharts {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    /** Distinct colours that read on white (no yellow). */
    private static final Color[] PALETTE = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C),
        new Color(0xFF7F0E), new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x17BECF),
        new Color(0x7F7F7F), new Color(0xBCBD22), new Color(0x000000)};

    private ResetCharts() {
    }

    /** One line of a chart; points that a log axis cannot show (≤ 0, non-finite) are left out. */
    record Line(String name, double[] x, double[] y, boolean dashed) {
    }

    /** A line chart, one series per {@link Line}. */
    static void lines(Path file, String title, String subtitle, String xLabel, String yLabel, List<Line> lines,
            boolean logX, boolean logY) throws IOException {
        write(file, lineChart(title, subtitle, xLabel, yLabel, lines, logX, logY));
    }

    /** The chart {@link #lines} writes. */
    static JFreeChart lineChart(String title, String subtitle, String xLabel, String yLabel, List<Line> lines,
            boolean logX, boolean logY) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Line line : lines) {
            XYSeries s = new XYSeries(line.name(), false, true);
            for (int i = 0; i < line.x().length; i++) {
                double x = line.x()[i];
                double y = line.y()[i];
                if (Double.isFinite(x) && Double.isFinite(y) && (!logX || x > 0) && (!logY || y > 0)) {
                    s.add(x, y);
                }
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true,
                false, false);
        if (subtitle != null) {
            chart.addSubtitle(new TextTitle(subtitle));
        }
        XYPlot plot = chart.getXYPlot();
        plot.setDomainAxis(axis(xLabel, logX, data.getDomainLowerBound(false), data.getDomainUpperBound(false)));
        plot.setRangeAxis(axis(yLabel, logY, data.getRangeLowerBound(false), data.getRangeUpperBound(false)));
        style(plot);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < lines.size(); i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            renderer.setSeriesStroke(i, lines.get(i).dashed()
                    ? new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f)
                    : new BasicStroke(1.8f));
        }
        plot.setRenderer(renderer);
        return chart;
    }

    /**
     * Charts tiled row by row, {@code columns} per row, each WIDTH × HEIGHT, into one PNG written atomically.
     */
    static void grid(Path file, List<JFreeChart> charts, int columns) throws IOException {
        int rows = (charts.size() + columns - 1) / columns;
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(columns * WIDTH, rows * HEIGHT,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                charts.get(i).draw(g, new java.awt.geom.Rectangle2D.Double((i % columns) * WIDTH, (i / columns) * HEIGHT,
                        WIDTH, HEIGHT));
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", png);
        Npy.writeAtomically(file, ByteBuffer.wrap(png.toByteArray()));
    }

    /**
     * Monte Carlo against theory, two panels over the curvature μ_k (log scale): on top the stationary means (theory
     * as open circles, estimates as points with ±2 standard error bars); below, the deviations estimate − theory of
     * the means and of the variances with ±2 standard error bars around a zero line, where the bars are visible.
     */
    static void monteCarlo(Path file, String title, String subtitle, double[] mu, double[] theory, double[] estimate,
            double[] stderr, double[] theoryVariance, double[] variance, double[] varianceStderr) throws IOException {
        YIntervalSeries mc = new YIntervalSeries("Monte Carlo mean ± 2 SE");
        XYSeries exact = new XYSeries("theory (OuResetMoments)", false, true);
        YIntervalSeries meanDev = new YIntervalSeries("mean: Monte Carlo − theory ± 2 SE");
        YIntervalSeries varDev = new YIntervalSeries("variance: Monte Carlo − theory ± 2 SE");
        for (int k = 0; k < mu.length; k++) {
            if (!(mu[k] > 0)) {
                continue;
            }
            mc.add(mu[k], estimate[k], estimate[k] - 2 * stderr[k], estimate[k] + 2 * stderr[k]);
            exact.add(mu[k], theory[k]);
            double dm = estimate[k] - theory[k];
            meanDev.add(mu[k] / 1.04, dm, dm - 2 * stderr[k], dm + 2 * stderr[k]);
            if (variance != null && theoryVariance != null && Double.isFinite(theoryVariance[k])) {
                double dv = variance[k] - theoryVariance[k];
                double se = Double.isFinite(varianceStderr[k]) ? varianceStderr[k] : 0;
                varDev.add(mu[k] * 1.04, dv, dv - 2 * se, dv + 2 * se);
            }
        }
        LogAxis x = (LogAxis) axis("curvature mu_k", true, mu[0], mu[mu.length - 1]);
        org.jfree.chart.plot.CombinedDomainXYPlot combined = new org.jfree.chart.plot.CombinedDomainXYPlot(x);
        combined.setGap(12);

        YIntervalSeriesCollection top = new YIntervalSeriesCollection();
        top.addSeries(mc);
        XYPlot means = new XYPlot(top, null, axis("stationary mean", false, 0, 0), errorRenderer(0xC0392B, 0xC0392B));
        means.setDataset(1, new XYSeriesCollection(exact));
        XYLineAndShapeRenderer circles = new XYLineAndShapeRenderer(false, true);
        circles.setSeriesPaint(0, new Color(0x2E86C1));
        circles.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-7, -7, 14, 14));
        circles.setSeriesShapesFilled(0, false);
        means.setRenderer(1, circles);
        style(means);
        combined.add(means, 3);

        YIntervalSeriesCollection bottom = new YIntervalSeriesCollection();
        bottom.addSeries(meanDev);
        if (varDev.getItemCount() > 0) {
            bottom.addSeries(varDev);
        }
        XYErrorRenderer devRenderer = errorRenderer(0xC0392B, 0xC0392B);
        devRenderer.setSeriesPaint(1, new Color(0x27AE60));
        devRenderer.setErrorPaint(null);   // bars in each series' colour
        XYPlot deviations = new XYPlot(bottom, null, axis("MC − theory", false, 0, 0), devRenderer);
        deviations.addRangeMarker(new org.jfree.chart.plot.ValueMarker(0, Color.DARK_GRAY, new BasicStroke(1f)));
        style(deviations);
        combined.add(deviations, 2);

        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, combined, true);
        chart.setBackgroundPaint(Color.WHITE);
        if (subtitle != null) {
            chart.addSubtitle(new TextTitle(subtitle));
        }
        write(file, chart);
    }

    private static XYErrorRenderer errorRenderer(int pointColour, int barColour) {
        XYErrorRenderer errors = new XYErrorRenderer();
        errors.setDrawXError(false);
        errors.setDefaultLinesVisible(false);
        errors.setDefaultShapesVisible(true);
        errors.setSeriesPaint(0, new Color(pointColour));
        errors.setErrorPaint(new Color(barColour));
        errors.setErrorStroke(new BasicStroke(1.5f));
        errors.setCapLength(8);
        return errors;
    }

    /** A linear axis, or a log axis with one tick per decade when the data span more than two decades. */
    private static ValueAxis axis(String label, boolean log, double lo, double hi) {
        if (!log) {
            NumberAxis a = new NumberAxis(label);
            a.setAutoRangeIncludesZero(false);
            return a;
        }
        LogAxis a = new LogAxis(label);
        a.setBase(10);
        a.setSmallestValue(1e-300);
        if (lo > 0 && hi / lo >= 100) {
            // one tick per decade, or per few decades when there are more than a dozen of them
            a.setTickUnit(new NumberTickUnit(Math.max(1, Math.ceil(Math.log10(hi / lo) / 12))));
            // below 1e-5 the plain format would label the decades 0
            a.setNumberFormatOverride(new DecimalFormat(lo < 1e-5 ? "0E0" : "0.#####"));
        } else {
            a.setNumberFormatOverride(new DecimalFormat("0.####"));
        }
        return a;
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }

    private static void write(Path file, JFreeChart chart) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(png, chart, WIDTH, HEIGHT);
        Npy.writeAtomically(file, ByteBuffer.wrap(png.toByteArray()));
    }
}
