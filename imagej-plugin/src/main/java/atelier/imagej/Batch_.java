package atelier.imagej;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import atelier.api.StrategyInfo;
import atelier.api.StyleTransferService;
import atelier.api.TransferException;
import ij.IJ;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import ij.plugin.frame.Recorder;

/**
 * Plugins › Atelier › Batch…: stylises every image of a folder with one style image and saves the results as
 * PNG into another folder, by running the example macro {@code batch-folder.ijm} that ships inside the plugin jar
 * (the same file as {@code examples/macros/batch-folder.ijm}). All files of the folder share one transfer session
 * ({@link BatchScope}), so the style is prepared once.
 * <p>
 * Macro: {@code run("Batch...", "input=[folder] style=[style.png] output=[folder] strategy=latent-stats
 * options=[method=wct seed=3]")}.
 */
public class Batch_ implements PlugIn {
    static final String MACRO = "/atelier/imagej/macros/batch-folder.ijm";
    private static final String TITLE = "Atelier Batch";

    @Override
    public void run(String arg) {
        String macro;
        try (InputStream in = Batch_.class.getResourceAsStream(MACRO)) {
            if (in == null) {
                throw new IOException(MACRO + " is missing from the plugin jar");
            }
            macro = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            CommandSupport.fail(TITLE, e.getMessage() + ": reinstall the plugin");
            return;
        }
        String argument;
        try {
            MacroOptions options = CommandSupport.macroOptions();
            if (options != null) {
                argument = ij.Macro.getOptions().trim();
            } else if (CommandSupport.interactive(null)) {
                argument = dialog();
                if (argument == null) {
                    return;
                }
            } else {
                throw new IllegalArgumentException("no dialog can be shown headless: give the options, e.g. "
                        + "run(\"Batch...\", \"input=[in] style=[style.png] output=[out]\")");
            }
        } catch (IllegalArgumentException | TransferException e) {
            CommandSupport.fail(TITLE, e.getMessage());
            return;
        }
        runShared(macro, argument);
    }

    /** Runs the batch macro with one transfer session for all its files ({@link BatchScope}). */
    private static void runShared(String macro, String argument) {
        StyleTransferService service;
        try {
            service = AtelierSession.service();
        } catch (TransferException e) {
            CommandSupport.fail(TITLE, e.getMessage());
            return;
        }
        try (BatchScope scope = BatchScope.open(service)) {
            IJ.runMacro(macro, argument);
        }
    }

    private static String dialog() throws TransferException {
        List<StrategyInfo> strategies = AtelierSession.service().strategies();
        String[] ids = strategies.stream().map(StrategyInfo::id).toArray(String[]::new);
        if (ids.length == 0) {
            throw new IllegalArgumentException("no style transfer strategy is installed");
        }
        GenericDialog gd = new GenericDialog(TITLE);
        gd.addDirectoryField("Input folder", ij.Prefs.get("atelier.batch.input", ""), 30);
        gd.addFileField("Style image", ij.Prefs.get("atelier.batch.style", ""), 30);
        gd.addDirectoryField("Output folder", ij.Prefs.get("atelier.batch.output", ""), 30);
        gd.addChoice("Strategy", ids, SettingsParser.chooseStrategy(null, strategies).id());
        gd.addStringField("Options", ij.Prefs.get("atelier.batch.options", ""), 30);
        gd.addMessage("Options: strategy parameters and seed as in a macro, e.g. method=wct strength=0.8 seed=7");
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        String input = gd.getNextString().trim();
        String style = gd.getNextString().trim();
        String output = gd.getNextString().trim();
        String strategy = gd.getNextChoice();
        String options = gd.getNextString().trim();
        ij.Prefs.set("atelier.batch.input", input);
        ij.Prefs.set("atelier.batch.style", style);
        ij.Prefs.set("atelier.batch.output", output);
        ij.Prefs.set("atelier.batch.options", options);
        String argument = "input=[" + input + "] style=[" + style + "] output=[" + output + "] strategy="
                + strategy + (options.isEmpty() ? "" : " options=[" + options + "]");
        if (Recorder.record) {
            Recorder.resetCommandOptions();
            MacroOptions.parse(argument).asMap().forEach(Recorder::recordOption);
        }
        return argument;
    }
}
