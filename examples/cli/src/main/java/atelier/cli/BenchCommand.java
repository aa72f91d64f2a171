package atelier.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import atelier.runtime.bench.Bench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code atelier bench unet|vae …}: speed figures of the networks. Every argument goes to the benchmark as is;
 * {@code --threads N} also sets the engine's thread count before the engine starts (the host is not started).
 */
@Command(name = "bench", description = { "Time the networks: bench unet|vae [options of the benchmark].",
        "All arguments are passed to the benchmark; `atelier bench --help` shows its options." })
final class BenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "ARG", description = "unet|vae and the benchmark's options.")
    private List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        EngineThreads.fromArgs(args);
        return Bench.run(args.toArray(new String[0]), AtelierCommand.of(spec).out());
    }
}
