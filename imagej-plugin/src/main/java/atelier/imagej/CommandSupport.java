package atelier.imagej;

import java.awt.GraphicsEnvironment;

import ij.IJ;
import ij.Macro;
import ij.macro.Interpreter;
import ij.text.TextWindow;

/**
 * What the Atelier menu commands share: reading macro options, reporting text (a text window interactively, the
 * Log when a macro or headless run), and failing with a macro error or an error dialog that says what to do.
 */
final class CommandSupport {

    private CommandSupport() { }

    /** The macro options of this call, or null when the command was chosen from the menu. */
    static MacroOptions macroOptions() {
        String options = Macro.getOptions();
        return options == null ? null : MacroOptions.parse(options);
    }

    /** Whether dialogs may be shown. */
    static boolean interactive(MacroOptions options) {
        return options == null && !GraphicsEnvironment.isHeadless();
    }

    /** Shows a multi-line report: in a text window when interactive, else in the Log (stdout when headless). */
    static void report(String title, String text, boolean interactive) {
        if (interactive) {
            new TextWindow("Atelier: " + title, text, 720, 480);
        } else {
            for (String line : text.split("\n")) {
                IJ.log(line);
            }
        }
    }

    /** A macro error (stops the macro) when a macro runs, else an error dialog. */
    static void fail(String title, String message) {
        Interpreter interp = Interpreter.getInstance();
        if (interp != null) {
            interp.abort(title + ": " + message);
        } else {
            IJ.error(title, message);
        }
    }

    /** The plugin's version from its jar manifest, or "development" when run from classes. */
    static String version() {
        String v = CommandSupport.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
