package atelier.imagej;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import atelier.host.AtelierHost;
import atelier.host.BundleInfo;
import ij.gui.GenericDialog;
import ij.io.OpenDialog;
import ij.plugin.PlugIn;

/**
 * Plugins › Atelier › Manage Strategies…: lists the strategies, features and bundles with their versions;
 * installs a bundle jar or a feature from a file; uninstalls a feature or a bundle. Changes take effect while
 * ImageJ runs.
 * <p>
 * Macro: {@code run("Manage Strategies...", "action=list")}, {@code action=install file=[path.jar or feature
 * folder]}, {@code action=install feature=name}, {@code action=uninstall feature=name},
 * {@code action=uninstall bundle=symbolic.name}.
 */
public class ManageStrategies_ implements PlugIn {
    private static final String TITLE = "Atelier: Manage Strategies";
    private static final String LIST = "List strategies, features and bundles";
    private static final String INSTALL = "Install a bundle (.jar) or feature (.bndrun) from a file…";
    private static final String INSTALL_FEATURE = "Install feature";
    private static final String UNINSTALL_FEATURE = "Uninstall feature";
    private static final String UNINSTALL_BUNDLE = "Uninstall bundle";

    @Override
    public void run(String arg) {
        try {
            MacroOptions options = CommandSupport.macroOptions();
            boolean interactive = CommandSupport.interactive(options);
            if (!interactive && options == null) {
                throw new IllegalArgumentException("no dialog can be shown headless: give the options, e.g. "
                        + "run(\"Manage Strategies...\", \"action=list\")");
            }
            Optional<AtelierHost> host = AtelierSession.host();
            if (host.isEmpty()) {
                throw new IllegalArgumentException("Atelier runs with a replacement service (-D"
                        + AtelierSession.SERVICE_PROPERTY + "), which has no bundles to manage");
            }
            StrategyManager manager = new StrategyManager(host.get(), AtelierSession.service());
            String result = interactive ? dialog(host.get(), manager) : macro(options, manager);
            if (result != null) {
                CommandSupport.report("Manage Strategies", result, interactive);
            }
        } catch (Exception e) {
            CommandSupport.fail(TITLE, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static String macro(MacroOptions o, StrategyManager manager) throws Exception {
        String action = o.has("action") ? o.get("action").trim().toLowerCase(Locale.ROOT) : "list";
        switch (action) {
            case "list":
                return manager.list();
            case "install":
                if (o.has("file")) {
                    return manager.installFile(Path.of(o.get("file")));
                }
                if (o.has("feature")) {
                    return manager.installFeature(o.get("feature").trim());
                }
                throw new IllegalArgumentException("install needs file=[bundle.jar or feature folder] or "
                        + "feature=<name>");
            case "uninstall":
                if (o.has("feature")) {
                    return manager.uninstallFeature(o.get("feature").trim());
                }
                if (o.has("bundle")) {
                    return manager.uninstallBundle(o.get("bundle").trim());
                }
                throw new IllegalArgumentException("uninstall needs feature=<name> or bundle=<symbolic name>");
            default:
                throw new IllegalArgumentException("action: '" + action + "' is not one of [list, install, "
                        + "uninstall]");
        }
    }

    private static String dialog(AtelierHost host, StrategyManager manager) throws Exception {
        List<String> features = new ArrayList<>(host.features().available());
        List<String> bundles = new ArrayList<>();
        for (BundleInfo b : host.bundles()) {
            if (b.id() != 0) {
                bundles.add(b.symbolicName());
            }
        }
        GenericDialog gd = new GenericDialog(TITLE);
        gd.addChoice("Action", new String[] {LIST, INSTALL, INSTALL_FEATURE, UNINSTALL_FEATURE, UNINSTALL_BUNDLE},
                LIST);
        gd.addChoice("Feature", features.isEmpty() ? new String[] {"(none)"} : features.toArray(new String[0]),
                features.isEmpty() ? "(none)" : features.get(0));
        gd.addChoice("Bundle", bundles.isEmpty() ? new String[] {"(none)"} : bundles.toArray(new String[0]),
                bundles.isEmpty() ? "(none)" : bundles.get(0));
        gd.addMessage("Installed features: " + host.features().installed());
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        String action = gd.getNextChoice();
        String feature = gd.getNextChoice();
        String bundle = gd.getNextChoice();
        switch (action) {
            case INSTALL: {
                OpenDialog od = new OpenDialog("Bundle jar or feature .bndrun");
                if (od.getFileName() == null) {
                    return null;
                }
                return manager.installFile(Path.of(od.getPath()));
            }
            case INSTALL_FEATURE:
                return manager.installFeature(feature);
            case UNINSTALL_FEATURE:
                return manager.uninstallFeature(feature);
            case UNINSTALL_BUNDLE:
                return manager.uninstallBundle(bundle);
            case LIST:
            default:
                return manager.list();
        }
    }
}
