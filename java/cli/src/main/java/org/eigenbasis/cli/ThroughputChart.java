package org.eigenbasis.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eigenbasis.io.Npy;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import java.text.DecimalFormat;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The demo's PNG: eigh throughput (matrices per second, log scale) against n (log scale), one line per backend. */
final class ThroughputChart {
    private ThroughputChart() {
    }

    static void write(Path file, List<Throughput.Result> results, String subtitle) throws IOException {
        Map<String, XYSeries> series = new TreeMap<>();
        for (Throughput.Result r : results) {
            series.computeIfAbsent(r.backend() + " " + r.dtype(), XYSeries::new).add(r.n(), r.matricesPerSecond());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart("eigh throughput by size", "n (matrix size; batch B shrinks as n grows)",
                "matrices per second", data, PlotOrientation.VERTICAL, true, false, false);
        chart.addSubtitle(new org.jfree.chart.title.TextTitle(subtitle));
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("n (matrix size)");
        x.setBase(2);
        x.setSmallestValue(1);
        x.setTickUnit(new NumberTickUnit(1));                    // one tick per power of two
        x.setNumberFormatOverride(new DecimalFormat("0"));
        LogAxis y = new LogAxis("matrices per second");
        y.setBase(10);
        y.setTickUnit(new NumberTickUnit(1));
        y.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
        plot.setDomainAxis(x);
        plot.setRangeAxis(y);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(png, chart, 900, 560);
        Npy.writeAtomically(file, ByteBuffer.wrap(png.toByteArray()));
    }
}
