package atelier.runtime.taesd;

import static atelier.runtime.taesd.AutoencoderTinyTest.maxAbsDiff;
import static atelier.runtime.taesd.AutoencoderTinyTest.models;
import static atelier.runtime.taesd.AutoencoderTinyTest.readImage;
import static atelier.runtime.taesd.AutoencoderTinyTest.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TaesdStagesTest {
    private static final double SAME = 1e-5;

    /**
     * The two parts, in order, are the whole half; the cut is at 1/8 with 64 channels; only TAEF2 has GroupNorm
     * layers, all in the global parts; the local parts really are local (a crop gives the same features away from
     * its cut edge).
     */
    @ParameterizedTest
    @EnumSource(TaesdFamily.class)
    void stagesComposeToTheWholeHalfAndOnlyTheLocalPartIsTiled(TaesdFamily family) throws Exception {
        Path p = TaesdFamily.locate(models(), family);
        try (NDManager root = NDManager.newBaseManager(); AutoencoderTiny ae = AutoencoderTiny.load(p, root);
                NDManager run = root.newSubManager()) {
            TaesdStages enc = ae.encodeStages();
            TaesdStages dec = ae.decodeStages();
            System.out.println(family + ":\n" + enc.describe() + "\n" + dec.describe());
            assertTrue(enc.isEncoder());
            assertFalse(dec.isEncoder());
            assertEquals(8, enc.localFactor());
            assertEquals(8, dec.localFactor());
            assertEquals(64, enc.boundaryChannels());
            assertEquals(64, dec.boundaryChannels());
            assertEquals(family == TaesdFamily.FLUX2, enc.hasGlobalStatistics(), enc.toString());
            assertEquals(family == TaesdFamily.FLUX2, dec.hasGlobalStatistics(), dec.toString());
            for (TaesdStages half : new TaesdStages[] {enc, dec}) {
                String d = half.describe();
                String localLines = d.substring(d.indexOf("local (")).split("global \\(")[0];
                assertFalse(localLines.contains("GroupNorm"), "a GroupNorm layer in a local part:\n" + d);
            }

            NDArray image = readImage(shared().resolve("images/astronaut.png"), run, 2);
            int before = ((BaseNDManager) run).getManagedArrays().size();
            NDArray features = enc.local(image);
            assertEquals(new Shape(1, 64, 32, 32), features.getShape());
            NDArray z = enc.global(features);
            NDArray zWhole = ae.encode(image);
            assertEquals(before + 3, ((BaseNDManager) run).getManagedArrays().size(), "intermediates leaked");
            double dz = maxAbsDiff(z, zWhole);

            NDArray h = dec.global(zWhole);
            assertEquals(new Shape(1, 64, 32, 32), h.getShape());
            NDArray y = dec.local(h);
            assertEquals(new Shape(1, 3, 256, 256), y.getShape());
            double dy = maxAbsDiff(y, ae.decode(zWhole));
            System.out.printf("%s: global(local(x)) vs encode max|diff| %.3g, local(global(z)) vs decode %.3g%n",
                    family, dz, dy);
            assertTrue(dz <= SAME, family + " encoder stages differ by " + dz);
            assertTrue(dy <= SAME, family + " decoder stages differ by " + dy);

            // local: a crop of the image (or of the 1/8 features) gives the same result away from its cut edge
            NDArray imageCrop = image.get(new NDIndex(":, :, :, 0:192"));
            NDArray cropFeatures = enc.local(imageCrop);
            double de = maxAbsDiff(cropFeatures.get(new NDIndex(":, :, :, 0:12")),
                    features.get(new NDIndex(":, :, :, 0:12")));
            NDArray hCrop = h.get(new NDIndex(":, :, :, 0:24"));
            double dd = maxAbsDiff(dec.local(hCrop).get(new NDIndex(":, :, :, 0:96")),
                    y.get(new NDIndex(":, :, :, 0:96")));
            System.out.printf("%s: local part on a crop, 12 latent columns from the cut: encoder %.3g, decoder %.3g%n",
                    family, de, dd);
            assertTrue(de <= SAME, family + " encoder local part is not local: " + de);
            assertTrue(dd <= SAME, family + " decoder local part is not local: " + dd);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TaesdFamily.class, names = {"SD", "FLUX2"})
    void wrongShapesAreNamed(TaesdFamily family) {
        try (NDManager root = NDManager.newBaseManager();
                AutoencoderTiny ae = AutoencoderTiny.load(TaesdFamily.locate(models(), family), root)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ae.encodeStages().local(root.zeros(new Shape(1, 3, 60, 64))));
            assertTrue(e.getMessage().contains("multiples of 8"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> ae.encodeStages().global(root.zeros(new Shape(1, 3, 8, 8))));
            assertTrue(e.getMessage().contains("encoder global stage expects [B, 64, h, w]"), e.getMessage());
            int c = family.latentChannels();
            e = assertThrows(IllegalArgumentException.class,
                    () -> ae.decodeStages().local(root.zeros(new Shape(1, c, 8, 8))));
            assertTrue(e.getMessage().contains("decoder local stage expects [B, 64, h, w]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> ae.decodeStages().global(root.zeros(new Shape(1, 64, 8, 8))));
            assertTrue(e.getMessage().contains("[B, " + c + ", h, w]"), e.getMessage());
        }
    }
}
