package atelier.imagej;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import atelier.api.StrategyInfo;
import atelier.api.spi.ParameterSpec;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.io.OpenDialog;

/**
 * The interactive way to fill {@link TransferSettings}, in two dialogs: first the style (an open image or a file)
 * and the strategy, then that strategy's parameters, built from its {@link ParameterSpec}s through
 * {@link ParameterFields}, plus seed and model. Values are remembered per strategy for the next call in this
 * session. Macros never see these dialogs: {@link SettingsParser} reads their options.
 */
final class SettingsDialog {
    static final String FROM_FILE = "From file…";

    private static String lastStyle;
    private static String lastStrategy;
    private static long lastSeed = TransferSettings.DEFAULT_SEED;
    private static final Map<String, Map<String, String>> LAST_VALUES = new HashMap<>();

    private SettingsDialog() { }

    /**
     * @return the settings, or null when the user cancelled
     * @throws IllegalArgumentException for a value the strategy does not accept
     */
    static TransferSettings show(ImagePlus content, List<StrategyInfo> strategies) {
        if (strategies.isEmpty()) {
            throw new IllegalArgumentException("no style transfer strategy is installed (check the Atelier "
                    + "features folder)");
        }
        List<String> styles = new ArrayList<>();
        for (String title : WindowManager.getImageTitles()) {
            if (!title.equals(content.getTitle())) {
                styles.add(title);
            }
        }
        styles.add(FROM_FILE);
        String[] ids = strategies.stream().map(StrategyInfo::id).toArray(String[]::new);
        StrategyInfo preferred = SettingsParser.chooseStrategy(
                lastStrategy != null && List.of(ids).contains(lastStrategy) ? lastStrategy : null, strategies);

        GenericDialog gd = new GenericDialog("Style Transfer");
        gd.addMessage("Content: " + content.getTitle() + " (current plane)");
        gd.addChoice("Style", styles.toArray(new String[0]),
                lastStyle != null && styles.contains(lastStyle) ? lastStyle : styles.get(0));
        gd.addChoice("Strategy", ids, preferred.id());
        StringBuilder names = new StringBuilder();
        for (StrategyInfo s : strategies) {
            names.append(s.id()).append(": ").append(s.spec().name()).append('\n');
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
        lastStyle = style;
        lastStrategy = strategy.id();
        return parameters(style, strategy);
    }

    private static TransferSettings parameters(String style, StrategyInfo strategy) {
        List<ParameterSpec> specs = SettingsParser.checkedSpecs(strategy);
        Map<String, String> last = LAST_VALUES.getOrDefault(strategy.id(), Map.of());
        GenericDialog gd = new GenericDialog(strategy.spec().name() + " (" + strategy.id() + ")");
        if (!strategy.spec().description().isEmpty()) {
            gd.addMessage(wrap(strategy.spec().description(), 70));
        }
        StringBuilder help = new StringBuilder("<html><h3>").append(escape(strategy.spec().name()))
                .append("</h3><p>").append(escape(strategy.spec().description())).append("</p>");
        if (!strategy.spec().paper().isEmpty()) {
            help.append("<p><i>").append(escape(strategy.spec().paper())).append("</i></p>");
        }
        help.append("<table>");
        for (ParameterSpec spec : specs) {
            ParameterFields.Field f = ParameterFields.of(spec);
            String initial = last.getOrDefault(spec.key(), f.defaultValue());
            switch (f.kind()) {
                case NUMERIC:
                    gd.addNumericField(f.label(), Double.parseDouble(initial), f.digits(), 8, f.units());
                    break;
                case CHECKBOX:
                    gd.addCheckbox(f.label(), Boolean.parseBoolean(initial));
                    break;
                case CHOICE:
                    gd.addChoice(f.label(), f.choices().toArray(new String[0]), initial);
                    break;
                case STRING:
                default:
                    gd.addStringField(f.label(), initial, 20);
                    break;
            }
            help.append("<tr><td><b>").append(escape(f.label())).append("</b> (macro key <tt>")
                    .append(f.key()).append("</tt>)</td><td>").append(escape(f.help())).append("</td></tr>");
        }
        help.append("</table></html>");
        gd.addNumericField("Seed", lastSeed, 0);
        String defaultModel = strategy.spec().defaultModel();
        gd.addStringField("Model", "", 20);
        gd.addMessage("Model: leave empty for the strategy's default"
                + (defaultModel.isEmpty() ? "" : " (" + defaultModel + ")"));
        gd.addHelp(help.toString());
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
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
        Map<String, String> values = SettingsParser.canonical(specs, raw);
        LAST_VALUES.put(strategy.id(), values);
        lastSeed = seed;
        return new TransferSettings(style, strategy.id(), values, seed, model);
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
