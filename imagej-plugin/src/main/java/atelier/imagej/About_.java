package atelier.imagej;

import java.awt.GraphicsEnvironment;

import atelier.api.StrategyInfo;
import atelier.api.StyleTransferService;
import atelier.api.TransferException;
import atelier.host.AtelierHost;
import atelier.host.models.ModelStore;
import ij.IJ;
import ij.plugin.PlugIn;

/** Plugins › Atelier › About: version, where things live, the installed strategies. */
public class About_ implements PlugIn {

    @Override
    public void run(String arg) {
        String text;
        try {
            text = text(AtelierSession.service(), AtelierSession.host().orElse(null));
        } catch (TransferException e) {
            text = text(null, null) + "\nThe host did not start: " + e.getMessage();
        }
        if (GraphicsEnvironment.isHeadless() || CommandSupport.macroOptions() != null) {
            CommandSupport.report("About", text, false);
        } else {
            IJ.showMessage("About Atelier", text);
        }
    }

    /** The About text; {@code host} may be null (replacement service or not started). */
    static String text(StyleTransferService service, AtelierHost host) {
        StringBuilder sb = new StringBuilder();
        sb.append("Atelier ").append(CommandSupport.version())
                .append(": training-free diffusion style transfer for ImageJ / Fiji.\n");
        sb.append("Java ").append(System.getProperty("java.version")).append(", ImageJ ").append(IJ.getVersion())
                .append('\n');
        sb.append("Models: ").append(ModelStore.defaultRoot()).append(" (ATELIER_MODELS or -Datelier.models)\n");
        if (host != null) {
            sb.append("Host home: ").append(host.config().home()).append('\n');
            sb.append("Features: ").append(host.config().featureRepository()).append(", installed ")
                    .append(host.features().installed()).append('\n');
            sb.append("Bundles folder (watched): ").append(host.bundlesDirectory()).append('\n');
        }
        if (service != null) {
            sb.append("Strategies:\n");
            for (StrategyInfo s : service.strategies()) {
                sb.append("  ").append(s.id()).append(": ").append(s.spec().name()).append(" (").append(s.bundle())
                        .append(' ').append(s.version()).append(")\n");
            }
        }
        sb.append("Commands: Plugins › Atelier › Style Transfer…, Batch…, Manage Strategies…, Models…\n");
        sb.append("Macro: run(\"Style Transfer...\", \"style=[path] strategy=latent-stats seed=42\");\n");
        return sb.toString();
    }
}
