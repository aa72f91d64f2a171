package atelier.imagej;

import java.util.function.BooleanSupplier;

import atelier.api.FloatImage;
import atelier.api.ProgressListener;
import atelier.api.StyleTransferService;
import atelier.api.TransferException;
import atelier.api.TransferRequest;
import atelier.api.TransferResult;
import ij.ImagePlus;
import ij.measure.Calibration;
import ij.process.ImageProcessor;

/**
 * The command without any user interface: content image + {@link TransferSettings} in, a new result image out.
 * {@link StyleTransfer_} gathers the settings (dialog or macro options) and shows the result; tests call this
 * directly with a fake {@link StyleTransferService}. Neither input image is modified.
 */
public final class StyleTransferCommand {
    /** Image property holding the macro options that reproduce a result. */
    public static final String OPTIONS_PROPERTY = "atelier.options";

    private final StyleTransferService service;
    private final BooleanSupplier cancelRequested;
    private final ProgressListener progress;

    public StyleTransferCommand(StyleTransferService service, BooleanSupplier cancelRequested,
            ProgressListener progress) {
        this.service = service;
        this.cancelRequested = cancelRequested;
        this.progress = progress;
    }

    /**
     * Runs the transfer on the current plane of {@code content}.
     *
     * @return a new image titled {@code <content title>-<strategy>} carrying calibration and an Info property
     * @throws IllegalArgumentException when the style cannot be found
     * @throws TransferException        from the service (bad value, model, cancelled, strategy failed)
     */
    public ImagePlus run(ImagePlus content, TransferSettings settings) throws TransferException {
        StyleSource style = StyleSource.resolve(settings.style());
        FloatImage contentPixels = ImageConversion.toFloatImage(content);
        FloatImage stylePixels = ImageConversion.toFloatImage(style.image());
        TransferRequest.Builder request = TransferRequest.builder(contentPixels, stylePixels, settings.strategyId())
                .parameters(settings.parameters())
                .seed(settings.seed());
        if (!settings.model().isEmpty()) {
            request.model(settings.model());
        }
        TransferResult result = new TransferRunner(service, cancelRequested).run(request.build(), progress);
        return resultImage(content, style, settings, result);
    }

    static ImagePlus resultImage(ImagePlus content, StyleSource style, TransferSettings settings,
            TransferResult result) {
        ImageProcessor ip = ImageConversion.toProcessor(result.image(), content);
        ImagePlus out = new ImagePlus(content.getTitle() + "-" + result.strategyId(), ip);
        Calibration cal = content.getCalibration().copy();
        if (out.getBitDepth() != content.getBitDepth()) {
            cal.disableDensityCalibration();
        }
        out.setCalibration(cal);
        String contentPath = StyleSource.filePathOf(content);
        out.setProperty("Info", ProvenanceInfo.text(content.getTitle(), contentPath, style.path(), settings,
                result));
        out.setProp(OPTIONS_PROPERTY, settings.toMacroOptions());
        return out;
    }
}
