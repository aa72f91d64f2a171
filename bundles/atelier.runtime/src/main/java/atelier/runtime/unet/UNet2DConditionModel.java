package atelier.runtime.unet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import atelier.api.hooks.HookSet;
import atelier.api.hooks.StepInfo;
import atelier.runtime.hooks.HookPaths;
import atelier.runtime.hooks.Hooks;
import atelier.runtime.io.SafetensorsFile;
import atelier.runtime.io.TensorSource;
import atelier.runtime.nn.Conv2d;
import atelier.runtime.nn.GroupNorm;
import atelier.runtime.nn.HookPoints;
import atelier.runtime.nn.Release;
import atelier.runtime.nn.TimestepEmbedding;
import atelier.runtime.nn.Timesteps;
import atelier.runtime.nn.Weights;

/**
 * diffusers {@code UNet2DConditionModel} for Stable Diffusion 1.x/2.x, in Java over DJL, loaded by diffusers key
 * names. {@code forward(sample [B,4,h,w], timestep, context [B,77,C])} returns the noise prediction
 * {@code [B,4,h,w]} in the sample's manager; everything else the call creates is freed before it returns.
 *
 * <p>Hooks: {@link #hookPoints()} lists every attention module path
 * ({@code up_blocks.2.attentions.0.transformer_blocks.0.attn1}) and every module whose output a
 * {@link atelier.api.hooks.FeatureProcessor} may rewrite ({@code conv_in}, {@code down_blocks.N},
 * {@code …resnets.M}, {@code …resnets.M.conv2} (the residual branch before the skip addition),
 * {@code …attentions.M}, {@code …transformer_blocks.K}, {@code …downsamplers.0}, {@code …upsamplers.0},
 * {@code mid_block}, {@code up_blocks.N}, {@code conv_out}). With no processors on a path the computation is
 * exactly the plain forward.
 *
 * <p>Latent sizes need not be multiples of the down-sampling factor: as in diffusers, each up-sampler then
 * resizes to the spatial size of the skip connections it meets.
 */
public final class UNet2DConditionModel implements AutoCloseable {
    /** Weight file names looked up in a diffusers {@code unet/} folder, in order. */
    public static final List<String> WEIGHT_FILES = List.of("diffusion_pytorch_model.safetensors",
            "diffusion_pytorch_model.fp16.safetensors");

    private final NDManager manager;
    private final UNetConfig config;
    private final HookPoints points = new HookPoints();
    private final Conv2d convIn;
    private final Timesteps timeProj;
    private final TimestepEmbedding timeEmbedding;
    private final List<DownBlock> downBlocks = new ArrayList<>();
    private final MidBlock midBlock;
    private final List<UpBlock> upBlocks = new ArrayList<>();
    private final GroupNorm normOut;
    private final Conv2d convOut;

    private UNet2DConditionModel(UNetConfig c, Weights w) {
        this.manager = w.manager();
        this.config = c;
        int[] ch = c.blockOutChannels();
        int levels = ch.length;
        convIn = Conv2d.same3x3(w.sub("conv_in"), c.inChannels(), ch[0]);
        points.feature("conv_in");
        timeProj = new Timesteps(ch[0], c.flipSinToCos(), c.freqShift(), 1f);
        timeEmbedding = new TimestepEmbedding(w.sub("time_embedding"), ch[0], c.timeEmbedDim());
        long out = ch[0];
        for (int i = 0; i < levels; i++) {
            long in = out;
            out = ch[i];
            boolean cross = c.downBlockTypes().get(i).equals(UNetConfig.CROSS_DOWN);
            String p = "down_blocks." + i;
            downBlocks.add(new DownBlock(w.sub(p), p, c, i, in, out, cross, i < levels - 1, points));
        }
        midBlock = new MidBlock(w.sub(MidBlock.PATH), c, points);
        long prevOut;
        out = ch[levels - 1];
        for (int i = 0; i < levels; i++) {
            prevOut = out;
            out = ch[levels - 1 - i];
            long in = ch[Math.max(levels - 2 - i, 0)];
            boolean cross = c.upBlockTypes().get(i).equals(UNetConfig.CROSS_UP);
            String p = "up_blocks." + i;
            upBlocks.add(new UpBlock(w.sub(p), p, c, i, in, out, prevOut, cross, i < levels - 1, points));
        }
        normOut = new GroupNorm(w.sub("conv_norm_out"), c.normNumGroups(), ch[0], c.normEps());
        convOut = Conv2d.same3x3(w.sub("conv_out"), ch[0], c.outChannels());
        points.feature("conv_out");
    }

    /**
     * Loads a diffusers {@code unet/} folder: {@code config.json} and {@code diffusion_pytorch_model.safetensors}
     * (or its {@code .fp16} variant, widened to fp32).
     */
    public static UNet2DConditionModel load(Path unetDir, NDManager parent) throws IOException {
        Path cfg = unetDir.resolve("config.json");
        if (!Files.isRegularFile(cfg)) {
            throw new IOException("no UNet config.json in " + unetDir);
        }
        UNetConfig config = UNetConfig.read(cfg);
        Path file = null;
        for (String name : WEIGHT_FILES) {
            if (Files.isRegularFile(unetDir.resolve(name))) {
                file = unetDir.resolve(name);
                break;
            }
        }
        if (file == null) {
            throw new IOException("no UNet weights in " + unetDir + " (looked for " + WEIGHT_FILES + ")");
        }
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            return load(config, st, parent);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** Builds the network from named tensors; the model's arrays live in a sub-manager of {@code parent}. */
    public static UNet2DConditionModel load(UNetConfig config, TensorSource source, NDManager parent) {
        NDManager m = parent.newSubManager();
        try {
            return new UNet2DConditionModel(config, new Weights(source, "", m));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** The architecture with random weights (benchmarks, tests). */
    public static UNet2DConditionModel random(UNetConfig config, NDManager parent, long seed) {
        NDManager m = parent.newSubManager();
        try {
            return new UNet2DConditionModel(config, Weights.random(m, seed));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Builds the network from any weight view (e.g. {@link Weights#random(NDManager, long, java.util.function.BiConsumer)}
     * to list the tensors an architecture expects). The model owns the view's manager and closes it.
     */
    public static UNet2DConditionModel create(UNetConfig config, Weights weights) {
        return new UNet2DConditionModel(config, weights);
    }

    public UNetConfig config() { return config; }

    /** Every hook point: attention module paths and feature paths, in forward order. */
    public List<String> hookPoints() { return List.copyOf(points.all()); }

    /** Attention module paths ({@code …attn1}, {@code …attn2}). */
    public Set<String> attentionPaths() { return points.attentionPaths(); }

    /** Paths whose output a feature processor may rewrite. */
    public Set<String> featurePaths() { return points.featurePaths(); }

    /** Throws {@link IllegalArgumentException} naming the first unknown path and the nearest valid ones. */
    public void validate(HookSet hooks) {
        HookPaths.validate(hooks, points.attentionPaths(), points.featurePaths());
    }

    /** The noise prediction, no hooks. */
    public NDArray forward(NDArray sample, NDArray timestep, NDArray context) {
        return forward(sample, timestep, context, HookSet.empty(), null);
    }

    /**
     * The noise prediction with processors installed.
     *
     * @param sample   {@code [B, in_channels, h, w]}
     * @param timestep scalar or {@code [1]} (broadcast) or {@code [B]}; integer or float
     * @param context  {@code [B, M, cross_attention_dim]}
     * @param step     where the call sits (handed to processors); null means a single call
     * @return {@code [B, out_channels, h, w]} in {@code sample}'s manager
     */
    public NDArray forward(NDArray sample, NDArray timestep, NDArray context, HookSet hooks, StepInfo step) {
        checkInputs(sample, timestep, context);
        long batch = sample.getShape().get(0);
        NDManager caller = sample.getManager();
        HookSet set = hooks == null ? HookSet.empty() : hooks;
        if (!set.isEmpty()) {
            validate(set);
        }
        try (NDManager call = caller.newSubManager()) {
            sample.tempAttach(call);
            if (timestep.getManager() != call) {
                timestep.tempAttach(call);
            }
            if (context.getManager() != call) {
                context.tempAttach(call);
            }
            StepInfo info = step != null ? step : StepInfo.single(scalarTimestep(timestep), (int) batch);
            Hooks h = Hooks.of(set, info, call);
            NDArray out = run(sample, timestep, context, h, call);
            out.attach(caller);
            return out;
        }
    }

    private NDArray run(NDArray sample, NDArray timestep, NDArray context, Hooks hooks, NDManager call) {
        long batch = sample.getShape().get(0);
        NDArray t = timestep.getShape().size() == 1 ? timestep.reshape(1).repeat(0, batch) : timestep;
        NDArray emb = timeEmbedding.forward(timeProj.forward(t));
        NDArray x = config.centerInputSample() ? sample.mul(2f).subi(1f) : sample;
        x = hooks.feature("conv_in", convIn.forward(x));
        List<NDArray> skips = new ArrayList<>();
        skips.add(x);
        for (DownBlock d : downBlocks) {
            x = d.forward(x, emb, context, hooks, skips);
        }
        x = midBlock.forward(x, emb, context, hooks);
        for (int i = 0; i < upBlocks.size(); i++) {
            UpBlock u = upBlocks.get(i);
            long[] size = null;
            if (skips.size() > u.layers()) {
                Shape next = skips.get(skips.size() - u.layers() - 1).getShape();
                size = new long[] {next.get(2), next.get(3)};
            }
            NDArray y = u.forward(x, emb, context, hooks, skips, size);
            Release.ifOwned(x, call);
            x = y;
        }
        NDArray y = convOut.forward(normOut.forwardSilu(x));
        return hooks.feature("conv_out", y);
    }

    private void checkInputs(NDArray sample, NDArray timestep, NDArray context) {
        Shape s = sample.getShape();
        if (s.dimension() != 4 || s.get(1) != config.inChannels()) {
            throw new IllegalArgumentException("UNet sample must be [B, " + config.inChannels() + ", h, w], got " + s);
        }
        if (s.get(2) < 1 || s.get(3) < 1) {
            throw new IllegalArgumentException("UNet sample has an empty spatial size: " + s);
        }
        Shape c = context.getShape();
        if (c.dimension() != 3 || c.get(0) != s.get(0) || c.get(2) != config.crossAttentionDim()) {
            throw new IllegalArgumentException("UNet context must be [" + s.get(0) + ", tokens, "
                    + config.crossAttentionDim() + "], got " + c);
        }
        long n = timestep.getShape().size();
        if (timestep.getShape().dimension() > 1 || (n != 1 && n != s.get(0))) {
            throw new IllegalArgumentException("UNet timestep must be a scalar or [" + s.get(0) + "], got "
                    + timestep.getShape());
        }
        if (sample.getDataType() != DataType.FLOAT32 || context.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("UNet sample and context must be float32, got "
                    + sample.getDataType() + " and " + context.getDataType());
        }
    }

    private static int scalarTimestep(NDArray t) {
        try (NDArray d = t.toType(DataType.FLOAT64, true)) {
            return (int) Math.round(d.toDoubleArray()[0]);
        }
    }

    /** Frees every weight. */
    @Override
    public void close() {
        manager.close();
    }
}
