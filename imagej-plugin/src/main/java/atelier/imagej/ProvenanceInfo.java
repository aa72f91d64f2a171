package atelier.imagej;

import java.util.Locale;
import java.util.List;
import java.util.Map;

import atelier.api.TransferResult;
import atelier.imagej.pixels.IntensityMap;
import atelier.imagej.pixels.Tiles;
import ij.ImagePlus;
import ij.gui.Roi;

/**
 * The text stored as the result image's {@code Info} property (Image &gt; Show Info): strategy, bundle and version,
 * every parameter as used, seed, model and its SHA-256, plus a macro call and a command line that reproduce the
 * run.
 */
public final class ProvenanceInfo {

    /** The Info property's first line, so tools can recognise an Atelier result. */
    public static final String HEADER = "Atelier style transfer";

    private ProvenanceInfo() { }

    /**
     * @param contentTitle title of the content image
     * @param contentPath  file the content came from, or null if it was never saved
     * @param stylePath    file the style came from, or null when it was an unsaved open image
     * @param settings     what was asked for
     * @param result       what the service did (parameters with defaults filled in, model, checksum, timing)
     */
    public static String text(String contentTitle, String contentPath, String stylePath, TransferSettings settings,
            TransferResult result) {
        return text(contentTitle, contentPath, stylePath, settings, result, "");
    }

    /**
     * As {@link #text(String, String, String, TransferSettings, TransferResult)}, with lines describing how the
     * ImageJ image was read ({@link #imageLines}) before the macro call.
     */
    public static String text(String contentTitle, String contentPath, String stylePath, TransferSettings settings,
            TransferResult result, String imageLines) {
        StringBuilder sb = new StringBuilder();
        sb.append(HEADER).append('\n');
        sb.append("content: ").append(contentTitle);
        if (contentPath != null) {
            sb.append(" (").append(contentPath).append(')');
        }
        sb.append('\n');
        sb.append("style: ").append(settings.style());
        if (stylePath != null && !stylePath.equals(settings.style())) {
            sb.append(" (").append(stylePath).append(')');
        }
        sb.append('\n');
        sb.append("strategy: ").append(result.strategyId()).append('\n');
        sb.append("bundle: ").append(result.bundle()).append(' ').append(result.strategyVersion()).append('\n');
        Map<String, String> params = result.parameters();
        settings.parameters().forEach((k, v) -> sb.append("parameter.").append(k).append(": ")
                .append(params.getOrDefault(k, v)).append('\n'));
        params.forEach((k, v) -> {
            if (!settings.parameters().containsKey(k)) {
                sb.append("parameter.").append(k).append(": ").append(v).append('\n');
            }
        });
        sb.append("seed: ").append(result.seed()).append('\n');
        sb.append("model: ").append(result.model().isEmpty() ? "(none)" : result.model()).append('\n');
        sb.append("model.sha256: ").append(result.modelSha256().isEmpty() ? "(none)" : result.modelSha256())
                .append('\n');
        sb.append("seconds: ").append(String.format(Locale.ROOT, "%.2f", result.seconds())).append('\n');
        sb.append(imageLines);
        TransferSettings used = new TransferSettings(settings.style(), result.strategyId(),
                mergedParameters(settings, params), result.seed(), settings.model(), settings.image());
        sb.append("macro: run(\"").append(StyleTransfer_.COMMAND).append("\", \"")
                .append(escapeMacroString(used.toMacroOptions())).append("\");\n");
        sb.append("cli: ").append(commandLine(contentPath, stylePath != null ? stylePath : settings.style(), used,
                fileBase(contentTitle) + "-" + result.strategyId() + ".png")).append('\n');
        String note = cliNote(settings, imageLines);
        if (!note.isEmpty()) {
            sb.append("cli.note: ").append(note).append('\n');
        }
        return sb.toString();
    }

    /**
     * What the command line does differently from this ImageJ run, so nobody expects identical pixels where they
     * cannot be: the CLI stylises one whole plane of a file and writes the strategy's colour result.
     */
    static String cliNote(TransferSettings settings, String imageLines) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (imageLines.contains("image.tiles:")) {
            parts.add("ImageJ cut the plane into tiles");
        }
        if (imageLines.contains("image.selection:")) {
            parts.add("ImageJ blended the result into a selection");
        }
        if (imageLines.contains("image.planes: all")) {
            parts.add("ImageJ stylised every plane");
        }
        if (imageLines.contains("image.range") && !settings.image().color()) {
            parts.add("ImageJ mapped grey values by the range above and kept the luminance (the CLI reads the "
                    + "file's grey values and writes colour)");
        }
        return parts.isEmpty() ? "" : "the command line repeats the strategy run on the whole content file; "
                + String.join("; ", parts);
    }

    /**
     * How the image was read: planes, the grey value range per channel, tiling and selection, one
     * {@code image.*} line each. Tiling is {@code image.tiling: by the strategy …} when the strategy tiles images
     * itself (each plane's region was sent whole; the {@code tile} option was not used), else
     * {@code image.tiles: N pixel tiles of at most S px …} when the plugin cut the region, else no line.
     *
     * @param byStrategy whether the strategy tiled the images itself ({@code tiles} is then one whole tile)
     */
    static String imageLines(ImagePlus content, PlaneSet planes, List<IntensityMap> maps, Tiles tiles,
            boolean byStrategy, Roi roi) {
        StringBuilder sb = new StringBuilder();
        sb.append("image.type: ").append(typeName(content)).append('\n');
        sb.append("image.planes: ").append(planes.describe()).append('\n');
        for (int c = 0; c < maps.size(); c++) {
            IntensityMap m = maps.get(c);
            if (m != null) {
                sb.append("image.range").append(maps.size() > 1 ? ".c" + (c + 1) : "").append(": ")
                        .append(num(m.low())).append(" – ").append(num(m.high()))
                        .append(m.inverted() ? " (inverted LUT)" : "").append('\n');
            }
        }
        if (byStrategy) {
            Tiles.Tile whole = tiles.tiles().get(0);
            sb.append("image.tiling: by the strategy (each plane's ").append(whole.w()).append('×')
                    .append(whole.h()).append(" px sent whole; the tile option is not used)\n");
        } else if (tiles.isSplit()) {
            sb.append("image.tiles: ").append(tiles.tiles().size()).append(" pixel tiles of at most ")
                    .append(tiles.side()).append(" px per plane, overlap ").append(tiles.overlap()).append(" px\n");
        }
        if (roi != null) {
            java.awt.Rectangle b = roi.getBounds();
            sb.append("image.selection: ").append(roi.getTypeAsString()).append(" at ").append(b.x).append(',')
                    .append(b.y).append(' ').append(b.width).append('×').append(b.height).append('\n');
        }
        return sb.toString();
    }

    private static String typeName(ImagePlus imp) {
        String base;
        switch (imp.getType()) {
            case ImagePlus.GRAY8: base = "8-bit"; break;
            case ImagePlus.GRAY16: base = "16-bit"; break;
            case ImagePlus.GRAY32: base = "32-bit"; break;
            case ImagePlus.COLOR_256: base = "8-bit colour table"; break;
            default: base = "RGB"; break;
        }
        return imp.isComposite() ? base + " composite, " + imp.getNChannels() + " channels" : base;
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.6g", v);
    }

    /**
     * The {@code atelier} command line that repeats a run: {@code atelier transfer --content C --style S
     * --strategy ID --set k=v … --seed N [--model M] --out O}.
     *
     * @param contentPath the content file, or null for an unsaved image (a placeholder is written)
     * @param stylePath   the style file (or the open image's title when it was never saved)
     * @param outName     file name suggested for {@code --out}
     */
    public static String commandLine(String contentPath, String stylePath, TransferSettings s, String outName) {
        StringBuilder sb = new StringBuilder("atelier transfer");
        sb.append(" --content ").append(shellQuote(contentPath == null ? "<content image file>" : contentPath));
        sb.append(" --style ").append(shellQuote(stylePath));
        sb.append(" --strategy ").append(shellQuote(s.strategyId()));
        s.parameters().forEach((k, v) -> sb.append(" --set ").append(shellQuote(k + "=" + v)));
        sb.append(" --seed ").append(s.seed());
        if (!s.model().isEmpty()) {
            sb.append(" --model ").append(shellQuote(s.model()));
        }
        sb.append(" --out ").append(shellQuote(outName));
        return sb.toString();
    }

    private static Map<String, String> mergedParameters(TransferSettings settings, Map<String, String> used) {
        Map<String, String> out = new java.util.LinkedHashMap<>(settings.parameters());
        out.putAll(used);
        return out;
    }

    private static String fileBase(String title) {
        int dot = title.lastIndexOf('.');
        String base = dot > 0 ? title.substring(0, dot) : title;
        return base.replaceAll("[^A-Za-z0-9._-]+", "_");
    }

    static String shellQuote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:=+,@%-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String escapeMacroString(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
