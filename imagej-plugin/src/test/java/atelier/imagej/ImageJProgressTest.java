package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The status line and the time left, with a fake clock. */
class ImageJProgressTest {

    @Test
    void aStrategyThatTilesItselfIsPacedByItsTiles() {
        AtomicLong now = new AtomicLong();
        ImageJProgress p = new ImageJProgress("styleid", now::get);
        p.unit(0, 1, "");
        now.set(10_000_000_000L); // 10 s: the first of 4 tiles is half done
        String line = p.statusLine("tile 1/4: inversion content", 5, 10);
        assertEquals(0.125, p.fraction(), 1e-9);
        assertTrue(line.startsWith("Atelier styleid: tile 1/4: inversion content 5/10, about 1:10 min left"), line);
        now.set(40_000_000_000L); // 40 s: tile 3 starts its generation; the inversion of tile 1 finished long ago
        p.statusLine("tile 3/4: generation", 1, 10);
        assertEquals((2 + 0.1) / 4, p.fraction(), 1e-9);
        p.statusLine("tile 3/4: inversion content", 10, 10); // never backwards within the run
        assertEquals((2 + 0.99) / 4, p.fraction(), 1e-9);
    }

    @Test
    void withoutTilesThePhaseSetsThePace() {
        AtomicLong now = new AtomicLong();
        ImageJProgress p = new ImageJProgress("latent-stats", now::get);
        p.unit(1, 2, "plane 2/2");
        now.set(4_000_000_000L);
        String line = p.statusLine("decode", 1, 2);
        assertEquals(0.75, p.fraction(), 1e-9);
        assertTrue(line.startsWith("Atelier latent-stats: plane 2/2, decode 1/2, about 1 s left"), line);
    }

    @Test
    void inTheFirstUnitWithoutTilesTheCurrentPhaseIsTimed() {
        AtomicLong now = new AtomicLong();
        ImageJProgress p = new ImageJProgress("styleid", now::get);
        p.unit(0, 1, "");
        p.statusLine("inversion content", 0, 50);
        now.set(10_000_000_000L); // 10 s for 10 of 50 steps
        String line = p.statusLine("inversion content", 10, 50);
        assertTrue(line.contains("inversion content 10/50, about 40 s left in this phase"), line);
        now.set(20_000_000_000L); // a new phase starts its own clock
        String next = p.statusLine("generation", 0, 49);
        assertTrue(!next.contains("left"), next);
        now.set(25_000_000_000L);
        String later = p.statusLine("generation", 5, 49);
        assertTrue(later.contains("about 44 s left in this phase"), later);
    }
}
