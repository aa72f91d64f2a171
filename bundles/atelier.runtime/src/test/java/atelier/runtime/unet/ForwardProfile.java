package atelier.runtime.unet;

import java.util.Map;
import java.util.TreeMap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import atelier.api.hooks.HookSet;

/**
 * Run by hand: attributes process CPU time of one SD-1.5 forward to the segments between hook points, grouped
 * by the kind of the point that ends the segment. Arguments: batch size.
 */
public final class ForwardProfile {
    private ForwardProfile() { }

    private static double cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    public static void main(String[] args) {
        int batch = Integer.parseInt(args[0]);
        int size = Integer.parseInt(args[1]);
        try (NDManager root = NDManager.newBaseManager();
                UNet2DConditionModel unet = UNet2DConditionModel.random(UNetConfig.sd15(), root, 1)) {
            JniUtils.setGradMode(false);
            Map<String, Double> acc = new TreeMap<>();
            double[] last = {0};
            HookSet hooks = HookSet.empty();
            for (String p : unet.featurePaths()) {
                String kind = p.replaceAll("\\.\\d+", ".N").replaceAll("^(down|up)_blocks\\.N", "$1");
                hooks.feature(p, c -> {
                    double now = cpu();
                    acc.merge(kind, now - last[0], Double::sum);
                    last[0] = now;
                });
            }
            for (int rep = 0; rep < 2; rep++) {
                acc.clear();
                try (NDManager m = root.newSubManager()) {
                    NDArray x = m.randomNormal(new Shape(batch, 4, size, size));
                    NDArray c = m.randomNormal(new Shape(batch, 77, 768));
                    double c0 = cpu();
                    last[0] = c0;
                    unet.forward(x, m.create(500L), c, hooks, null).toFloatArray();
                    System.out.printf("total %.2f s cpu%n", cpu() - c0);
                }
            }
            acc.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .forEach(e -> System.out.printf("  %-50s %.3f%n", e.getKey(), e.getValue()));
        }
    }
}
