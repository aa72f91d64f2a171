package atelier.runtime.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import atelier.runtime.ops.Ops;
import atelier.runtime.vae.AutoencoderKL;
import atelier.runtime.vae.VaeConfig;

/**
 * Run by hand (not a test): times full-size SD-1.5 UNet forwards and a VAE decode with random weights.
 * Arguments: {@code unet|vae|all} [repeats]. Prints figures only; the bench command owns the targets.
 */
public final class ForwardTiming {
    private ForwardTiming() { }

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "all";
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        try (NDManager root = NDManager.newBaseManager()) {
            JniUtils.setGradMode(false);
            System.out.println("ops: " + Ops.implementation());
            if (what.equals("unet") || what.equals("all")) {
                long t0 = System.nanoTime();
                try (UNet2DConditionModel unet = UNet2DConditionModel.random(UNetConfig.sd15(), root, 1)) {
                    System.out.printf("unet built in %.1f s%n", (System.nanoTime() - t0) / 1e9);
                    time(unet, root, 1, 32, reps);
                    time(unet, root, 2, 64, reps);
                }
            }
            if (what.equals("vae") || what.equals("all")) {
                try (AutoencoderKL vae = AutoencoderKL.random(VaeConfig.sd15(), root, 2)) {
                    for (int i = 0; i < reps; i++) {
                        try (NDManager m = root.newSubManager()) {
                            NDArray z = m.randomNormal(new Shape(1, 4, 64, 64));
                            long t = System.nanoTime();
                            double c0 = cpu();
                            NDArray img = vae.decode(z);
                            img.toFloatArray();
                            System.out.printf("vae decode 64x64 -> %s: %.2f s wall, %.2f s cpu%n", img.getShape(),
                                    (System.nanoTime() - t) / 1e9, cpu() - c0);
                        }
                    }
                }
            }
        }
    }

    private static double cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    private static void time(UNet2DConditionModel unet, NDManager root, int batch, int size, int reps) {
        for (int i = 0; i < reps; i++) {
            try (NDManager m = root.newSubManager()) {
                NDArray x = m.randomNormal(new Shape(batch, 4, size, size));
                NDArray c = m.randomNormal(new Shape(batch, 77, 768));
                long t = System.nanoTime();
                double c0 = cpu();
                NDArray out = unet.forward(x, m.create(500L), c);
                out.toFloatArray();
                System.out.printf("unet b%d %dx%d: %.2f s wall, %.2f s cpu%n", batch, size, size,
                        (System.nanoTime() - t) / 1e9, cpu() - c0);
            }
        }
    }
}
