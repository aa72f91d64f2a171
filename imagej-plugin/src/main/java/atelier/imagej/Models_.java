package atelier.imagej;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import atelier.api.CancellationToken;
import atelier.host.models.ModelCommands;
import atelier.host.models.ModelStore;
import atelier.host.models.ProgressSink;
import ij.IJ;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;

/**
 * Plugins › Atelier › Models…: the model store ({@code ATELIER_MODELS}, else {@code ~/.atelier/models}) — list
 * the registered models and their state, pull one with progress in the status bar (Esc cancels; downloads
 * resume and are checked by SHA-256), verify one or all. Needs no running host.
 * <p>
 * Macro: {@code run("Models...", "action=list")}, {@code action=pull name=taesd},
 * {@code action=verify [name=taesd]}. Failures stop the macro.
 */
public class Models_ implements PlugIn {
    private static final String TITLE = "Atelier Models";

    @Override
    public void run(String arg) {
        MacroOptions options;
        try {
            options = CommandSupport.macroOptions();
        } catch (IllegalArgumentException e) {
            CommandSupport.fail(TITLE, e.getMessage());
            return;
        }
        boolean interactive = CommandSupport.interactive(options);
        ModelCommands commands = new ModelCommands(new ModelStore());
        String action;
        String name;
        if (interactive) {
            List<String> names = new ArrayList<>(commands.store().registry().names());
            names.add(0, "(all, for verify)");
            GenericDialog gd = new GenericDialog(TITLE);
            gd.addMessage("Model store: " + commands.store().root() + " (" + commands.store().rootSource() + ")");
            gd.addChoice("Action", new String[] {"list", "pull", "verify"}, "list");
            gd.addChoice("Model", names.toArray(new String[0]), names.get(0));
            gd.showDialog();
            if (gd.wasCanceled()) {
                return;
            }
            action = gd.getNextChoice();
            name = gd.getNextChoice();
            if (name.startsWith("(")) {
                name = null;
            }
        } else if (options == null) {
            CommandSupport.fail(TITLE, "no dialog can be shown headless: give the options, e.g. "
                    + "run(\"Models...\", \"action=list\")");
            return;
        } else {
            action = options.has("action") ? options.get("action").trim().toLowerCase(Locale.ROOT) : "list";
            name = options.get("name");
        }
        String problem = run(commands, action, name, interactive);
        if (problem != null) {
            CommandSupport.fail(TITLE, problem);
        }
    }

    /** Runs one action; returns null on success, else what went wrong and what to do. */
    static String run(ModelCommands commands, String action, String name, boolean interactive) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        int code;
        switch (action) {
            case "list":
                code = commands.list(out);
                break;
            case "verify":
                code = commands.verify(name, out);
                break;
            case "pull":
                if (name == null || name.isBlank()) {
                    return "pull needs name=<model>; registered: " + commands.store().registry().names();
                }
                code = pull(commands, name.trim(), out);
                break;
            default:
                return "action: '" + action + "' is not one of [list, pull, verify]";
        }
        String text = buffer.toString(StandardCharsets.UTF_8);
        CommandSupport.report("Models (" + action + ")", text, interactive);
        if (code != ModelCommands.OK) {
            String last = text.strip();
            int nl = last.lastIndexOf('\n');
            return action + " failed: " + (nl >= 0 ? last.substring(nl + 1) : last);
        }
        return null;
    }

    private static int pull(ModelCommands commands, String name, PrintStream out) {
        CancellationToken cancel = new CancellationToken();
        IJ.resetEscape();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                if (IJ.escapePressed()) {
                    cancel.cancel();
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "Atelier pull: Esc");
        watcher.setDaemon(true);
        watcher.start();
        ProgressSink sink = new ProgressSink() {
            @Override
            public void progress(String file, long done, long total, double bytesPerSecond) {
                IJ.showStatus(String.format(Locale.ROOT, "Atelier: pulling %s %s, %.1f MB/s (Esc cancels)",
                        name, file, bytesPerSecond / 1e6));
                if (total > 0) {
                    IJ.showProgress(done / (double) total);
                }
            }

            @Override
            public void message(String line) {
                out.println(line);
            }
        };
        try {
            return commands.pull(name, null, sink, cancel);
        } finally {
            watcher.interrupt();
            IJ.showProgress(1.0);
            IJ.showStatus(cancel.isCancelled() ? "Atelier: pull cancelled" : "Atelier: pull finished");
        }
    }
}
