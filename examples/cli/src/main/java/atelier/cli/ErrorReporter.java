package atelier.cli;

import java.io.PrintStream;

import atelier.api.TransferException;
import atelier.cli.progress.CancelOnInterrupt;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** Prints a failure as one line {@code atelier: <message>} (plus the stack trace with --debug) and picks the exit code. */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler, IExitCodeExceptionMapper {
    private final AtelierCommand root;

    ErrorReporter(AtelierCommand root) {
        this.root = root;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        PrintStream err = root.err();
        int code = getExitCode(ex);
        if (code == ExitCodes.INTERRUPTED && CancelOnInterrupt.firedInThisJvm()) {
            return code; // the Ctrl-C hook says "cancelled" once everything is cleaned up
        }
        err.println("atelier: " + message(ex));
        if (root.debug()) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        PrintStream err = root.err();
        err.println("atelier: " + ex.getMessage());
        CommandLine cl = ex.getCommandLine();
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
            err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for the options.");
        }
        err.flush();
        return ExitCodes.BAD_INPUT;
    }

    @Override
    public int getExitCode(Throwable ex) {
        if (ex instanceof CliException ce) {
            return ce.exitCode();
        }
        if (ex instanceof TransferException te) {
            return ExitCodes.of(te.kind());
        }
        return ExitCodes.FAILURE;
    }

    static String message(Throwable ex) {
        if (ex instanceof CliException || ex instanceof TransferException) {
            return ex.getMessage();
        }
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.getClass().getName() : m;
    }
}
