package atelier.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import atelier.runtime.verify.Verify;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code atelier verify}: compares the Java networks with reference outputs. Runs the runtime directly on the
 * class path; the plugin host is not started, so {@code --threads} reaches the engine before it initialises.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a model against reference outputs (golden files) and print the differences.")
final class VerifyCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder (diffusers layout).")
    private Path model;

    @Option(names = "--golden", required = true, paramLabel = "DIR", description = "Folder of reference outputs.")
    private Path golden;

    @Option(names = "--details", description = "Also print every compared tensor of each case (indented).")
    private boolean details;

    @Option(names = "--threads", paramLabel = "N", description = "Intra-op threads of the engine.")
    private Integer threads;

    @Override
    public Integer call() {
        if (!Files.isDirectory(model)) {
            throw CliException.badInput("model folder not found: " + model);
        }
        if (!Files.isDirectory(golden)) {
            throw CliException.badInput("golden folder not found: " + golden);
        }
        if (threads != null) {
            EngineThreads.set(threads);
        }
        return Verify.run(model, golden, AtelierCommand.of(spec).out(), details);
    }
}
