package atelier.imagej;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import atelier.api.FloatImage;
import atelier.api.ProgressListener;
import atelier.api.StyleTransferService;
import atelier.api.TransferException;
import atelier.api.TransferRequest;
import atelier.api.TransferResult;
import atelier.api.TransferSession;
import atelier.imagej.pixels.IntensityMap;
import atelier.imagej.pixels.IntensityRange;
import atelier.imagej.pixels.SelectionBlend;
import atelier.imagej.pixels.Tiles;
import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Roi;
import ij.measure.Calibration;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import ij.process.LUT;

/**
 * The command without any user interface: content image + {@link TransferSettings} in, a new result image out.
 * {@link StyleTransfer_} gathers the settings (dialog or macro options) and shows the result; tests call this
 * directly with a fake {@link StyleTransferService}. Neither input image is modified.
 * <p>
 * What it does with the ImageJ image:
 * <ul>
 * <li>the current plane, or every plane of a stack or hyperstack ({@link ImageOptions#allPlanes()}), all with
 * the same seed; the result keeps the channels/slices/frames layout, slice labels, LUTs and composite mode;</li>
 * <li>grey planes are mapped into [0, 1] by the display range or by percentiles (one map per channel, shared by
 * all its planes) and the result is mapped back into the same range; grey stays grey (luminance of a colour
 * result) unless {@link ImageOptions#color()} is set;</li>
 * <li>a strategy that tiles images itself ({@link atelier.api.spi.StrategySpec#tilesItself()}: latent tiles for
 * diffusion, whole-image statistics for autoencoders) gets each plane's region whole, one request per plane;
 * for any other strategy a plane larger than {@link ImageOptions#tile()} is stylised in overlapping pixel tiles
 * blended with feathered weights ({@link Tiles}), every tile's request carrying the same style image and seed;</li>
 * <li>every request of one run (all planes, all tiles) goes through one {@link TransferSession}, so work that
 * depends only on the style (StyleID's style inversion, a style's statistics) is done once; the session is
 * closed when the run ends, also when it is cancelled or fails;</li>
 * <li>with an area selection only the selection's bounds (plus a margin) are stylised and the result is blended
 * into the selection with a soft edge ({@link SelectionBlend}); outside it the content is unchanged;</li>
 * <li>calibration and image properties are carried over; {@code Info} records how to reproduce the result.</li>
 * </ul>
 * Nothing is shown until every plane is done, so a cancelled or failed run leaves no half-made image.
 */
public final class StyleTransferCommand {
    /** Image property holding the macro options that reproduce a result. */
    public static final String OPTIONS_PROPERTY = "atelier.options";

    private final StyleTransferService service;
    private final BooleanSupplier cancelRequested;
    private final ProgressListener progress;
    private Predicate<WorkEstimate> confirm = e -> true;

    public StyleTransferCommand(StyleTransferService service, BooleanSupplier cancelRequested,
            ProgressListener progress) {
        this.service = service;
        this.cancelRequested = cancelRequested;
        this.progress = progress;
    }

    /** Asks {@code confirm} before work that the estimate calls long; a {@code false} answer runs nothing. */
    public StyleTransferCommand confirmLongWork(Predicate<WorkEstimate> confirm) {
        this.confirm = confirm;
        return this;
    }

    /**
     * Runs the transfer.
     *
     * @return a new image titled {@code <content title>-<strategy>} carrying calibration, properties and an
     *         Info property; {@code null} when the user declined a long run
     * @throws IllegalArgumentException when the style cannot be found or the selection has no area
     * @throws TransferException        from the service (bad value, model, cancelled, strategy failed)
     */
    public ImagePlus run(ImagePlus content, TransferSettings settings) throws TransferException {
        StyleSource style = StyleSource.resolve(settings.style());
        FloatImage stylePixels = ImageConversion.toFloatImage(style.image());
        ImageOptions options = settings.image();
        PlaneSet planes = PlaneSet.of(content, options.allPlanes());
        Roi roi = content.getRoi() == null ? null : SelectionBlend.areaOf(content.getRoi());
        Rectangle region = roi == null ? new Rectangle(0, 0, content.getWidth(), content.getHeight())
                : SelectionBlend.region(roi, Math.max(32, 3 * options.feather()), content.getWidth(),
                        content.getHeight());
        boolean byStrategy = tilesItself(settings.strategyId());
        Tiles tiles = byStrategy ? Tiles.whole(region.width, region.height)
                : Tiles.of(region.width, region.height, options.tile());
        WorkEstimate estimate = byStrategy
                ? WorkEstimate.tiledByStrategy(settings.strategyId(), planes.size(), region, planes.colour())
                : WorkEstimate.of(settings.strategyId(), planes.size(), tiles, region, planes.colour());
        if (estimate.isLong() && !confirm.test(estimate)) {
            return null;
        }
        List<IntensityMap> maps = intensityMaps(content, planes, options.range());
        float[] weights = roi == null ? null : SelectionBlend.weights(roi, region, options.feather());

        ImageStack out = new ImageStack(content.getWidth(), content.getHeight());
        TransferResult last = null;
        double seconds = 0;
        int unit = 0;
        long started = System.nanoTime();
        try (TransferSession session = BatchScope.sessionFor(service)) {
            TransferRunner runner = new TransferRunner(session, cancelRequested);
            for (int p = 0; p < planes.size(); p++) {
                int index = planes.stackIndex(p);
                ImageProcessor plane = planes.processor(p);
                IntensityMap map = planes.colour() ? null : maps.get(planes.channel(p) - 1);
                ImageProcessor like = plane.duplicate();
                if (map != null) {
                    applyDisplayRange(like, content, planes.channel(p));
                }
                like.setRoi(region);
                ImageProcessor part = like.crop();
                applyDisplayRange(part, content, planes.channel(p));
                FloatImage pixels = ImageConversion.toFloatImage(part, map, planes.indexed());
                float[] data = pixels.data();
                Tiles.Blender blender = tiles.blender();
                for (Tiles.Tile t : tiles.tiles()) {
                    if (progress instanceof UnitProgress u) {
                        u.unit(unit++, planes.size() * tiles.tiles().size(), unitLabel(planes, p, tiles, t));
                    }
                    FloatImage tileContent = tiles.isSplit() ? tiles.crop(data, pixels.channels(), t) : pixels;
                    TransferResult r = transferOne(runner, tileContent, stylePixels, settings);
                    blender.add(t, r.image());
                    seconds += r.seconds();
                    last = r;
                }
                ImageProcessor stylised = ImageConversion.toProcessor(blender.result(), map == null ? null : part, map,
                        options.color());
                ImageProcessor result = roi == null ? stylised : blended(like, stylised, region, weights);
                if (map != null && !(result instanceof ColorProcessor)) {
                    result.setMinAndMax(part.getMin(), part.getMax());
                }
                out.addSlice(planes.label(index), result);
            }
        }
        WorkEstimate.remember(settings.strategyId(), estimate.megapixels(),
                (System.nanoTime() - started) / 1e9);
        TransferResult summary = new TransferResult(last.image(),
                last.strategyId(), last.strategyVersion(), last.bundle(), last.parameters(), last.seed(),
                last.model(), last.modelSha256(), seconds);
        ImagePlus image = resultImage(content, out, planes, settings);
        String contentPath = StyleSource.filePathOf(content);
        image.setProperty("Info", ProvenanceInfo.text(content.getTitle(), contentPath, style.path(), settings,
                summary, ProvenanceInfo.imageLines(content, planes, maps, tiles, byStrategy, roi)));
        image.setProp(OPTIONS_PROPERTY, settings.toMacroOptions());
        return image;
    }

    /** Whether the strategy takes whole images and tiles them itself; false for one the service does not know. */
    private boolean tilesItself(String strategyId) {
        return service.strategy(strategyId).map(info -> info.spec().tilesItself()).orElse(false);
    }

    private TransferResult transferOne(TransferRunner runner, FloatImage content, FloatImage style,
            TransferSettings settings) throws TransferException {
        TransferRequest.Builder request = TransferRequest.builder(content, style, settings.strategyId())
                .parameters(settings.parameters())
                .seed(settings.seed());
        if (!settings.model().isEmpty()) {
            request.model(settings.model());
        }
        return runner.run(request.build(), progress);
    }

    private static String unitLabel(PlaneSet planes, int p, Tiles tiles, Tiles.Tile t) {
        StringBuilder sb = new StringBuilder();
        if (planes.size() > 1) {
            sb.append("plane ").append(p + 1).append('/').append(planes.size());
        }
        if (tiles.isSplit()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append("tile ").append(tiles.tiles().indexOf(t) + 1).append('/').append(tiles.tiles().size());
        }
        return sb.toString();
    }

    /** The full plane with {@code stylised} blended into the selection; colour if the stylised part is. */
    private static ImageProcessor blended(ImageProcessor plane, ImageProcessor stylised, Rectangle region,
            float[] weights) {
        plane.resetRoi();
        ImageProcessor base = stylised instanceof ColorProcessor && !(plane instanceof ColorProcessor)
                ? plane.convertToRGB() : plane.duplicate();
        if (!(stylised instanceof ColorProcessor) && base.getBitDepth() != stylised.getBitDepth()) {
            base = base.convertToByte(true); // an indexed-colour plane with a grey result
        }
        SelectionBlend.blendInto(base, stylised, region, weights);
        return base;
    }

    /** One intensity map per channel (grey content), shared by all processed planes of that channel. */
    private static List<IntensityMap> intensityMaps(ImagePlus content, PlaneSet planes, IntensityRange range) {
        List<IntensityMap> maps = new ArrayList<>();
        if (planes.colour()) {
            return maps;
        }
        for (int c = 1; c <= content.getNChannels(); c++) {
            if (range == IntensityRange.PERCENTILES) {
                List<ImageProcessor> of = planes.processorsOfChannel(c);
                if (of.isEmpty()) {
                    maps.add(null);
                    continue;
                }
                IntensityMap m = IntensityMap.percentiles(of);
                maps.add(new IntensityMap(m.low(), m.high(), inverted(displayLut(content, c))));
            } else {
                LUT lut = displayLut(content, c);
                maps.add(new IntensityMap(lut.min, lut.max, inverted(lut)));
            }
        }
        return maps;
    }

    /** An inverted grey LUT: white at 0, black at 255. */
    static boolean inverted(LUT lut) {
        return lut.getMapSize() == 256 && lut.getRed(0) == 255 && lut.getRed(255) == 0 && lut.getGreen(0) == 255
                && lut.getGreen(255) == 0 && lut.getBlue(0) == 255 && lut.getBlue(255) == 0;
    }

    /** The LUT and display range channel {@code c} is shown with. */
    private static LUT displayLut(ImagePlus content, int c) {
        if (content instanceof CompositeImage composite && content.getNChannels() > 1) {
            return composite.getChannelLut(c);
        }
        LUT lut = content.getProcessor().getLut();
        lut.min = content.getDisplayRangeMin();
        lut.max = content.getDisplayRangeMax();
        return lut;
    }

    private static void applyDisplayRange(ImageProcessor ip, ImagePlus content, int channel) {
        if (ip instanceof ColorProcessor) {
            return;
        }
        LUT lut = displayLut(content, channel);
        ip.setLut(lut);
        ip.setMinAndMax(lut.min, lut.max);
    }

    /** The new image: one plane, or the content's hyperstack layout; calibration and properties copied. */
    static ImagePlus resultImage(ImagePlus content, ImageStack stack, PlaneSet planes, TransferSettings settings) {
        String title = content.getTitle() + "-" + settings.strategyId();
        ImagePlus out = new ImagePlus(title, stack);
        if (planes.size() > 1) {
            out.setDimensions(content.getNChannels(), content.getNSlices(), content.getNFrames());
            if (content.isHyperStack()) {
                out.setOpenAsHyperStack(true);
            }
            if (content instanceof CompositeImage composite && out.getBitDepth() != 24
                    && content.getNChannels() > 1) {
                CompositeImage comp = new CompositeImage(out, composite.getMode());
                for (int c = 1; c <= content.getNChannels(); c++) {
                    LUT lut = (LUT) composite.getChannelLut(c).clone();
                    comp.setChannelLut(lut, c);
                }
                out = comp;
            }
        } else if (out.getBitDepth() != 24 && !planes.colour()) {
            LUT lut = displayLut(content, planes.channel(0));
            ImageProcessor ip = out.getProcessor();
            ip.setLut(lut);
            ip.setMinAndMax(lut.min, lut.max);
        }
        Calibration cal = content.getCalibration().copy();
        if (out.getBitDepth() != content.getBitDepth()) {
            cal.disableDensityCalibration();
        }
        out.setCalibration(cal);
        Properties props = content.getProperties();
        if (props != null) {
            for (String key : props.stringPropertyNames()) {
                if (!key.equals("Info")) {
                    out.setProperty(key, props.getProperty(key));
                }
            }
        }
        String[] imageProps = content.getPropertiesAsArray();
        if (imageProps != null) {
            for (int i = 0; i + 1 < imageProps.length; i += 2) {
                out.setProp(imageProps[i], imageProps[i + 1]);
            }
        }
        String contentInfo = content.getInfoProperty();
        if (contentInfo != null && !contentInfo.isBlank()) {
            out.setProp("atelier.content.info", contentInfo);
        }
        return out;
    }
}
