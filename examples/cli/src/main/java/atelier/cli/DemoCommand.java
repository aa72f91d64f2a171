package atelier.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import atelier.api.CancellationToken;
import atelier.api.FloatImage;
import atelier.api.StrategyInfo;
import atelier.api.StyleTransferService;
import atelier.api.TransferRequest;
import atelier.api.TransferResult;
import atelier.cli.image.ImageFiles;
import atelier.cli.image.Montage;
import atelier.cli.progress.CancelOnInterrupt;
import atelier.host.AtelierHost;
import atelier.api.spi.ParameterSpec;
import atelier.host.models.ModelCommands;
import atelier.host.models.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code atelier demo}: stylises the example photograph with the example stain micrograph by latent-stats,
 * once with AdaIN and once with WCT, and writes one side-by-side PNG: content | style | AdaIN | WCT.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Stylise the example images with latent-stats (AdaIN and WCT) and write one side-by-side PNG:",
                "content | style | AdaIN | WCT." })
final class DemoCommand implements Callable<Integer> {
    static final String STRATEGY = "latent-stats";
    static final String CONTENT = "astronaut.png";
    static final String STYLE = "ihc.png";
    static final List<String> METHODS = List.of("adain", "wct");

    @Spec
    private CommandSpec spec;

    @Option(names = { "-o", "--out" }, paramLabel = "FILE", defaultValue = "demo.png",
            description = "Output PNG (default: ${DEFAULT-VALUE} in the current folder).")
    private Path out;

    @Option(names = { "-f", "--force" }, description = "Replace an existing output file.")
    private boolean force;

    @Option(names = "--images", paramLabel = "DIR",
            description = "Folder with " + CONTENT + " and " + STYLE + " (default: the distribution's examples).")
    private Path images;

    @Option(names = "--size", paramLabel = "PX", defaultValue = "512",
            description = "Longer side of the images, in pixels (default: ${DEFAULT-VALUE}).")
    private int size;

    @Override
    public Integer call() {
        AtelierCommand root = AtelierCommand.of(spec);
        if (size < 32 || size > 4096) {
            throw CliException.badInput("--size must be between 32 and 4096, got " + size);
        }
        ImageFiles.checkWritable(out, force);
        Path dir = images != null ? images : defaultImages();
        FloatImage content = Montage.fit(ImageFiles.read(dir.resolve(CONTENT), "content"), size);
        FloatImage style = Montage.fit(ImageFiles.read(dir.resolve(STYLE), "style"), size);
        ModelStore models = new ModelStore();
        List<FloatImage> tiles = new ArrayList<>(List.of(content, style));
        try (CancelOnInterrupt interrupt = new CancelOnInterrupt(new CancellationToken(), root.err());
                AtelierHost host = HostLauncher.start(models)) {
            StyleTransferService service = HostLauncher.service(host);
            StrategyInfo info = TransferRun.strategy(service, STRATEGY);
            ensureModel(models, modelOf(info), root, interrupt.token());
            for (String method : METHODS) {
                root.err().println("demo: " + STRATEGY + " method=" + method);
                TransferRequest request = TransferRequest.builder(content, style, STRATEGY)
                        .parameter("method", method).build();
                TransferResult result = TransferRun.run(service, request, interrupt.token(), root.err());
                tiles.add(result.image());
            }
            ImageFiles.writePng(Montage.row(tiles, content.height()), out, force);
            interrupt.succeeded();
        }
        root.out().println("wrote " + out + ": content | style | " + String.join(" | ", METHODS) + " ("
                + STRATEGY + ")");
        return ExitCodes.OK;
    }

    /** The model is looked up in the store; when it is missing the store pulls it (or says why it cannot). */
    private static void ensureModel(ModelStore models, String name, AtelierCommand root, CancellationToken cancel) {
        if (name == null || name.isEmpty()) {
            return;
        }
        try {
            models.locate(name);
            return;
        } catch (IOException missing) {
            root.err().println("demo: model " + name + " is not in the store; pulling it");
        }
        int code = ModelPull.pull(new ModelCommands(models), name, root.err(), root.err(), cancel);
        if (cancel.isCancelled()) {
            throw new CliException(ExitCodes.INTERRUPTED, "cancelled");
        }
        if (code != ExitCodes.OK) {
            throw new CliException(code, "model " + name + " is not available in " + models.root()
                    + " (set ATELIER_MODELS to a folder holding it, or run `atelier models pull " + name
                    + "` when online)");
        }
    }

    /** The model the demo's runs use: the strategy's default model, else its autoencoder parameter's default. */
    static String modelOf(StrategyInfo info) {
        if (!info.spec().defaultModel().isEmpty()) {
            return info.spec().defaultModel();
        }
        return info.spec().parameters().stream().filter(p -> p.key().equals("autoencoder"))
                .map(ParameterSpec::defaultValue).findFirst().orElse("");
    }

    /** {@code atelier.images}, else {@code <distribution>/images} next to {@code lib/}, else {@code examples/images}. */
    static Path defaultImages() {
        String prop = System.getProperty("atelier.images");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        try {
            Path where = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path lib = Files.isDirectory(where) ? where : where.getParent();
            if (lib != null && lib.getParent() != null) {
                Path candidate = lib.getParent().resolve("images");
                if (Files.isDirectory(candidate)) {
                    return candidate;
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the source tree's folder
        }
        return Path.of("examples", "images");
    }
}
