package atelier.imagej;

import java.awt.Button;
import java.awt.Checkbox;
import java.awt.Choice;
import java.awt.Component;
import java.awt.Container;
import java.awt.EventQueue;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.TextField;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.awt.event.ItemEvent;
import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.atomic.AtomicReference;

import javax.imageio.ImageIO;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.GenericDialog;
import ij.gui.ImagePanel;
import ij.gui.OvalRoi;
import ij.macro.Interpreter;
import ij.process.ColorProcessor;
import ij.process.ShortProcessor;

/**
 * Drives the two real Style Transfer dialogs on a display with the fake service: checks that the expected
 * widgets are there (style and strategy choices; preset choice with the contributed presets; every parameter
 * field; seed, model; planes, grey range, colour, tile and feather; the preview image and button; help), that a
 * preset fills the fields, that the preview updates the image, and that OK gives the same settings a macro
 * would. Saves a PNG of each dialog. Run by {@link SettingsDialogGuiTest}, in its JVM when it has a display, else
 * in a child JVM under {@code xvfb-run}; {@link #main} exits 1 on a failed check.
 */
public final class DialogScreenshots {
    private final Set<Window> answered = new HashSet<>();
    private final File dir;

    private DialogScreenshots(File dir) {
        this.dir = dir;
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "false");
        try {
            run(new File(args.length > 0 ? args[0] : "target/dialogs"));
            System.out.println("dialog checks passed");
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }

    /** Runs the checks; throws {@link AssertionError} on a failed one. */
    static void run(File dir) throws Exception {
        dir.mkdirs();
        new DialogScreenshots(dir).check();
    }

    private void check() throws Exception {
        FakeStyleTransferService service = new FakeStyleTransferService();
        Interpreter.batchMode = true;
        ImageStack stack = new ImageStack(64, 48);
        for (int z = 0; z < 3; z++) {
            ShortProcessor sp = new ShortProcessor(64, 48);
            for (int i = 0; i < sp.getPixelCount(); i++) {
                sp.set(i, 100 * z + i % 640);
            }
            stack.addSlice(sp);
        }
        ImagePlus content = new ImagePlus("cells.tif", stack);
        content.setRoi(new OvalRoi(8, 8, 40, 30));
        ColorProcessor styleIp = new ColorProcessor(16, 16);
        styleIp.setColor(new java.awt.Color(180, 60, 140));
        styleIp.fill();
        ImagePlus style = new ImagePlus("stain", styleIp);
        Interpreter.addBatchModeImage(content);
        Interpreter.addBatchModeImage(style);

        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread ui = new Thread(() -> {
            try {
                outcome.set(SettingsDialog.show(content, service.strategies(), service.presets(), service));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        ui.start();

        GenericDialog first = next("first dialog");
        Vector<?> choices = first.getChoices();
        expect(choices.size() == 2, "first dialog: Style and Strategy choices, found " + choices.size());
        Choice styleChoice = (Choice) choices.get(0);
        expect(items(styleChoice).contains("stain") && items(styleChoice).contains(SettingsDialog.FROM_FILE),
                "style choice lists the open image and From file…: " + items(styleChoice));
        Choice strategyChoice = (Choice) choices.get(1);
        expect(items(strategyChoice).equals(List.of("all-types", "latent-stats")),
                "strategy choice lists the installed strategies: " + items(strategyChoice));
        styleChoice.select("stain");
        strategyChoice.select("latent-stats");
        shoot(first, "1-style-and-strategy");
        ok(first);

        GenericDialog second = next("parameters dialog");
        Vector<?> ch = second.getChoices();
        Choice preset = (Choice) ch.get(0);
        expect(items(preset).contains("Half way") && !items(preset).contains("Twenty steps"),
                "preset choice offers latent-stats' presets only: " + items(preset));
        // choices: preset, autoencoder, method, grey range
        expect(ch.size() == 4, "choices preset, autoencoder, method, grey range; found " + ch.size());
        expect(items((Choice) ch.get(3)).equals(List.of("display", "percentiles")), "grey range choice");
        Vector<?> numbers = second.getNumericFields();
        // numeric: strength, seed, tile, feather
        expect(numbers.size() == 4, "numeric fields strength, seed, tile, feather; found " + numbers.size());
        Vector<?> boxes = second.getCheckboxes();
        // checkboxes: keep colours, all planes, colour result
        expect(boxes.size() == 3, "checkboxes keep colours, all planes, colour result; found " + boxes.size());
        expect(((Checkbox) boxes.get(1)).getLabel().contains("all 3 planes"), "planes checkbox names the count");
        expect(second.getStringFields().size() == 1, "model field");
        Button previewButton = button(second, "Preview");
        expect(previewButton != null, "a Preview button");
        ImagePanel panel = find(second, ImagePanel.class);
        expect(panel != null, "the preview image inside the dialog");
        expect(button(second, "Help") != null, "a Help button");

        preset.select("Half way");
        EventQueue.invokeAndWait(() -> {
            for (java.awt.event.ItemListener l : preset.getItemListeners()) {
                l.itemStateChanged(new ItemEvent(preset, ItemEvent.ITEM_STATE_CHANGED, "Half way",
                        ItemEvent.SELECTED));
            }
        });
        expect(((TextField) numbers.get(0)).getText().startsWith("0.5"), "the preset set strength to 0.5: "
                + ((TextField) numbers.get(0)).getText());
        expect("wct".equals(((Choice) ch.get(2)).getSelectedItem()), "the preset set method to wct");

        int calls = FakeStyleTransferService.CALLS.get();
        EventQueue.invokeAndWait(() -> {
            for (java.awt.event.ActionListener l : previewButton.getActionListeners()) {
                l.actionPerformed(new ActionEvent(previewButton, ActionEvent.ACTION_PERFORMED, "Preview"));
            }
        });
        for (int i = 0; i < 100 && FakeStyleTransferService.CALLS.get() == calls; i++) {
            Thread.sleep(50);
        }
        expect(FakeStyleTransferService.CALLS.get() > calls, "the preview ran the service");
        expect(FakeStyleTransferService.lastRequest.content().width() <= Preview.SIDE, "on a downscaled copy");
        ((TextField) numbers.get(1)).setText("9"); // seed
        ((Checkbox) boxes.get(1)).setState(true); // all planes
        ((Choice) ch.get(3)).select("percentiles");
        ((TextField) numbers.get(3)).setText("5"); // feather
        shoot(second, "2-parameters");
        ok(second);

        ui.join(10_000);
        if (outcome.get() instanceof Throwable t) {
            throw new AssertionError("the dialog failed", t);
        }
        TransferSettings expected = SettingsParser.parse("style=stain strategy=latent-stats method=wct "
                + "strength=0.5 seed=9 stack range=percentiles tile=" + (int) ij.Prefs.get("atelier.dialog.tile", 1024)
                        + " feather=5", service.strategies());
        expect(expected.equals(outcome.get()), "dialog settings " + outcome.get() + "\n  differ from " + expected);
    }

    private GenericDialog next(String what) throws Exception {
        for (int i = 0; i < 200; i++) {
            for (Window w : Window.getWindows()) {
                if (w instanceof GenericDialog gd && w.isShowing() && !answered.contains(w)) {
                    answered.add(gd);
                    Thread.sleep(500);
                    return gd;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + what + " appeared");
    }

    /** Moves the dialog to the corner and saves what the screen shows there, waiting until it is painted. */
    private void shoot(GenericDialog gd, String name) throws Exception {
        EventQueue.invokeAndWait(() -> {
            gd.setLocation(0, 0);
            gd.toFront();
        });
        java.awt.image.BufferedImage shot = null;
        for (int attempt = 0; attempt < 6; attempt++) {
            Thread.sleep(500);
            EventQueue.invokeAndWait(() -> gd.repaint());
            Rectangle r = new Rectangle(gd.getLocationOnScreen(), gd.getSize());
            shot = new Robot().createScreenCapture(r);
            if (!uniform(shot)) {
                break;
            }
        }
        if (uniform(shot)) {
            // no window manager: a window may never be exposed on the screen; let AWT draw it into an image
            java.awt.image.BufferedImage drawn = new java.awt.image.BufferedImage(gd.getWidth(), gd.getHeight(),
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            EventQueue.invokeAndWait(() -> {
                java.awt.Graphics2D g = drawn.createGraphics();
                g.setColor(gd.getBackground());
                g.fillRect(0, 0, drawn.getWidth(), drawn.getHeight());
                gd.printAll(g);
                g.dispose();
            });
            shot = drawn;
        }
        ImageIO.write(shot, "png", new File(dir, name + ".png"));
        expect(!uniform(shot), "the screenshot " + name + ".png shows nothing: the dialog was not painted");
    }

    private static boolean uniform(java.awt.image.BufferedImage img) {
        int first = img.getRGB(0, 0);
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                if (img.getRGB(x, y) != first) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void ok(GenericDialog gd) throws Exception {
        Button ok = gd.getButtons()[0];
        EventQueue.invokeAndWait(() -> gd.actionPerformed(new ActionEvent(ok, ActionEvent.ACTION_PERFORMED,
                ok.getLabel())));
        for (int i = 0; i < 100 && gd.isShowing(); i++) {
            Thread.sleep(20);
        }
    }

    private static List<String> items(Choice c) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < c.getItemCount(); i++) {
            out.add(c.getItem(i));
        }
        return out;
    }

    private static Button button(Container root, String labelStart) {
        for (Component c : root.getComponents()) {
            if (c instanceof Button b && b.getLabel() != null && b.getLabel().startsWith(labelStart)) {
                return b;
            }
            if (c instanceof Container inner) {
                Button found = button(inner, labelStart);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static <T> T find(Container root, Class<T> type) {
        return SettingsDialog.find(root, type);
    }

    private static void expect(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
