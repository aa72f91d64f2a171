package atelier.imagej;

import java.awt.Checkbox;
import java.awt.Choice;
import java.awt.Component;
import java.awt.Container;
import java.awt.TextField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import atelier.api.CancellationToken;
import atelier.api.StrategyInfo;
import atelier.api.StyleTransferService;
import atelier.api.TransferException;
import atelier.api.spi.ParameterSpec;
import atelier.api.spi.Preset;
import atelier.imagej.pixels.IntensityRange;
import ij.ImagePlus;
import ij.Prefs;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.gui.ImagePanel;
import ij.io.OpenDialog;
import ij.process.ImageProcessor;

/**
 * The interactive way to fill {@link TransferSettings}, in two dialogs: first the style (an open image or a file)
 * and the strategy, then that strategy's parameters, built from its {@link ParameterSpec}s through
 * {@link ParameterFields} with their help, the presets UI contribution bundles offer for it, seed and model, how
 * the image is read (planes, grey range, colour, tile size, selection edge) and a fast preview. Last-used values
 * live in ImageJ's preferences ({@code IJ_Prefs.txt}, keys {@code atelier.dialog.*}), never in static fields.
 * Macros never see these dialogs: {@link SettingsParser} reads their options.
 */
final class SettingsDialog {
    static final String FROM_FILE = "From file…";
    static final String NO_PRESET = "(none: last used values)";
    static final String DEFAULTS = "(defaults)";
    private static final String PREFS = "atelier.dialog.";

    private SettingsDialog() { }

    /**
     * @return the settings, or null when the user cancelled
     * @throws IllegalArgumentException for a value the strategy does not accept
     */
    static TransferSettings show(ImagePlus content, List<StrategyInfo> strategies, List<Preset> presets,
            StyleTransferService service) {
        if (strategies.isEmpty()) {
            throw new IllegalArgumentException("no style transfer strategy is installed (Plugins › Atelier › "
                    + "Manage Strategies… installs one)");
        }
        List<String> styles = new ArrayList<>();
        for (String title : WindowManager.getImageTitles()) {
            if (!title.equals(content.getTitle())) {
                styles.add(title);
            }
        }
        styles.add(FROM_FILE);
        String[] ids = strategies.stream().map(StrategyInfo::id).toArray(String[]::new);
        String lastStrategy = Prefs.get(PREFS + "strategy", null);
        StrategyInfo preferred = SettingsParser.chooseStrategy(
                lastStrategy != null && List.of(ids).contains(lastStrategy) ? lastStrategy : null, strategies);
        String lastStyle = Prefs.get(PREFS + "style", null);

        GenericDialog gd = new GenericDialog("Style Transfer");
        gd.addMessage("Content: " + content.getTitle() + describe(content));
        gd.addChoice("Style", styles.toArray(new String[0]),
                lastStyle != null && styles.contains(lastStyle) ? lastStyle : styles.get(0));
        gd.addChoice("Strategy", ids, preferred.id());
        StringBuilder names = new StringBuilder();
        for (StrategyInfo s : strategies) {
            names.append(s.id()).append(": ").append(s.spec().name()).append(" (").append(s.bundle()).append(' ')
                    .append(s.version()).append(")\n");
        }
        gd.addMessage(names.toString().trim());
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        String style = gd.getNextChoice();
        StrategyInfo strategy = SettingsParser.chooseStrategy(gd.getNextChoice(), strategies);
        if (FROM_FILE.equals(style)) {
            OpenDialog od = new OpenDialog("Style image");
            if (od.getFileName() == null) {
                return null;
            }
            style = od.getPath();
        }
        Prefs.set(PREFS + "style", style);
        Prefs.set(PREFS + "strategy", strategy.id());
        List<Preset> mine = presets.stream().filter(p -> p.strategyId().equals(strategy.id())).toList();
        return parameters(content, style, strategy, mine, service);
    }

    private static String describe(ImagePlus imp) {
        String type = imp.getBitDepth() == 24 ? "RGB" : imp.getBitDepth() + "-bit";
        String dims = imp.getStackSize() > 1 ? ", " + imp.getStackSize() + " planes" : "";
        String roi = imp.getRoi() != null ? ", selection: " + imp.getRoi().getTypeAsString() : "";
        return " (" + type + ", " + imp.getWidth() + "×" + imp.getHeight() + dims + roi + ")";
    }

    private static TransferSettings parameters(ImagePlus content, String style, StrategyInfo strategy,
            List<Preset> presets, StyleTransferService service) {
        List<ParameterSpec> specs = SettingsParser.checkedSpecs(strategy);
        GenericDialog gd = new GenericDialog(strategy.spec().name() + " (" + strategy.id() + ")");
        if (!strategy.spec().description().isEmpty()) {
            gd.addMessage(wrap(strategy.spec().description(), 70));
        }
        List<String> presetNames = new ArrayList<>(List.of(NO_PRESET, DEFAULTS));
        presets.forEach(p -> presetNames.add(p.name()));
        gd.addChoice("Preset", presetNames.toArray(new String[0]), NO_PRESET);
        Choice presetChoice = last(gd.getChoices());

        StringBuilder help = new StringBuilder("<html><h3>").append(escape(strategy.spec().name()))
                .append("</h3><p>").append(escape(strategy.spec().description())).append("</p>");
        if (!strategy.spec().paper().isEmpty()) {
            help.append("<p><i>").append(escape(strategy.spec().paper())).append("</i></p>");
        }
        help.append("<table>");
        Map<String, Component> fields = new LinkedHashMap<>();
        for (ParameterSpec spec : specs) {
            ParameterFields.Field f = ParameterFields.of(spec);
            String initial = Prefs.get(PREFS + strategy.id() + "." + spec.key(), f.defaultValue());
            try {
                spec.parse(initial);
            } catch (IllegalArgumentException e) {
                initial = f.defaultValue(); // the strategy changed since
            }
            switch (f.kind()) {
                case NUMERIC:
                    gd.addNumericField(f.label(), Double.parseDouble(initial), f.digits(), 8, f.units());
                    fields.put(spec.key(), last(gd.getNumericFields()));
                    break;
                case CHECKBOX:
                    gd.addCheckbox(f.label(), Boolean.parseBoolean(initial));
                    fields.put(spec.key(), last(gd.getCheckboxes()));
                    break;
                case CHOICE:
                    gd.addChoice(f.label(), f.choices().toArray(new String[0]), String.valueOf(spec.parse(initial)));
                    fields.put(spec.key(), last(gd.getChoices()));
                    break;
                case STRING:
                default:
                    gd.addStringField(f.label(), initial, 20);
                    fields.put(spec.key(), last(gd.getStringFields()));
                    break;
            }
            help.append("<tr><td><b>").append(escape(f.label())).append("</b> (macro key <tt>")
                    .append(f.key()).append("</tt>)</td><td>").append(escape(f.help())).append("</td></tr>");
        }
        presetChoice.addItemListener(e -> applyPreset(presetChoice.getSelectedItem(), presets, specs, fields));

        gd.addNumericField("Seed", Prefs.get(PREFS + "seed", TransferSettings.DEFAULT_SEED), 0);
        String defaultModel = strategy.spec().defaultModel();
        gd.addStringField("Model", Prefs.get(PREFS + strategy.id() + ".model", ""), 20); // per strategy
        gd.addMessage("Model: leave empty for the strategy's default"
                + (defaultModel.isEmpty() ? "" : " (" + defaultModel + ")"));

        boolean stack = content.getStackSize() > 1;
        boolean grey = content.getType() != ImagePlus.COLOR_RGB && content.getType() != ImagePlus.COLOR_256;
        if (stack) {
            gd.addCheckbox("Process all " + content.getStackSize() + " planes (same seed)",
                    Prefs.get(PREFS + "stack", false));
        }
        if (grey) {
            gd.addChoice("Grey range", new String[] {IntensityRange.DISPLAY.key(), IntensityRange.PERCENTILES.key()},
                    Prefs.get(PREFS + "range", IntensityRange.DISPLAY.key()));
            gd.addCheckbox("Colour result (else grey stays grey)", Prefs.get(PREFS + "color", false));
        }
        boolean tilesItself = strategy.spec().tilesItself();
        gd.addNumericField("Tile", Prefs.get(PREFS + "tile", ImageOptions.DEFAULT.tile()), 0, 6, tilesItself
                ? "px (not used: " + strategy.id() + " tiles itself)" : "px (larger planes are tiled)");
        if (content.getRoi() != null) {
            gd.addNumericField("Feather", Prefs.get(PREFS + "feather", ImageOptions.DEFAULT.feather()), 0, 6,
                    "px soft edge of the selection");
        }
        help.append("<tr><td><b>Seed, Model</b> (<tt>seed</tt>, <tt>model</tt>)</td><td>random seed; model name "
                + "from the model store or a path</td></tr>");
        help.append("<tr><td><b>Planes</b> (<tt>stack</tt>)</td><td>every plane of a stack or hyperstack, with "
                + "the same seed; else the current plane</td></tr>");
        help.append("<tr><td><b>Grey range</b> (<tt>range</tt>)</td><td>display: the display range maps to "
                + "0–1; percentiles: the 1st–99.8th percentiles of the data do. Results go back into the same "
                + "range.</td></tr>");
        help.append("<tr><td><b>Colour result</b> (<tt>color</tt>)</td><td>keep the strategy's colours for grey "
                + "content (an RGB result)</td></tr>");
        help.append("<tr><td><b>Tile</b> (<tt>tile</tt>)</td><td>for strategies that do not tile images "
                + "themselves: planes larger than this are stylised in overlapping pixel tiles with feathered seams. "
                + "A strategy that tiles itself (its own latent or pixel tiles, statistics over the whole image) "
                + "gets each plane whole and ignores this value"
                + (tilesItself ? "; <b>" + escape(strategy.id()) + "</b> tiles itself" : "") + "</td></tr>");
        help.append("<tr><td><b>Feather</b> (<tt>feather</tt>)</td><td>with a selection, only the selection "
                + "changes; its edge blends over this many pixels</td></tr>");
        help.append("</table></html>");

        ImagePlus preview = new ImagePlus("preview", Preview.thumbnail(content, Preview.SIDE));
        gd.addImage(preview);
        gd.addButton("Preview (latent-stats, small copy)", e -> preview(gd, preview, service, content, style,
                strategy, specs, fields));
        gd.addHelp(help.toString());
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        gd.getNextChoice(); // the preset: its values are already in the fields
        Map<String, String> raw = new LinkedHashMap<>();
        for (ParameterSpec spec : specs) {
            ParameterFields.Field f = ParameterFields.of(spec);
            switch (f.kind()) {
                case NUMERIC:
                    raw.put(spec.key(), ParameterFields.numberText(spec, gd.getNextNumber()));
                    break;
                case CHECKBOX:
                    raw.put(spec.key(), Boolean.toString(gd.getNextBoolean()));
                    break;
                case CHOICE:
                    raw.put(spec.key(), gd.getNextChoice());
                    break;
                case STRING:
                default:
                    raw.put(spec.key(), gd.getNextString());
                    break;
            }
        }
        long seed = SettingsParser.parseSeed(Double.toString(gd.getNextNumber()));
        String model = gd.getNextString().trim();
        boolean all = stack && gd.getNextBoolean();
        IntensityRange range = grey ? IntensityRange.of(gd.getNextChoice()) : IntensityRange.DISPLAY;
        boolean color = grey && gd.getNextBoolean();
        int tile = (int) Math.round(gd.getNextNumber());
        int feather = content.getRoi() != null ? (int) Math.round(gd.getNextNumber())
                : (int) Prefs.get(PREFS + "feather", ImageOptions.DEFAULT.feather());
        ImageOptions image = new ImageOptions(all, range, color, tile, feather);
        Map<String, String> values = SettingsParser.canonical(specs, raw);
        values.forEach((k, v) -> Prefs.set(PREFS + strategy.id() + "." + k, v));
        Prefs.set(PREFS + "seed", Long.toString(seed));
        Prefs.set(PREFS + strategy.id() + ".model", model);
        if (stack) {
            Prefs.set(PREFS + "stack", all);
        }
        if (grey) {
            Prefs.set(PREFS + "range", range.key());
            Prefs.set(PREFS + "color", color);
        }
        Prefs.set(PREFS + "tile", tile);
        Prefs.set(PREFS + "feather", feather);
        return new TransferSettings(style, strategy.id(), values, seed, model, image);
    }

    /** Fills the fields with a preset's values (the others with the defaults), or all defaults. */
    static void applyPreset(String name, List<Preset> presets, List<ParameterSpec> specs,
            Map<String, Component> fields) {
        if (NO_PRESET.equals(name)) {
            return;
        }
        Map<String, String> values = presets.stream().filter(p -> p.name().equals(name)).findFirst()
                .map(Preset::values).orElse(Map.of());
        for (ParameterSpec spec : specs) {
            String v = values.getOrDefault(spec.key(), spec.defaultValue());
            Component c = fields.get(spec.key());
            if (c instanceof TextField t) {
                t.setText(spec.type() == ParameterSpec.Type.STRING ? v : ParameterFields.numberText(spec,
                        Double.parseDouble(v)));
            } else if (c instanceof Checkbox b) {
                b.setState(Boolean.parseBoolean(String.valueOf(spec.parse(v))));
            } else if (c instanceof Choice ch) {
                ch.select(String.valueOf(spec.parse(v)));
            }
        }
    }

    /** Reads the fields as they are now, runs the preview on a worker thread and shows it in the dialog. */
    private static void preview(GenericDialog gd, ImagePlus preview, StyleTransferService service,
            ImagePlus content, String style, StrategyInfo strategy, List<ParameterSpec> specs,
            Map<String, Component> fields) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (ParameterSpec spec : specs) {
            Component c = fields.get(spec.key());
            if (c instanceof TextField t) {
                raw.put(spec.key(), t.getText().trim());
            } else if (c instanceof Checkbox b) {
                raw.put(spec.key(), Boolean.toString(b.getState()));
            } else if (c instanceof Choice ch) {
                raw.put(spec.key(), ch.getSelectedItem());
            }
        }
        Thread worker = new Thread(() -> {
            ij.IJ.showStatus("Atelier: preview…");
            try {
                Map<String, String> values = SettingsParser.canonical(specs, raw);
                ImageProcessor out = Preview.render(service, content, style, strategy.id(), values,
                        TransferSettings.DEFAULT_SEED, ImageOptions.DEFAULT, new CancellationToken());
                java.awt.EventQueue.invokeLater(() -> {
                    preview.setProcessor(out.resize(preview.getWidth(), preview.getHeight()));
                    ImagePanel panel = find(gd, ImagePanel.class);
                    if (panel != null) {
                        panel.repaint();
                    }
                });
                ij.IJ.showStatus("Atelier: preview done");
            } catch (TransferException | IllegalArgumentException e) {
                ij.IJ.showStatus("Atelier preview: " + e.getMessage());
            }
        }, "Atelier preview");
        worker.setDaemon(true);
        worker.start();
    }

    /** The first component of {@code type} inside {@code root}, depth first (the screenshot test uses it too). */
    static <T> T find(Container root, Class<T> type) {
        for (Component c : root.getComponents()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            if (c instanceof Container inner) {
                T found = find(inner, type);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static <T> T last(java.util.Vector<?> v) {
        return (T) v.get(v.size() - 1);
    }

    private static String wrap(String text, int width) {
        StringBuilder out = new StringBuilder();
        int col = 0;
        for (String word : text.split("\\s+")) {
            if (col > 0 && col + word.length() + 1 > width) {
                out.append('\n');
                col = 0;
            } else if (col > 0) {
                out.append(' ');
                col++;
            }
            out.append(word);
            col += word.length();
        }
        return out.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
