package atelier.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import atelier.runtime.bench.Bench;
import atelier.strategy.pnp.PnpBench;
import atelier.strategy.styleid.StyleIdBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code atelier bench unet|vae|open|styleid|pnp …}: speed and memory figures of the networks and methods. Every argument goes to the benchmark as is;
 * {@code --threads N} also sets the engine's thread count before the engine starts (the host is not started).
 */
@Command(name = "bench", description = { "Time the networks and methods: bench unet|vae|open|styleid|pnp [options].",
        "All arguments are passed to the benchmark; `atelier bench --help` shows its options." })
final class BenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "ARG", description = "unet|vae|open|styleid|pnp and the benchmark's options.")
    private List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        EngineThreads.fromArgs(args);
        String first = args.isEmpty() ? "" : args.get(0);
        String[] rest = args.stream().skip(1).toArray(String[]::new);
        switch (first) {
            case "styleid":
                return StyleIdBench.run(rest, AtelierCommand.of(spec).out());
            case "pnp":
                return PnpBench.run(rest, AtelierCommand.of(spec).out());
            default:
                return Bench.run(args.toArray(new String[0]), AtelierCommand.of(spec).out());
        }
    }
}
