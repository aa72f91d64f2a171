package atelier.cli;

import java.io.PrintStream;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code atelier} command: the root that holds the sub-commands, the output streams and the
 * {@code --debug} switch. Build one with {@link #commandLine(PrintStream, PrintStream)}.
 */
@Command(name = "atelier", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Training-free diffusion style transfer from the command line.",
        subcommands = { TransferCommand.class, StrategiesCommand.class, FeaturesCommand.class, ModelsCommand.class,
                VerifyCommand.class, BenchCommand.class, DemoCommand.class, CommandLine.HelpCommand.class },
        footer = { "", "Exit codes: 0 ok, 1 failure, 2 bad input (file, image, strategy, parameter, model), "
                + "130 cancelled (Ctrl-C)." })
public final class AtelierCommand implements Runnable {
    private final PrintStream out;
    private final PrintStream err;

    @Spec
    private CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces with errors.")
    private boolean debug;

    public AtelierCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** A ready command line: streams, error handlers and exit codes wired. */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        AtelierCommand root = new AtelierCommand(out, err);
        CommandLine cl = new CommandLine(root);
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        ErrorReporter errors = new ErrorReporter(root);
        cl.setExecutionExceptionHandler(errors);
        cl.setParameterExceptionHandler(errors);
        cl.setExitCodeExceptionMapper(errors);
        // bench hands every argument to the benchmark, options included
        cl.getSubcommands().get("bench").setUnmatchedOptionsArePositionalParams(true);
        return cl;
    }

    /** The root command of the command a sub-command belongs to. */
    static AtelierCommand of(CommandSpec spec) {
        return (AtelierCommand) spec.root().userObject();
    }

    public PrintStream out() { return out; }

    public PrintStream err() { return err; }

    public boolean debug() { return debug; }

    @Override
    public void run() {
        spec.commandLine().usage(out);
    }
}
