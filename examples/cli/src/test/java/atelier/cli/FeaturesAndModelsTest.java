package atelier.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code features} against the distribution's feature repository, {@code models} against the test models. */
class FeaturesAndModelsTest {

    @Test
    void featuresListShowsTheInstalledOnesAndTheRunningBundles() {
        CliRun r = CliRun.of("features", "list");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("* core") && r.out().contains("* latent-stats"), r.toString());
        assertTrue(r.out().contains("all"), r.toString());
        assertTrue(r.out().contains("ACTIVE") && r.out().contains("atelier.strategy.latentstats"), r.toString());
    }

    @Test
    void uninstallingLatentStatsRemovesTheStrategyUntilItIsInstalledAgain() {
        try {
            CliRun gone = CliRun.of("features", "uninstall", "latent-stats");
            assertEquals(0, gone.code(), gone.toString());
            CliRun none = CliRun.of("strategies");
            assertEquals(0, none.code(), none.toString());
            assertFalse(none.out().contains("latent-stats "), none.toString());
        } finally {
            CliRun back = CliRun.of("features", "install", "latent-stats");
            assertEquals(0, back.code(), back.toString());
        }
        assertTrue(CliRun.of("strategies").out().contains("latent-stats"));
    }

    @Test
    void unknownFeaturesAreBadInput() {
        CliRun r = CliRun.of("features", "install", "no-such-feature");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("no-such-feature") && r.err().contains("latent-stats"), r.toString());
        assertEquals(2, CliRun.of("features", "uninstall", "all").code(), "not installed");
    }

    @Test
    void modelsListAndVerifyTheStore() {
        CliRun list = CliRun.of("models", "list");
        assertEquals(0, list.code(), list.toString());
        assertTrue(list.out().contains("taef2") && list.out().contains("present"), list.toString());
        CliRun ok = CliRun.of("models", "verify", "taef2");
        assertEquals(0, ok.code(), ok.toString());
        assertTrue(ok.out().contains("OK"), ok.toString());
        assertEquals(2, CliRun.of("models", "verify", "no-such-model").code());
    }
}
