package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.Button;
import java.awt.Choice;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.TextField;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.io.File;
import java.util.Vector;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import ij.ImagePlus;
import ij.gui.GenericDialog;
import ij.macro.Interpreter;
import ij.process.ColorProcessor;

/**
 * Drives the two real dialogs on a display (e.g. {@code xvfb-run mvn … -Dtest=SettingsDialogGuiTest}): the
 * fields built from the specs come back, in order, as the same settings a macro would give. Skipped without
 * {@code DISPLAY}. Screenshots go to {@code target/dialogs/}.
 */
@EnabledIfEnvironmentVariable(named = "DISPLAY", matches = ".+")
class SettingsDialogGuiTest {
    static {
        System.setProperty("java.awt.headless", "false"); // own JVM per test class; before any AWT use
    }

    private static final java.util.Set<Window> ANSWERED = new java.util.HashSet<>();

    @Test
    void dialogsBuiltFromSpecsGiveTheSameSettingsAsAMacro() throws Exception {
        FakeStyleTransferService service = new FakeStyleTransferService();
        Interpreter.batchMode = true;
        ImagePlus content = new ImagePlus("content", new ColorProcessor(16, 16));
        ImagePlus style = new ImagePlus("style image", new ColorProcessor(16, 16));
        Interpreter.addBatchModeImage(content);
        Interpreter.addBatchModeImage(style);

        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread ui = new Thread(() -> {
            try {
                outcome.set(SettingsDialog.show(content, service.strategies()));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        ui.start();
        answer("1-style-and-strategy", gd -> {
            Vector<?> choices = gd.getChoices();
            assertEquals("style image", ((Choice) choices.get(0)).getSelectedItem());
            ((Choice) choices.get(1)).select("all-types");
        });
        answer("2-parameters", gd -> {
            Vector<?> numbers = gd.getNumericFields();
            ((TextField) numbers.get(1)).setText("20"); // steps
            ((TextField) numbers.get(2)).setText("9"); // seed
            ((Choice) gd.getChoices().get(0)).select("all");
            ((TextField) gd.getStringFields().get(0)).setText("a cat");
        });
        ui.join(10_000);
        if (outcome.get() instanceof Throwable) {
            throw new AssertionError("the dialog failed", (Throwable) outcome.get());
        }
        TransferSettings expected = SettingsParser.parse(
                "style=[style image] strategy=all-types steps=20 layers=all prompt=[a cat] seed=9",
                service.strategies());
        assertEquals(expected, outcome.get());
    }

    /** Waits for the next GenericDialog, lets {@code edit} change it, saves a screenshot and presses OK. */
    private static void answer(String name, Consumer<GenericDialog> edit) throws Exception {
        GenericDialog gd = null;
        for (int i = 0; i < 200 && gd == null; i++) {
            for (Window w : Window.getWindows()) {
                if (w instanceof GenericDialog && w.isShowing() && !ANSWERED.contains(w)) {
                    gd = (GenericDialog) w;
                }
            }
            Thread.sleep(50);
        }
        assertNotNull(gd, "no dialog appeared for " + name);
        ANSWERED.add(gd);
        edit.accept(gd);
        Thread.sleep(1000);
        Rectangle r = gd.getBounds();
        File dir = new File("target/dialogs");
        dir.mkdirs();
        ImageIO.write(new Robot().createScreenCapture(r), "png", new File(dir, name + ".png"));
        Button ok = gd.getButtons()[0];
        GenericDialog dialog = gd;
        java.awt.EventQueue.invokeAndWait(() -> dialog.actionPerformed(
                new ActionEvent(ok, ActionEvent.ACTION_PERFORMED, ok.getLabel())));
        for (int i = 0; i < 100 && gd.isShowing(); i++) {
            Thread.sleep(20);
        }
    }
}
