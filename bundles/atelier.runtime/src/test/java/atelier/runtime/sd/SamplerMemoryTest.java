package atelier.runtime.sd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import atelier.runtime.bench.Bench;

import org.junit.jupiter.api.Test;

/** A long loop must not grow resident memory: every step's arrays are freed when the step ends. */
class SamplerMemoryTest {
    @Test
    void residentMemoryStaysFlatOverFiftySteps() throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                StableDiffusionModel model = StableDiffusionModel.load(TestModels.tinySd(), root);
                NDManager run = root.newSubManager()) {
            NDArray cond = model.encodePrompt("a photograph of an astronaut riding a horse", run);
            NDArray uncond = model.encodePrompt("", run);
            run.getEngine().setRandomSeed(7);
            NDArray zT = run.randomNormal(new Shape(1, 4, 32, 32));
            long[] rssKb = new long[2];
            LoopOptions o = LoopOptions.of(50).withGuidance(7.5).withTrajectory(false)
                    .withProgress((phase, done, total) -> {
                        if (done == 10) {
                            System.gc();
                            rssKb[0] = Bench.procStatusKb("VmRSS");
                        } else if (done == 50) {
                            System.gc();
                            rssKb[1] = Bench.procStatusKb("VmRSS");
                        }
                    });
            model.sampler().sample(zT, cond, uncond, o, run);
            long growthMb = (rssKb[1] - rssKb[0]) / 1024;
            System.out.println("VmRSS after step 10: " + rssKb[0] / 1024 + " MB, after step 50: " + rssKb[1] / 1024
                    + " MB");
            assertTrue(rssKb[0] > 0, "VmRSS readable");
            assertTrue(growthMb < 30, "resident memory grew by " + growthMb + " MB over 40 steps");
        }
    }
}
