package atelier.cli;

import java.util.List;
import java.util.concurrent.Callable;

import atelier.host.AtelierHost;
import atelier.host.BundleInfo;
import atelier.host.features.FeatureException;
import atelier.host.features.FeatureInstaller;
import atelier.host.models.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code atelier features list|install|uninstall}: the installable units of bundles (strategies, UI contributions). */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = "List, install and uninstall features (groups of bundles such as a strategy).",
        subcommands = { FeaturesCommand.ListFeatures.class, FeaturesCommand.Install.class,
                FeaturesCommand.Uninstall.class })
final class FeaturesCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(AtelierCommand.of(spec).out());
    }

    /** {@code features list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Features in the repository (* = installed), then the bundles running now.")
    static final class ListFeatures implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() {
            AtelierCommand root = AtelierCommand.of(spec);
            try (AtelierHost host = HostLauncher.start(new ModelStore())) {
                FeatureInstaller features = host.features();
                List<String> installed = features.installed();
                root.out().println("features (* = installed):");
                for (String name : features.available()) {
                    root.out().println((installed.contains(name) ? "  * " : "    ") + name);
                }
                for (String name : installed) {
                    if (!features.available().contains(name)) {
                        root.out().println("  * " + name + "  (no longer in the repository)");
                    }
                }
                root.out().println("bundles:");
                for (BundleInfo b : host.bundles()) {
                    root.out().printf("  %3d  %-8s %s %s%n", b.id(), b.state(), b.symbolicName(), b.version());
                }
            }
            return ExitCodes.OK;
        }
    }

    /** {@code features install NAME}. */
    @Command(name = "install", mixinStandardHelpOptions = true, description = "Install a feature by name.")
    static final class Install implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "Feature name (see `atelier features list`).")
        private String name;

        @Override
        public Integer call() {
            AtelierCommand root = AtelierCommand.of(spec);
            try (AtelierHost host = HostLauncher.start(new ModelStore())) {
                FeatureInstaller features = host.features();
                requireAvailable(features, name);
                try {
                    features.install(name);
                } catch (FeatureException e) {
                    throw new CliException(ExitCodes.FAILURE, "could not install " + name + ": " + e.getMessage(), e);
                }
                root.out().println("installed feature " + name);
            }
            return ExitCodes.OK;
        }
    }

    /** {@code features uninstall NAME}. */
    @Command(name = "uninstall", mixinStandardHelpOptions = true, description = "Uninstall a feature by name.")
    static final class Uninstall implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "An installed feature.")
        private String name;

        @Override
        public Integer call() {
            AtelierCommand root = AtelierCommand.of(spec);
            try (AtelierHost host = HostLauncher.start(new ModelStore())) {
                FeatureInstaller features = host.features();
                if (!features.installed().contains(name)) {
                    throw CliException.badInput("feature '" + name + "' is not installed; installed: "
                            + features.installed());
                }
                try {
                    features.uninstall(name);
                } catch (FeatureException e) {
                    throw new CliException(ExitCodes.FAILURE, "could not uninstall " + name + ": " + e.getMessage(), e);
                }
                root.out().println("uninstalled feature " + name);
            }
            return ExitCodes.OK;
        }
    }

    static void requireAvailable(FeatureInstaller features, String name) {
        if (!features.available().contains(name)) {
            throw CliException.badInput("no feature '" + name + "' in the repository; available: "
                    + features.available());
        }
    }
}
