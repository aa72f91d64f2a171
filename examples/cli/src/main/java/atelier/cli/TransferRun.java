package atelier.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.stream.Collectors;

import atelier.api.CancellationToken;
import atelier.api.StrategyInfo;
import atelier.api.StyleTransferService;
import atelier.api.TransferException;
import atelier.api.TransferRequest;
import atelier.api.TransferResult;
import atelier.cli.progress.ProgressBar;
import atelier.cli.progress.Terminal;

/** One transfer through the service, with a progress bar on stderr; shared by {@code transfer} and {@code demo}. */
final class TransferRun {

    private TransferRun() { }

    /**
     * Finds a strategy by id.
     *
     * @throws CliException exit code 2 naming the installed strategies when there is none with that id
     */
    static StrategyInfo strategy(StyleTransferService service, String id) {
        return strategy(service, id, java.util.Set.of());
    }

    /**
     * Finds a strategy by id; when it is missing but a feature of that name can be installed (Atelier's own
     * strategies come as features named like them), the message says so.
     *
     * @param installable features the host could install now
     */
    static StrategyInfo strategy(StyleTransferService service, String id, java.util.Collection<String> installable) {
        return service.strategy(id).orElseThrow(() -> CliException.badInput("unknown strategy '" + id
                + "'; installed: " + service.strategies().stream().map(StrategyInfo::id)
                        .collect(Collectors.joining(", ", "[", "]"))
                + (installable.contains(id) ? "; install it first: `atelier features install " + id + "`"
                        : " (see `atelier strategies` and `atelier features list`)")));
    }

    /**
     * Validates parameter values against the strategy's declaration before any work is done.
     *
     * @throws CliException exit code 2 naming the parameter, the value and what is allowed
     */
    static void validate(StrategyInfo strategy, Map<String, String> parameters) {
        try {
            strategy.spec().validate(parameters);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(strategy.id() + ": " + e.getMessage());
        }
    }

    /**
     * Runs the request. A fired token (Ctrl-C) ends the run with "cancelled" and exit code 130.
     *
     * @throws CliException with the exit code of the failure's kind
     */
    static TransferResult run(StyleTransferService service, TransferRequest request, CancellationToken token,
            PrintStream err) {
        ProgressBar bar = new ProgressBar(err, Terminal.stderrIsTerminal());
        try {
            return service.transfer(request, bar, token);
        } catch (TransferException e) {
            bar.finish();
            if (token.isCancelled() || e.kind() == TransferException.Kind.CANCELLED) {
                throw new CliException(ExitCodes.INTERRUPTED, "cancelled", e);
            }
            throw new CliException(ExitCodes.of(e.kind()), e.getMessage(), e);
        } catch (RuntimeException e) {
            bar.finish();
            if (token.isCancelled()) {
                throw new CliException(ExitCodes.INTERRUPTED, "cancelled", e);
            }
            throw e;
        } finally {
            bar.finish();
        }
    }
}
