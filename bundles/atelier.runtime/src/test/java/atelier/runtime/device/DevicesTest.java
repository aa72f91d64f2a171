package atelier.runtime.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import org.junit.jupiter.api.Test;

class DevicesTest {
    @Test
    void autoPicksTheFirstGpuOnlyWhenThereIsOne() {
        assertEquals(Device.cpu(), Devices.resolve(null, 0));
        assertEquals(Device.cpu(), Devices.resolve("auto", 0));
        assertEquals(Device.gpu(0), Devices.resolve("", 2));
    }

    @Test
    void explicitChoices() {
        assertEquals(Device.cpu(), Devices.resolve("CPU", 4));
        assertEquals(Device.gpu(0), Devices.resolve("cuda", 1));
        assertEquals(Device.gpu(1), Devices.resolve("cuda:1", 2));
        assertEquals(Device.gpu(1), Devices.resolve("gpu:1", 2));
    }

    @Test
    void aGpuTheEngineLacksIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.resolve("cuda", 0));
        assertTrue(e.getMessage().contains("reports 0 GPU(s)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Devices.resolve("cuda:2", 2));
        assertThrows(IllegalArgumentException.class, () -> Devices.resolve("tpu", 1));
        assertThrows(IllegalArgumentException.class, () -> Devices.resolve("cuda:x", 1));
    }

    @Test
    void thisMachineRunsOnTheCpuByDefault() {
        if (System.getProperty(Devices.PROPERTY) == null && System.getenv(Devices.ENV) == null) {
            assertEquals(ai.djl.engine.Engine.getInstance().getGpuCount() > 0 ? Device.gpu(0) : Device.cpu(),
                    Devices.preferred());
        }
    }
}
