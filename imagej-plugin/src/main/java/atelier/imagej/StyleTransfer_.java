package atelier.imagej;

import java.awt.GraphicsEnvironment;

import atelier.api.StyleTransferService;
import atelier.api.TransferException;
import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import ij.plugin.frame.Recorder;

/**
 * Plugins &gt; Atelier &gt; Style Transfer...: stylises the current plane, or every plane, of the current image
 * (8/16/32-bit grey, RGB, indexed colour, composite, stacks and hyperstacks; inside the selection if there is
 * one) with a style image and one of the installed strategies; the result is a new image, the input is never
 * changed.
 * <p>
 * Macro: {@code run("Style Transfer...", "style=[title or path] strategy=latent-stats method=wct seed=42");}
 * with every strategy parameter under its {@code ParameterSpec} key. Keys not given take their defaults; an
 * unknown key or a bad value stops the macro with a message saying what is allowed.
 */
public class StyleTransfer_ implements PlugIn {
    /** Added to a model error: where the same is done inside ImageJ. */
    static final String MODEL_HINT = "\n \nIn ImageJ: Plugins › Atelier › Models… pulls a model into the store and verifies it"
            + " (macro: run(\"Models...\", \"action=pull name=…\")); or type a model folder or file in the Model field.";

    /** The menu command, as registered in {@code plugins.config}. */
    public static final String COMMAND = "Style Transfer...";
    private static final String TITLE = "Style Transfer";

    @Override
    public void run(String arg) {
        String options = Macro.getOptions();
        boolean macro = options != null;
        ImagePlus content = WindowManager.getCurrentImage();
        if (content == null) {
            fail("there is no image open to stylise: open the content image first");
            return;
        }
        StyleTransferService service;
        TransferSettings settings;
        try {
            if (macro) {
                SettingsParser.checkSyntax(options); // before the host starts, which takes seconds
            }
            IJ.showStatus("Atelier: starting…");
            service = AtelierSession.service();
            IJ.showStatus("");
            if (macro) {
                settings = SettingsParser.parse(options, service.strategies());
            } else if (GraphicsEnvironment.isHeadless()) {
                throw new IllegalArgumentException("no dialog can be shown headless: give the options, e.g. "
                        + "run(\"" + COMMAND + "\", \"style=[path/to/style.png] strategy=latent-stats\")");
            } else {
                settings = SettingsDialog.show(content, service.strategies(), AtelierSession.presets(), service);
                if (settings == null) {
                    IJ.showStatus("");
                    return;
                }
                if (Recorder.record) {
                    MacroRecording.record(settings);
                }
            }
        } catch (TransferException | IllegalArgumentException e) {
            fail(e.getMessage());
            return;
        }
        ImageJProgress progress = new ImageJProgress(settings.strategyId());
        IJ.resetEscape();
        try {
            ImagePlus result = new StyleTransferCommand(service, IJ::escapePressed, progress)
                    .confirmLongWork(estimate -> confirm(estimate, macro)).run(content, settings);
            if (result == null) {
                progress.finish("Atelier: not started");
                return;
            }
            progress.finish("Atelier: " + result.getTitle() + " done");
            result.show();
        } catch (TransferException e) {
            progress.finish("");
            if (e.kind() == TransferException.Kind.CANCELLED) {
                IJ.showStatus("Atelier: cancelled");
                if (Interpreter.getInstance() != null) {
                    fail("cancelled"); // stops the macro, e.g. a batch over a folder
                }
                return;
            }
            fail(e.kind() == TransferException.Kind.MODEL ? e.getMessage() + MODEL_HINT : e.getMessage());
        } catch (IllegalArgumentException e) {
            progress.finish("");
            fail(e.getMessage());
        }
    }

    /**
     * Before long work: a dialog that may decline it (interactive), or a log line (macros never stop to ask,
     * so a batch over a folder runs unattended).
     */
    private static boolean confirm(WorkEstimate estimate, boolean macro) {
        if (macro || GraphicsEnvironment.isHeadless()) {
            IJ.log("Atelier: " + estimate.describe());
            return true;
        }
        ij.gui.GenericDialog gd = new ij.gui.GenericDialog("Style Transfer: long run");
        gd.addMessage("This will take a while:\n" + wrapped(estimate.describe())
                + "\n \nEsc cancels at any time." + (estimate.byStrategy() ? ""
                        : " A larger tile (tile=) is faster, a smaller one needs less memory."));
        gd.setOKLabel("Start");
        gd.showDialog();
        return !gd.wasCanceled();
    }

    private static String wrapped(String text) {
        StringBuilder sb = new StringBuilder();
        int col = 0;
        for (String word : text.split(" ")) {
            if (col + word.length() > 70) {
                sb.append('\n');
                col = 0;
            } else if (col > 0) {
                sb.append(' ');
                col++;
            }
            sb.append(word);
            col += word.length();
        }
        return sb.toString();
    }

    /** Reports a problem: a macro error (stops the macro) when a macro runs, else an error dialog. */
    private static void fail(String message) {
        String text = TITLE + ": " + message;
        Interpreter interp = Interpreter.getInstance();
        if (interp != null) {
            interp.abort(text);
        } else {
            IJ.error(TITLE, message);
        }
    }
}
