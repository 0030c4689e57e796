package org.eigenbasis.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Issue 16's plot, docs/figures/eigh-large-gflops.png: GFLOP/s (the model's flops over the time) against n, one
 * panel per dtype and vectors/values, a line per series: ours per algorithm, numpy, the GEMM rate R and R / 1.5 (the
 * target's floor), the last two dashed. Reads the points that {@code benchmarks/summarize_eigh_large.py --csv}
 * writes (header {@code panel,series,n,gflops}; panels and series in the order they first appear).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar org.eigenbasis.benchmarks.GflopsChart POINTS.csv OUT.png}
 */
public final class GflopsChart {
    private static final int WIDTH = 820;
    private static final int HEIGHT = 520;
    /** Ours by algorithm, as LargeEighBenchmark names them; auto is drawn thinner, on top (it follows one of them). */
    private static final Map<String, Color> OURS = Map.of("ours syevd", new Color(0xD62728), "ours two_stage",
            new Color(0xFF7F0E), "ours tridiagonal_dc", new Color(0x2CA02C), "ours auto", new Color(0x9467BD));
    private static final Color PEER = new Color(0x1F77B4);
    private static final Color RATE = new Color(0x444444);

    private GflopsChart() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: GflopsChart POINTS.csv OUT.png");
            System.exit(2);
        }
        Map<String, Map<String, XYSeries>> panels = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            if (f.length != 4) {
                continue;
            }
            panels.computeIfAbsent(f[0], k -> new LinkedHashMap<>())
                    .computeIfAbsent(f[1], k -> new XYSeries(k, true, false))
                    .add(Double.parseDouble(f[2]), Double.parseDouble(f[3]));
        }
        List<JFreeChart> charts = new ArrayList<>();
        panels.forEach((title, series) -> charts.add(chart(title, series)));
        write(Path.of(args[1]), charts, 2);
    }

    private static JFreeChart chart(String title, Map<String, XYSeries> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart(title, "n", "GFLOP/s (model flops / time)", data,
                PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("n");
        x.setBase(2);
        x.setTickUnit(new NumberTickUnit(1));
        x.setNumberFormatOverride(new DecimalFormat("0"));
        x.setRange(data.getDomainLowerBound(false) / 1.2, data.getDomainUpperBound(false) * 1.2);
        plot.setDomainAxis(x);
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setRange(0, data.getRangeUpperBound(false) * 1.1);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        int i = 0;
        for (String name : series.keySet()) {
            boolean rate = name.contains("rate") || name.startsWith("R /");
            r.setSeriesPaint(i, rate ? RATE : OURS.getOrDefault(name, PEER));
            r.setSeriesShapesVisible(i, !rate);
            r.setSeriesStroke(i, rate ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    name.startsWith("R /") ? new float[] {3f, 4f} : new float[] {8f, 5f}, 0f)
                    : new BasicStroke(name.endsWith("auto") ? 1f : 2.5f));
            i++;
        }
        plot.setRenderer(r);
        plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
        return chart;
    }

    /** The charts tiled {@code columns} per row into one PNG, written to a temporary file and moved into place. */
    private static void write(Path file, List<JFreeChart> charts, int columns) throws IOException {
        int rows = (charts.size() + columns - 1) / columns;
        BufferedImage image = new BufferedImage(columns * WIDTH, Math.max(1, rows) * HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int k = 0; k < charts.size(); k++) {
                charts.get(k).draw(g, new Rectangle2D.Double((k % columns) * WIDTH, (k / columns) * HEIGHT, WIDTH, HEIGHT));
            }
        } finally {
            g.dispose();
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "gflops", ".png.tmp");
        ImageIO.write(image, "png", tmp.toFile());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
