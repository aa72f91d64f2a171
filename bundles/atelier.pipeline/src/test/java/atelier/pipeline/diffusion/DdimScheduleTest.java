package atelier.pipeline.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import atelier.runtime.scheduler.DdimScheduler;
import atelier.runtime.scheduler.SchedulerConfig;

/** The strategies' schedule is the runtime's (the one checked against diffusers), seen through their needs. */
class DdimScheduleTest {
    @TempDir Path tmp;

    @Test
    void sdScheduleIsTheRuntimeOne() {
        DdimSchedule s = DdimSchedule.sd();
        DdimScheduler runtime = new DdimScheduler(SchedulerConfig.sd15());
        assertEquals(1000, s.trainSteps());
        int[] ts = s.timesteps(50);
        assertEquals(981, ts[0]);
        assertEquals(1, ts[49]);
        assertArrayEquals(runtime.timesteps(50), ts);
        assertEquals(961, s.previous(981, 50));
        for (int t : new int[] {-1, 0, 1, 500, 999}) {
            assertEquals(runtime.alphaCumprodOrFinal(t), s.alpha(t));
        }
        assertEquals(s.alpha(0), s.alpha(-1), "set_alpha_to_one is false for SD");
    }

    @Test
    void theTestModelsConfigReadsAsSd() throws IOException {
        Path shared = Path.of(System.getProperty("atelier.shared", "../../../shared"));
        DdimSchedule s = DdimSchedule.read(shared.resolve("models/tiny-sd/scheduler/scheduler_config.json"));
        assertArrayEquals(DdimSchedule.sd().timesteps(10), s.timesteps(10));
        assertEquals(DdimSchedule.sd().alpha(321), s.alpha(321));
    }

    @Test
    void vPredictionIsRefusedNamingTheFile() throws IOException {
        Path f = tmp.resolve("scheduler_config.json");
        Files.writeString(f, "{\"_class_name\": \"DDIMScheduler\", \"beta_schedule\": \"scaled_linear\","
                + " \"beta_start\": 0.00085, \"beta_end\": 0.012, \"prediction_type\": \"v_prediction\"}");
        IOException e = assertThrows(IOException.class, () -> DdimSchedule.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("v_prediction"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DdimSchedule.sd().timesteps(0));
    }
}
