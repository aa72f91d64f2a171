package atelier.imagej;

import java.util.ArrayList;
import java.util.List;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ImageProcessor;

/**
 * The planes of an image a run works on: the current one, or all of a stack or hyperstack in stack order.
 * Planes are read, never changed.
 */
final class PlaneSet {
    private final ImagePlus imp;
    private final ImageStack stack;
    private final int[] indices;

    private PlaneSet(ImagePlus imp, int[] indices) {
        this.imp = imp;
        this.stack = imp.getStack();
        this.indices = indices;
    }

    static PlaneSet of(ImagePlus imp, boolean all) {
        if (imp.getProcessor() == null) {
            throw new IllegalArgumentException("image '" + imp.getTitle() + "' has no pixels");
        }
        int n = imp.getStackSize();
        if (all && n > 1) {
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i + 1;
            }
            return new PlaneSet(imp, idx);
        }
        return new PlaneSet(imp, new int[] {imp.getCurrentSlice()});
    }

    int size() { return indices.length; }

    /** 1-based stack index of the {@code p}-th plane. */
    int stackIndex(int p) { return indices[p]; }

    /** 1-based channel of the {@code p}-th plane. */
    int channel(int p) {
        return imp.getNChannels() > 1 ? imp.convertIndexToPosition(indices[p])[0] : 1;
    }

    /** The {@code p}-th plane (the stack's own processor for a single image; never modified). */
    ImageProcessor processor(int p) {
        if (imp.getStackSize() == 1) {
            return imp.getProcessor();
        }
        return stack.getProcessor(indices[p]);
    }

    /** Every plane of channel {@code c} in this set. */
    List<ImageProcessor> processorsOfChannel(int c) {
        List<ImageProcessor> out = new ArrayList<>();
        for (int p = 0; p < indices.length; p++) {
            if (channel(p) == c) {
                out.add(processor(p));
            }
        }
        return out;
    }

    String label(int index) {
        return imp.getStackSize() == 1 ? null : stack.getSliceLabel(index);
    }

    /** RGB or indexed colour: the planes go to the network as colour. */
    boolean colour() {
        return imp.getType() == ImagePlus.COLOR_RGB || indexed();
    }

    /** 8-bit with a colour table that is not grey. */
    boolean indexed() {
        return imp.getType() == ImagePlus.COLOR_256;
    }

    /** "current plane (c 2, z 3, t 1 of 2×5×1)", "all 10 planes (c×z×t 2×5×1)" or "single plane". */
    String describe() {
        String dims = imp.getNChannels() + "×" + imp.getNSlices() + "×" + imp.getNFrames();
        if (imp.getStackSize() == 1) {
            return "single plane";
        }
        if (indices.length > 1) {
            return "all " + indices.length + " planes (c×z×t " + dims + ")";
        }
        int[] pos = imp.convertIndexToPosition(indices[0]);
        return "current plane (c " + pos[0] + ", z " + pos[1] + ", t " + pos[2] + " of c×z×t " + dims + ")";
    }
}
