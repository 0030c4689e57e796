package org.eigenbasis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.influence.CurvatureKind;
import org.eigenbasis.influence.Damping;
import org.eigenbasis.influence.Examples;
import org.eigenbasis.influence.FisherVariant;
import org.eigenbasis.influence.InfluenceScores;
import org.eigenbasis.influence.InverseOperator;
import org.eigenbasis.influence.Mlp;
import org.eigenbasis.influence.ModelCurvatures;
import org.eigenbasis.influence.PerExampleGradients;
import org.eigenbasis.influence.TopK;
import org.eigenbasis.io.Npy;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.MlpArchitecture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eigenbasis influence scores}: S = −∇l_testᵀ (C + δI)^-1 ∇l_train, or self-influence, as .npy. */
@Command(name = "scores", description = {
    "Influence scores S[t, i] = -grad l_t^T (C + damping I)^-1 grad l_i of a trained MLP (per-example losses, not",
    "divided by n), written as float64 (n_test, n_train); with --self the self-influence of each training point."})
public class InfluenceScoresCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @Option(names = "--model", required = true, paramLabel = "M.json", description = "{\"layers\": [...], \"activation\": ..., \"loss\": ...}")
    Path model;

    @Option(names = "--params", required = true, paramLabel = "P.npy", description = "float64 (P,), layer by layer, W row-major then b.")
    Path params;

    @Option(names = "--train-x", required = true, paramLabel = "X.npy", description = "(n_train, d0) float32/float64.")
    Path trainX;

    @Option(names = "--train-y", required = true, paramLabel = "y.npy", description = "int32/int64 labels (n_train,), or float (n_train, dL) targets for squared loss.")
    Path trainY;

    @Option(names = "--test-x", paramLabel = "Xt.npy", description = "(n_test, d0); required unless --self.")
    Path testX;

    @Option(names = "--test-y", paramLabel = "yt.npy", description = "Test labels or targets; required unless --self.")
    Path testY;

    @Option(names = "--curvature", required = true, paramLabel = "NAME", description = "hessian, ggn, block-ggn, kfac, ekfac or identity.")
    String curvature;

    @Option(names = "--damping", required = true, paramLabel = "D", description = "delta >= 0 added to every eigenvalue.")
    double damping;

    @Option(names = "--eigen-floor", paramLabel = "F", defaultValue = "1e-6",
            description = "Drop directions with eigenvalue + damping <= F (default: ${DEFAULT-VALUE}).")
    double eigenFloor;

    @Option(names = "--fisher", paramLabel = "exact|sampled|empirical", defaultValue = "exact",
            description = "Output vectors of ggn/block-ggn/kfac/ekfac: the exact expansion (default), one sampled label "
                    + "(Monte-Carlo Fisher) or the true label (empirical Fisher).")
    String fisher;

    @Option(names = "--pi-damping", description = "K-FAC only: damp the factors with the pi heuristic instead of exactly.")
    boolean piDamping;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of --fisher sampled (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--backend", paramLabel = "NAME", description = "java, cpu, cuda or auto (default: -Deigenbasis.backend, else auto).")
    String backend;

    @Option(names = "--out", required = true, paramLabel = "S.npy", description = "Where to write the scores.")
    Path out;

    @Option(names = "--self", description = "Self-influence grad l_i^T (C + damping I)^-1 grad l_i of the training points: (n_train,).")
    boolean self;

    @Option(names = "--top-k", paramLabel = "K", description = "Also write the K most helpful and harmful training points per test point to --top-out.")
    Integer topK;

    @Option(names = "--top-out", paramLabel = "T.json", description = "Where --top-k writes its JSON.")
    Path topOut;

    @Option(names = "--json", description = "Print {curvature, damping, n_train, n_test, n_params, seconds} as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CurvatureKind kind;
        Damping d;
        try {
            kind = CurvatureKind.parse(curvature);
            d = new Damping(damping, eigenFloor, piDamping);
        } catch (IllegalArgumentException e) {
            throw InfluenceData.renamed(e, "curvature", "--curvature", "damping", "--damping", "eigen-floor", "--eigen-floor");
        }
        if (piDamping && kind != CurvatureKind.KFAC) {
            throw new IllegalArgumentException("--pi-damping: only kfac damps its factors; --curvature is " + kind.cliName());
        }
        FisherVariant variant = parseFisher(fisher);
        if (!self && (testX == null || testY == null)) {
            throw new IllegalArgumentException("--test-x and --test-y: required unless --self");
        }
        if ((topK == null) != (topOut == null)) {
            throw new IllegalArgumentException("--top-k and --top-out: give both or neither");
        }
        if (topK != null && self) {
            throw new IllegalArgumentException("--top-k: ranks test points' training points; it has no meaning with --self");
        }
        Backend chosen = BackendOption.one(backend);
        MlpArchitecture architecture = ModelFile.read(model);
        Mlp mlp = Mlp.of(architecture, InfluenceData.parameters("--params", params, architecture));
        Examples train = InfluenceData.examples("--train-x", trainX, "--train-y", trainY, architecture);
        Examples test = self ? null : InfluenceData.examples("--test-x", testX, "--test-y", testY, architecture);
        if (topK != null && (topK < 1 || topK > train.n())) {
            throw new IllegalArgumentException("--top-k: " + topK + " is outside [1, " + train.n() + "]");
        }
        long start = System.nanoTime();
        double[] s = scores(kind, d, variant, seed, mlp, train, test, chosen);
        long[] shape = self ? new long[] {train.n()} : new long[] {test.n(), train.n()};
        double seconds = (System.nanoTime() - start) * 1e-9;
        try (BatchedMatrix m = BatchedMatrix.of(s, 1, 1, s.length)) {
            Npy.write(out, m, shape);
        }
        if (topK != null) {
            TopK top = InfluenceScores.topK(s, test.n(), train.n(), topK);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("k", topK);
            doc.put("helpful", top.helpful());
            doc.put("helpful_scores", top.helpfulScores());
            doc.put("harmful", top.harmful());
            doc.put("harmful_scores", top.harmfulScores());
            Npy.writeAtomically(topOut, java.nio.ByteBuffer.wrap(Json.write(doc).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("curvature", kind.cliName());
            doc.put("damping", damping);
            doc.put("n_train", train.n());
            doc.put("n_test", self ? 0 : test.n());
            doc.put("n_params", mlp.parameterCount());
            doc.put("seconds", seconds);
            o.println(Json.write(doc));
        } else {
            o.printf("influence %s (damping %s%s) of %d training points%s, %d parameters, on %s: %.3f s; wrote %s%n",
                    kind.cliName(), damping, piDamping ? ", pi factor damping" : "", train.n(),
                    self ? " (self)" : " against " + test.n() + " test points", mlp.parameterCount(), chosen.name(),
                    seconds, out);
        }
        return EigenbasisCli.OK;
    }

    /**
     * The scores of the parsed inputs: S (n_test × n_train, row-major), or with {@code test} null the
     * self-influence (n_train). The Spark command computes them across a cluster instead.
     */
    protected double[] scores(CurvatureKind kind, Damping d, FisherVariant variant, long seed, Mlp mlp, Examples train,
                              Examples test, Backend chosen) {
        InverseOperator c = ModelCurvatures.build(kind, mlp, train, variant, seed, chosen);
        PerExampleGradients trainGradients = ModelCurvatures.gradients(mlp, train);
        return test == null ? InfluenceScores.selfInfluence(c, d, trainGradients)
                : InfluenceScores.pairwise(c, d, ModelCurvatures.gradients(mlp, test), trainGradients);
    }

    static FisherVariant parseFisher(String text) {
        return switch (text) {
            case "exact" -> FisherVariant.EXACT;
            case "sampled" -> FisherVariant.SAMPLED;
            case "empirical" -> FisherVariant.EMPIRICAL;
            default -> throw new IllegalArgumentException("--fisher: '" + text + "' is not one of exact, sampled, empirical");
        };
    }
}
