package org.eigenbasis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.basis.quadrants.BlockCovarianceResult;
import org.eigenbasis.basis.quadrants.EigenbasisLinearResult;
import org.eigenbasis.basis.quadrants.FourQuadrants;
import org.eigenbasis.basis.quadrants.FourQuadrantsResult;
import org.eigenbasis.basis.quadrants.LogisticResult;
import org.eigenbasis.basis.quadrants.MethodResult;
import org.eigenbasis.basis.quadrants.MinibatchResult;
import org.eigenbasis.basis.quadrants.QuadrantsConfig;
import org.eigenbasis.basis.quadrants.RateCheck;
import org.eigenbasis.io.Npy;
import org.eigenbasis.spi.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code eigenbasis basis quadrants}: {@link FourQuadrants} on the default config. Prints a table, or with --json
 * {"a": {...}, "b": {...}, "c": {...}, "d": {...}}: per quadrant one entry per method ({"steps": first step at the
 * target or null, "final_loss", "lr": the tuned rate}) and the quadrant's headline numbers. --out writes
 * quadrants.json (that document plus the config and per-basis details), quadrants.csv (the tuned loss curves) and
 * quadrants.png (loss against step, one panel per quadrant), each atomically, after the run and only if it succeeded.
 */
@Command(name = "quadrants", description = {
    "Adam, Gauss-Newton^-1, Gauss-Newton^-1/2 (eps = 0) and gradient descent in the four quadrants, every learning",
    "rate tuned on one half-decade grid: (a) eigenbasis, full batch, linear regression; (b) identity basis, full",
    "batch, block covariance; (c) mini-batch linear regression (Adam's second moment against GN^-1/2); (d)",
    "eigenbasis, full batch, logistic regression."})
final class BasisQuadrantsCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of every draw (default: the config's, 7).")
    Long seed;

    @Option(names = "--backend", paramLabel = "NAME", description = "java, cpu, cuda or auto (default: -Deigenbasis.backend, else auto).")
    String backend;

    @Option(names = "--out", paramLabel = "DIR", description = "Write quadrants.json, quadrants.csv and quadrants.png here.")
    Path out;

    @Option(names = "--json", description = "Print {\"a\": {...}, \"b\": {...}, \"c\": {...}, \"d\": {...}} as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        QuadrantsConfig config = seed == null ? QuadrantsConfig.defaults() : QuadrantsConfig.defaults().withSeed(seed);
        if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out: " + out + " exists and is not a directory");
        }
        Backend chosen = BackendOption.one(backend);
        FourQuadrantsResult result = FourQuadrants.on(chosen, config).run();
        Map<String, Object> doc = document(result);
        if (out != null) {
            Files.createDirectories(out);
            Map<String, Object> full = new LinkedHashMap<>(doc);
            full.put("backend", chosen.name());
            full.put("config", config.toString());
            full.put("learning_rates", config.learningRates());
            full.put("c_details", details(result.c()));
            Npy.writeAtomically(out.resolve("quadrants.json"),
                    ByteBuffer.wrap(Json.write(full).getBytes(StandardCharsets.UTF_8)));
            Npy.writeAtomically(out.resolve("quadrants.csv"),
                    ByteBuffer.wrap(csv(result).getBytes(StandardCharsets.UTF_8)));
            QuadrantCharts.write(out.resolve("quadrants.png"), result);
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(Json.write(doc));
        } else {
            o.print(table(result));
            if (out != null) {
                o.printf("wrote %s, %s and %s%n", out.resolve("quadrants.json"), out.resolve("quadrants.csv"),
                        out.resolve("quadrants.png"));
            }
        }
        return EigenbasisCli.OK;
    }

    static List<List<MethodResult>> methods(FourQuadrantsResult r) {
        return List.of(r.a().methods(), r.b().methods(), r.c().methods(), r.d().methods());
    }

    static Map<String, Object> document(FourQuadrantsResult r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        EigenbasisLinearResult a = r.a();
        Map<String, Object> qa = methodEntries(a.methods());
        qa.put("kappa", a.kappa());
        qa.put("newton_relative_loss", a.newtonRelativeLoss());
        qa.put("gn_inv_sqrt_rate", rate(a.sqrtRate()));
        qa.put("gd_rate", rate(a.gdRate()));
        doc.put("a", qa);

        BlockCovarianceResult b = r.b();
        Map<String, Object> qb = methodEntries(b.methods());
        qb.put("rhos", b.rhos());
        qb.put("gn_equals_gd", b.gaussNewtonIsGd());
        qb.put("adam_speedup", Json.finite(b.adamSpeedup()));
        doc.put("b", qb);

        MinibatchResult c = r.c();
        Map<String, Object> qc = methodEntries(c.methods());
        MinibatchResult.Alignment identity = c.alignment("identity");
        qc.put("cosine", identity.cosine());
        qc.put("exponent", identity.exponent());
        Map<String, Object> byBasis = new LinkedHashMap<>();
        for (MinibatchResult.Alignment al : c.alignments()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("cosine", al.cosine());
            e.put("exponent", al.exponent());
            e.put("exponent_stderr", al.exponentStdError());
            e.put("exponent_bias", al.exponentBias());
            byBasis.put(al.basis(), e);
        }
        qc.put("by_basis", byBasis);
        double worst = 0;
        for (MinibatchResult.FormulaCheck f : c.formulaChecks()) {
            worst = Math.max(worst, f.maxAbsZ());
        }
        qc.put("formula_max_abs_z", worst);
        qc.put("eigenvalue_decades", c.eigenvalueDecades());
        doc.put("c", qc);

        LogisticResult d = r.d();
        Map<String, Object> qd = methodEntries(d.methods());
        qd.put("adam_speedup", Json.finite(d.adamSpeedup()));
        qd.put("curvature_scale_start", d.curvatureScaleStart());
        qd.put("curvature_scale_optimum", d.curvatureScaleOptimum());
        qd.put("gn_inv_mu_optimum", List.of(d.gnOptimum().smallest(), d.gnOptimum().largest()));
        qd.put("gn_inv_sqrt_mu_start", List.of(d.sqrtStart().smallest(), d.sqrtStart().largest()));
        qd.put("gn_inv_sqrt_mu_optimum", List.of(d.sqrtOptimum().smallest(), d.sqrtOptimum().largest()));
        doc.put("d", qd);
        return doc;
    }

    private static Map<String, Object> methodEntries(List<MethodResult> methods) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (MethodResult m : methods) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("steps", m.stepsToTarget() < 0 ? null : m.stepsToTarget());
            e.put("final_loss", Json.finite(m.finalLoss()));
            e.put("lr", m.bestLr());
            out.put(m.method().key(), e);
        }
        return out;
    }

    private static Map<String, Object> rate(RateCheck r) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("lr", r.lr());
        e.put("measured", Json.finite(r.measured()));
        e.put("predicted", Json.finite(r.predicted()));
        e.put("optimal", r.optimal());
        return e;
    }

    private static Map<String, Object> details(MinibatchResult c) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Object> checks = new ArrayList<>();
        for (MinibatchResult.FormulaCheck f : c.formulaChecks()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("basis", f.basis());
            e.put("point", f.point());
            e.put("samples", f.samples());
            e.put("max_abs_z", f.maxAbsZ());
            e.put("expected", f.expected());
            e.put("mean", f.mean());
            e.put("standard_error", f.standardError());
            checks.add(e);
        }
        out.put("formula_checks", checks);
        Map<String, Object> v = new LinkedHashMap<>();
        for (MinibatchResult.Alignment al : c.alignments()) {
            v.put(al.basis(), Map.of("adam_v", al.v(), "diag_UtHU", al.diagonal(), "lr", al.lr(), "steps", al.steps()));
        }
        out.put("adam_second_moment", v);
        return out;
    }

    static String csv(FourQuadrantsResult r) {
        StringBuilder b = new StringBuilder("quadrant,method,lr,step,loss\n");
        String[] names = {"a", "b", "c", "d"};
        List<List<MethodResult>> all = methods(r);
        for (int q = 0; q < names.length; q++) {
            for (MethodResult m : all.get(q)) {
                double[] curve = m.lossCurve();
                for (int t = 0; t < curve.length; t++) {
                    b.append(names[q]).append(',').append(m.method().key()).append(',').append(m.bestLr()).append(',')
                            .append(t).append(',').append(curve[t]).append('\n');
                }
            }
        }
        return b.toString();
    }

    static String table(FourQuadrantsResult r) {
        StringBuilder b = new StringBuilder();
        EigenbasisLinearResult a = r.a();
        b.append(String.format("(a) eigenbasis, full batch, linear regression (kappa %.4g)%n", a.kappa()));
        rows(b, a.methods());
        b.append(String.format("    Newton: GN^-1 at lr 1, L1/L0 = %.3g%n", a.newtonRelativeLoss()));
        b.append(String.format("    GN^-1/2 rate %.6f (closed form %.6f; best constant lr (sqrt k - 1)/(sqrt k + 1) = %.6f)%n",
                a.sqrtRate().measured(), a.sqrtRate().predicted(), a.sqrtRate().optimal()));
        b.append(String.format("    GD rate      %.6f (closed form %.6f; best constant lr (k - 1)/(k + 1) = %.6f)%n",
                a.gdRate().measured(), a.gdRate().predicted(), a.gdRate().optimal()));
        BlockCovarianceResult bq = r.b();
        b.append(String.format("(b) identity basis, full batch, block covariance (rho %s)%n",
                java.util.Arrays.toString(bq.rhos())));
        rows(b, bq.methods());
        b.append(String.format("    GN^-1 and GN^-1/2 identical to GD at every lr: %s; Adam %.3gx fewer steps than GD%n",
                bq.gaussNewtonIsGd(), bq.adamSpeedup()));
        MinibatchResult c = r.c();
        b.append(String.format("(c) mini-batch linear regression (B = %d, s = %.3g, H over %.2f decades; eigenbasis)%n",
                r.config().batchSize(), r.config().noise(), c.eigenvalueDecades()));
        rows(b, c.methods());
        double worst = 0;
        for (MinibatchResult.FormulaCheck f : c.formulaChecks()) {
            worst = Math.max(worst, f.maxAbsZ());
        }
        b.append(String.format("    E[g~^2] formula: max |z| = %.2f over %d checks%n", worst, c.formulaChecks().size()));
        for (MinibatchResult.Alignment al : c.alignments()) {
            b.append(String.format("    Adam v, %s: exponent %.4f +- %.4f (signal-term bias %.4f), cosine %.5f%n",
                    al.basis(), al.exponent(), al.exponentStdError(), al.exponentBias(), al.cosine()));
        }
        LogisticResult d = r.d();
        b.append(String.format("(d) eigenbasis, full batch, logistic regression (excess loss; L* = %.4g)%n", d.minimumLoss()));
        rows(b, d.methods());
        b.append(String.format("    Adam %.3gx fewer steps than the better GN; mean s(1-s) %.3g at theta0, %.3g at theta*%n",
                d.adamSpeedup(), d.curvatureScaleStart(), d.curvatureScaleOptimum()));
        b.append(String.format("    near theta*: D^-1 G spans [%.3g, %.3g], D^-1/2 G spans [%.3g, %.3g] (at theta0: 1, [%.3g, %.3g])%n",
                d.gnOptimum().smallest(), d.gnOptimum().largest(), d.sqrtOptimum().smallest(), d.sqrtOptimum().largest(),
                d.sqrtStart().smallest(), d.sqrtStart().largest()));
        return b.toString();
    }

    private static void rows(StringBuilder b, List<MethodResult> methods) {
        b.append(String.format("    %-12s %10s %8s %14s%n", "method", "best lr", "steps", "final loss"));
        for (MethodResult m : methods) {
            b.append(String.format("    %-12s %10.4g %8s %14.4g%n", m.method().key(), m.bestLr(),
                    m.stepsToTarget() < 0 ? "-" : Integer.toString(m.stepsToTarget()), m.finalLoss()));
        }
    }
}
