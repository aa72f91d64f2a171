package atelier.imagej;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import atelier.api.CancellationToken;
import atelier.api.FloatImage;
import atelier.api.ProgressListener;
import atelier.api.StrategyInfo;
import atelier.api.StyleTransferService;
import atelier.api.TransferException;
import atelier.api.TransferRequest;
import atelier.imagej.pixels.IntensityMap;
import ij.ImagePlus;
import ij.process.ImageProcessor;

/**
 * The dialog's fast preview: {@code latent-stats} on a downscaled copy of the current plane and of the style
 * (the diffusion strategies take minutes; latent-stats with TAESD takes well under a second at this size). When
 * the chosen strategy is latent-stats its parameters are used; otherwise latent-stats' defaults with the
 * smallest autoencoder. The result is an RGB processor of the downscaled size, shown inside the dialog.
 */
final class Preview {
    /** The strategy previews use. */
    static final String STRATEGY = "latent-stats";
    /** Longest side of the preview. */
    static final int SIDE = 160;

    private Preview() { }

    /** The content's current plane scaled down to fit {@code side}, as RGB (what the dialog shows first). */
    static ImageProcessor thumbnail(ImagePlus content, int side) {
        ImageProcessor ip = content.getProcessor().duplicate();
        ip.resetRoi();
        int[] size = fit(ip.getWidth(), ip.getHeight(), side);
        return ip.resize(size[0], size[1], true).convertToRGB();
    }

    /**
     * Stylises a downscaled copy.
     *
     * @throws TransferException        from the service, or BAD_INPUT when latent-stats is not installed
     * @throws IllegalArgumentException when the style cannot be found
     */
    static ImageProcessor render(StyleTransferService service, ImagePlus content, String styleRef,
            String strategyId, Map<String, String> parameters, long seed, ImageOptions options,
            CancellationToken cancel) throws TransferException {
        Optional<StrategyInfo> latentStats = service.strategy(STRATEGY);
        if (latentStats.isEmpty()) {
            throw new TransferException(TransferException.Kind.BAD_INPUT, "the preview needs the latent-stats "
                    + "strategy, which is not installed (Plugins › Atelier › Manage Strategies…)");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (STRATEGY.equals(strategyId)) {
            params.putAll(parameters);
        } else if (latentStats.get().spec().parameters().stream().anyMatch(p -> p.key().equals("autoencoder"))) {
            params.put("autoencoder", "taesd");
        }
        ImageProcessor plane = content.getProcessor().duplicate();
        plane.resetRoi();
        int[] size = fit(plane.getWidth(), plane.getHeight(), SIDE);
        ImageProcessor small = plane.resize(size[0], size[1], true);
        small.setMinAndMax(plane.getMin(), plane.getMax());
        boolean grey = content.getType() != ImagePlus.COLOR_RGB && content.getType() != ImagePlus.COLOR_256;
        IntensityMap map = grey ? IntensityMap.display(small) : null;
        FloatImage contentPixels = ImageConversion.toFloatImage(small, map, content.getType() == ImagePlus.COLOR_256);
        ImagePlus style = StyleSource.resolve(styleRef).image();
        ImageProcessor styleIp = style.getProcessor().duplicate();
        int[] styleSize = fit(styleIp.getWidth(), styleIp.getHeight(), 2 * SIDE);
        ImageProcessor styleSmall = styleIp.resize(styleSize[0], styleSize[1], true);
        ImagePlus styleImp = new ImagePlus("style", styleSmall);
        FloatImage stylePixels = ImageConversion.toFloatImage(styleImp);
        TransferRequest request = TransferRequest.builder(contentPixels, stylePixels, STRATEGY)
                .parameters(params).seed(seed).build();
        FloatImage out = service.transfer(request, ProgressListener.NONE, cancel).image();
        ImageProcessor result = ImageConversion.toProcessor(out, grey ? small : null, map, options.color());
        return result.convertToRGB();
    }

    static int[] fit(int w, int h, int side) {
        double s = Math.min(1.0, side / (double) Math.max(w, h));
        return new int[] {Math.max(1, (int) Math.round(w * s)), Math.max(1, (int) Math.round(h * s))};
    }
}
