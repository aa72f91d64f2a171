package atelier.cli;

import java.util.concurrent.Callable;

import atelier.api.CancellationToken;
import atelier.cli.progress.CancelOnInterrupt;

import atelier.host.models.ModelCommands;
import atelier.host.models.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code atelier models list|pull|verify}: the model store (folder {@code $ATELIER_MODELS}, default {@code ~/.atelier/models}). */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List, download and check models in the model store ($ATELIER_MODELS, default ~/.atelier/models).",
        subcommands = { ModelsCommand.ListModels.class, ModelsCommand.Pull.class, ModelsCommand.VerifyModels.class })
final class ModelsCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(AtelierCommand.of(spec).out());
    }

    static ModelCommands commands() {
        return new ModelCommands(new ModelStore());
    }

    /** {@code models list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Known models and whether they are present.")
    static final class ListModels implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() {
            return commands().list(AtelierCommand.of(spec).out());
        }
    }

    /** {@code models pull NAME}. */
    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = "Download a model (resumes, shows progress, checks SHA-256).")
    static final class Pull implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "Model name (see `atelier models list`).")
        private String name;

        @Override
        public Integer call() {
            AtelierCommand root = AtelierCommand.of(spec);
            try (CancelOnInterrupt interrupt = new CancelOnInterrupt(new CancellationToken(), root.err())) {
                return ModelPull.pull(commands(), name, root.out(), root.err(), interrupt.token());
            }
        }
    }

    /** {@code models verify [NAME]}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check the SHA-256 of one model's files, or of every model present.")
    static final class VerifyModels implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "NAME", arity = "0..1", description = "Model name; all models when left out.")
        private String name;

        @Override
        public Integer call() {
            return commands().verify(name, AtelierCommand.of(spec).out());
        }
    }
}
