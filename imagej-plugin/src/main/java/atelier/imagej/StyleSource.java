package atelier.imagej;

import java.io.File;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.io.FileInfo;

/**
 * Finds the style image named by the {@code style} key: first an open image with that title, then an image file
 * at that path. The style image is only read.
 *
 * @param image the style image
 * @param path  the file it comes from, or null for an unsaved open image
 */
public record StyleSource(ImagePlus image, String path) {

    /**
     * @throws IllegalArgumentException when neither an open image nor a readable image file matches
     */
    public static StyleSource resolve(String ref) {
        ImagePlus open = WindowManager.getImage(ref);
        if (open != null) {
            return new StyleSource(open, filePathOf(open));
        }
        File file = new File(ref);
        if (file.isFile()) {
            ImagePlus imp = IJ.openImage(file.getPath());
            if (imp == null) {
                throw new IllegalArgumentException("style: '" + ref + "' is a file ImageJ cannot open as an image");
            }
            return new StyleSource(imp, file.getAbsolutePath());
        }
        String[] titles = WindowManager.getImageTitles();
        throw new IllegalArgumentException("style: '" + ref + "' is neither the title of an open image nor an "
                + "image file" + (titles.length == 0 ? "" : "; open images: " + String.join(", ", titles)));
    }

    /** The file an image was opened from, or null. */
    public static String filePathOf(ImagePlus imp) {
        FileInfo fi = imp.getOriginalFileInfo();
        if (fi == null || fi.fileName == null || fi.fileName.isEmpty() || fi.directory == null
                || fi.directory.isEmpty()) {
            return null;
        }
        File f = new File(fi.directory, fi.fileName);
        return f.isFile() ? f.getAbsolutePath() : null;
    }
}
