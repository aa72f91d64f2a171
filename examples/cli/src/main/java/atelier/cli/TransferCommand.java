package atelier.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import atelier.api.CancellationToken;
import atelier.api.FloatImage;
import atelier.api.StrategyInfo;
import atelier.api.StyleTransferService;
import atelier.api.TransferRequest;
import atelier.api.TransferResult;
import atelier.cli.image.ImageFiles;
import atelier.cli.progress.CancelOnInterrupt;
import atelier.host.AtelierHost;
import atelier.host.models.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code atelier transfer}: stylises one content image with one style image and writes a PNG. */
@Command(name = "transfer", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Stylise a content image with a style image and write the result as PNG.",
                "Parameters come from the strategy (see `atelier strategies`); keys not given take their defaults." })
final class TransferCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = { "-c", "--content" }, required = true, paramLabel = "FILE",
            description = "Content image (PNG, JPEG, TIFF).")
    private Path content;

    @Option(names = { "-s", "--style" }, required = true, paramLabel = "FILE", description = "Style image.")
    private Path style;

    @Option(names = "--strategy", paramLabel = "ID", defaultValue = "latent-stats",
            description = "Strategy id (default: ${DEFAULT-VALUE}).")
    private String strategy;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A strategy parameter; repeat for several.")
    private Map<String, String> parameters = new LinkedHashMap<>();

    @Option(names = "--model", paramLabel = "NAME|DIR", description = "Model name from the model store, or a folder.")
    private String model;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--trace", paramLabel = "FILE", description = "Write every latent of the run to this safetensors file.")
    private Path trace;

    @Option(names = { "-o", "--out" }, required = true, paramLabel = "FILE", description = "Output PNG.")
    private Path out;

    @Option(names = { "-f", "--force" }, description = "Replace existing output files.")
    private boolean force;

    @Override
    public Integer call() {
        AtelierCommand root = AtelierCommand.of(spec);
        ImageFiles.checkWritable(out, force);
        checkTrace();
        FloatImage contentImage = ImageFiles.read(content, "content");
        FloatImage styleImage = ImageFiles.read(style, "style");
        TransferRequest.Builder request = TransferRequest.builder(contentImage, styleImage, strategy)
                .parameters(parameters).seed(seed).model(model);
        if (trace != null) {
            request.traceFile(trace);
        }
        TransferResult result;
        try (CancelOnInterrupt interrupt = new CancelOnInterrupt(new CancellationToken(), root.err());
                AtelierHost host = HostLauncher.start(new ModelStore())) {
            StyleTransferService service = HostLauncher.service(host);
            StrategyInfo info = TransferRun.strategy(service, strategy, installableFeatures(host));
            TransferRun.validate(info, parameters);
            result = TransferRun.run(service, request.build(), interrupt.token(), root.err());
            FloatImage image = contentImage.channels() == 1 ? ImageFiles.greyIfNeutral(result.image()) : result.image();
            ImageFiles.writePng(image, out, force);
            interrupt.succeeded();
        }
        root.out().println(summary(result));
        return ExitCodes.OK;
    }

    private void checkTrace() {
        if (trace == null) {
            return;
        }
        Path dir = trace.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw CliException.badInput("trace folder does not exist: " + dir);
        }
        if (!force && Files.exists(trace)) {
            throw CliException.badInput("trace file exists, not overwriting: " + trace + " (add --force to replace it)");
        }
    }

    private String summary(TransferResult r) {
        StringBuilder sb = new StringBuilder();
        sb.append("wrote ").append(out).append(" (").append(r.image().width()).append('x').append(r.image().height())
                .append(") with ").append(r.strategyId()).append(' ').append(r.strategyVersion())
                .append(" ").append(new java.util.TreeMap<>(r.parameters())).append(" seed ").append(r.seed());
        if (r.model() != null && !r.model().isEmpty()) {
            sb.append(" model ").append(r.model());
        }
        sb.append(String.format(Locale.ROOT, " in %.1f s", r.seconds()));
        return sb.toString();
    }

    /** Features the host can install (none when it has no feature repository). */
    private static java.util.Collection<String> installableFeatures(AtelierHost host) {
        try {
            return host.features().available();
        } catch (RuntimeException e) {
            return java.util.Set.of();
        }
    }
}
