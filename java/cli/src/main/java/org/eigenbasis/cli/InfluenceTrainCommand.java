package org.eigenbasis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.influence.Examples;
import org.eigenbasis.influence.Mlp;
import org.eigenbasis.influence.MlpTrainer;
import org.eigenbasis.influence.SgdRecipe;
import org.eigenbasis.io.Npy;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.MlpArchitecture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code eigenbasis influence train}: minibatch SGD with momentum and a cosine schedule; parameters as .npy. */
@Command(name = "train", description = {
    "Trains an MLP from PyTorch's default initialisation by minibatch SGD with momentum and a cosine learning-rate",
    "schedule to 0 (the digits reproduction's recipe by default) and writes its parameters as float64 (P,)."})
final class InfluenceTrainCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @Option(names = "--model", required = true, paramLabel = "M.json", description = "{\"layers\": [...], \"activation\": ..., \"loss\": ...}")
    Path model;

    @Option(names = "--train-x", required = true, paramLabel = "X.npy", description = "(n, d0) float32/float64.")
    Path trainX;

    @Option(names = "--train-y", required = true, paramLabel = "y.npy", description = "int32/int64 labels (n,), or float (n, dL) targets for squared loss.")
    Path trainY;

    @Option(names = "--out", required = true, paramLabel = "P.npy", description = "Where to write the trained parameters.")
    Path out;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "100", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "0.01", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--momentum", paramLabel = "MU", defaultValue = "0.9", description = "Momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seeds both the initialisation and the batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--backend", paramLabel = "NAME", description = "java, cpu, cuda or auto (default: -Deigenbasis.backend, else auto).")
    String backend;

    @Option(names = "--json", description = "Print {n_train, n_params, loss, accuracy, seconds} as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        SgdRecipe recipe;
        try {
            recipe = new SgdRecipe(epochs, lr, batchSize, momentum, seed);
        } catch (IllegalArgumentException e) {
            throw InfluenceData.renamed(e, "epochs", "--epochs", "learningRate", "--lr", "batchSize", "--batch-size",
                    "momentum", "--momentum");
        }
        Backend chosen = BackendOption.one(backend);
        MlpArchitecture architecture = ModelFile.read(model);
        Examples train = InfluenceData.examples("--train-x", trainX, "--train-y", trainY, architecture);
        long start = System.nanoTime();
        Mlp trained = MlpTrainer.train(chosen, Mlp.initialize(architecture, seed), train, null, recipe);
        double seconds = (System.nanoTime() - start) * 1e-9;
        double[] theta = trained.parameters();
        try (BatchedMatrix m = BatchedMatrix.of(theta, 1, 1, theta.length)) {
            Npy.write(out, m, theta.length);
        }
        double loss = trained.meanLoss(train);
        Double accuracy = architecture.loss() == MlpArchitecture.Loss.CROSS_ENTROPY ? trained.accuracy(train) : null;
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("n_train", train.n());
            doc.put("n_params", theta.length);
            doc.put("loss", Json.finite(loss));
            doc.put("accuracy", accuracy);
            doc.put("seconds", seconds);
            o.println(Json.write(doc));
        } else {
            o.printf("trained %s on %d examples (%d epochs, batch %d, lr %s cosine, momentum %s, seed %d) on %s in %.2f s: "
                    + "training loss %.6f%s; wrote %s%n", architecture, train.n(), epochs, batchSize, lr, momentum, seed,
                    chosen.name(), seconds, loss, accuracy == null ? "" : String.format(", accuracy %.4f", accuracy), out);
        }
        return EigenbasisCli.OK;
    }
}
