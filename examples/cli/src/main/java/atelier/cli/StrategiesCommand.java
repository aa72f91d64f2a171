package atelier.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;

import atelier.api.StrategyInfo;
import atelier.api.StyleTransferService;
import atelier.api.spi.ParameterSpec;
import atelier.api.spi.StrategySpec;
import atelier.host.AtelierHost;
import atelier.host.models.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code atelier strategies}: every installed strategy with its parameters, as declared by its bundle. */
@Command(name = "strategies", mixinStandardHelpOptions = true,
        description = "List the installed strategies and their parameters (use them with `transfer --set KEY=VALUE`).")
final class StrategiesCommand implements Callable<Integer> {
    private static final int WIDTH = 100;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        AtelierCommand root = AtelierCommand.of(spec);
        try (AtelierHost host = HostLauncher.start(new ModelStore())) {
            StyleTransferService service = HostLauncher.service(host);
            List<StrategyInfo> strategies = service.strategies();
            if (strategies.isEmpty()) {
                root.out().println("no strategies installed (see `atelier features list`)");
                return ExitCodes.OK;
            }
            for (StrategyInfo s : strategies) {
                print(s, root.out());
            }
        }
        return ExitCodes.OK;
    }

    static void print(StrategyInfo info, PrintStream out) {
        StrategySpec s = info.spec();
        out.println(s.id() + "  " + s.name() + "  version " + info.version() + "  bundle " + info.bundle());
        if (!s.description().isEmpty()) {
            wrap(out, s.description(), "  ");
        }
        if (!s.paper().isEmpty()) {
            wrap(out, "paper: " + s.paper(), "  ");
        }
        if (!s.defaultModel().isEmpty()) {
            out.println("  default model: " + s.defaultModel());
        }
        if (s.parameters().isEmpty()) {
            out.println("  no parameters");
        }
        for (ParameterSpec p : s.parameters()) {
            out.println("  --set " + p.key() + "=VALUE  " + type(p) + ", default " + p.defaultValue() + allowed(p)
                    + "  (" + p.label() + ")");
            if (!p.help().isEmpty()) {
                wrap(out, p.help(), "      ");
            }
        }
        out.println();
    }

    /** Prints text word-wrapped at {@value #WIDTH} columns, every line indented. */
    static void wrap(PrintStream out, String text, String indent) {
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.trim().split("\\s+")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > WIDTH) {
                out.println(line);
                line.setLength(0);
                line.append(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > indent.length()) {
            out.println(line);
        }
    }

    private static String type(ParameterSpec p) {
        return p.type().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String allowed(ParameterSpec p) {
        switch (p.type()) {
            case CHOICE:
                return ", one of " + String.join("|", p.choices());
            case FLOAT:
            case INT:
                if (Double.isNaN(p.min()) && Double.isNaN(p.max())) {
                    return "";
                }
                return ", range [" + bound(p.min(), "-inf") + ", " + bound(p.max(), "inf") + "]";
            case BOOLEAN:
                return ", true|false";
            default:
                return "";
        }
    }

    private static String bound(double v, String none) {
        if (Double.isNaN(v)) {
            return none;
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
