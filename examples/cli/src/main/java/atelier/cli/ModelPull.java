package atelier.cli;

import java.io.PrintStream;

import atelier.api.CancellationToken;
import atelier.cli.progress.Terminal;
import atelier.host.models.ModelCommands;
import atelier.host.models.ProgressSink;

/** Downloads a model through the store, with its progress on stderr; Ctrl-C cancels the download. */
final class ModelPull {

    private ModelPull() { }

    /** @return the store's exit code (0 ok, 2 unknown model or checksum mismatch, 1 other failure) */
    static int pull(ModelCommands commands, String name, PrintStream messages, PrintStream err,
            CancellationToken cancel) {
        ProgressSink sink = ProgressSink.printing(messages, err, Terminal.stderrIsTerminal());
        return commands.pull(name, null, sink, cancel);
    }
}
