package atelier.runtime.ops;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import atelier.api.hooks.AttentionProcessor;
import atelier.api.hooks.FeatureProcessor;
import atelier.api.hooks.HookSet;
import atelier.runtime.io.SafetensorsFile;
import atelier.runtime.io.TensorInfo;
import atelier.runtime.io.TensorSource;
import atelier.runtime.testutil.Oracle;
import atelier.runtime.unet.UNet2DConditionModel;
import atelier.runtime.unet.UNetConfig;

import com.google.gson.JsonObject;

/**
 * Rerunnable measurement behind ADR 0012 (reduced precision): fp32 against bf16 computed <em>inside</em> a
 * TorchScript ops library that this class writes from Java, on the operators that dominate an SD-1.5 UNet.
 *
 * <p>No bf16 tensor is ever handed to DJL (PLATFORM.md §E: creating one aborts the JVM). Every method of the
 * library takes and returns fp32 tensors, except the {@code keep_*} and {@code *_keep} methods whose bf16
 * results are held only as opaque {@link IValue} handles (pre-cast weights, "kernel only" inputs/outputs)
 * and are never converted to an {@code NDArray}.
 *
 * <p>Modes: {@code mode=ops} (single ops and fused blocks, with their error against fp32), {@code mode=unet}
 * (every conv/linear/SDPA shape of an SD-1.5 UNet, summed by count), {@code mode=tiny} (tiny-sd forwards
 * against the oracle with bf16 rounding of weights and activations emulated). Not a test (the name matches
 * no surefire pattern). Run from the repository root:
 * <pre>
 * mvn -q -B -o -pl bundles/atelier.runtime -am test-compile
 * mvn -q -B -o -pl bundles/atelier.runtime -am dependency:build-classpath -Dmdep.outputFile=target/cp.txt \
 *     -Dmdep.includeScope=test
 * java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Datelier.shared=../shared \
 *     -cp bundles/atelier.runtime/target/test-classes:bundles/atelier.runtime/target/classes:$(cat \
 *     bundles/atelier.runtime/target/cp.txt) atelier.runtime.ops.Bf16Experiment \
 *     [mode=ops|unet|tiny] [threads=2] [reps=7] [warmup=2] [only=substring] [batch=2] [latent=64]
 * </pre>
 * Variants are interleaved within every repetition (order rotated each time) so that load from other
 * processes hits all of them alike; the report gives median, min and max per variant.
 */
public final class Bf16Experiment {
    private static final int BF16 = 15;

    /** TorchScript source of the ops library; dtype 15 = bfloat16, memory format 2 = channels_last. */
    static final String CODE = String.join("\n",
            "class Ops(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  _is_full_backward_hook : Optional[bool]",
            "  def forward(self: __torch__.Ops, x: Tensor) -> Tensor:",
            "    return x",
            // --- casts kept inside TorchScript
            "  def keep_bf16(self: __torch__.Ops, x: Tensor) -> Tensor:",
            "    return torch.to(x, 15)",
            "  def keep_bf16_nhwc(self: __torch__.Ops, x: Tensor) -> Tensor:",
            "    return torch.contiguous(torch.to(x, 15), memory_format=2)",
            "  def to_nhwc(self: __torch__.Ops, x: Tensor) -> Tensor:",
            "    return torch.contiguous(x, memory_format=2)",
            "  def round_trip_bf16(self: __torch__.Ops, x: Tensor) -> Tensor:",
            "    return torch.to(torch.to(x, 15), 6)",
            // --- conv2d
            "  def conv(self: __torch__.Ops, x: Tensor, w: Tensor, b: Tensor, s: int, p: int) -> Tensor:",
            "    return torch.conv2d(x, w, b, [s, s], [p, p], [1, 1], 1)",
            "  def conv_nhwc(self: __torch__.Ops, x: Tensor, w: Tensor, b: Tensor, s: int, p: int) -> Tensor:",
            "    y = torch.conv2d(torch.contiguous(x, memory_format=2), w, b, [s, s], [p, p], [1, 1], 1)",
            "    return torch.contiguous(y)",
            "  def conv_bf16_cast(self: __torch__.Ops, x: Tensor, w: Tensor, b: Tensor, s: int, p: int) -> Tensor:",
            "    y = torch.conv2d(torch.to(x, 15), torch.to(w, 15), torch.to(b, 15), [s, s], [p, p], [1, 1], 1)",
            "    return torch.to(y, 6)",
            "  def conv_bf16_w(self: __torch__.Ops, x: Tensor, w: Tensor, b: Tensor, s: int, p: int) -> Tensor:",
            "    y = torch.conv2d(torch.to(x, 15), w, b, [s, s], [p, p], [1, 1], 1)",
            "    return torch.to(y, 6)",
            "  def conv_bf16_w_nhwc(self: __torch__.Ops, x: Tensor, w: Tensor, b: Tensor, s: int, p: int) -> Tensor:",
            "    xb = torch.contiguous(torch.to(x, 15), memory_format=2)",
            "    y = torch.conv2d(xb, w, b, [s, s], [p, p], [1, 1], 1)",
            "    return torch.contiguous(torch.to(y, 6))",
            "  def conv_keep(self: __torch__.Ops, x: Tensor, w: Tensor, b: Tensor, s: int, p: int) -> Tensor:",
            "    return torch.conv2d(x, w, b, [s, s], [p, p], [1, 1], 1)",
            // --- linear / matmul
            "  def linear(self: __torch__.Ops, x: Tensor, w: Tensor, b: Tensor) -> Tensor:",
            "    return torch.linear(x, w, b)",
            "  def linear_bf16_cast(self: __torch__.Ops, x: Tensor, w: Tensor, b: Tensor) -> Tensor:",
            "    return torch.to(torch.linear(torch.to(x, 15), torch.to(w, 15), torch.to(b, 15)), 6)",
            "  def linear_bf16_w(self: __torch__.Ops, x: Tensor, w: Tensor, b: Tensor) -> Tensor:",
            "    return torch.to(torch.linear(torch.to(x, 15), w, b), 6)",
            "  def linear_keep(self: __torch__.Ops, x: Tensor, w: Tensor, b: Tensor) -> Tensor:",
            "    return torch.linear(x, w, b)",
            "  def matmul(self: __torch__.Ops, a: Tensor, b: Tensor) -> Tensor:",
            "    return torch.matmul(a, b)",
            "  def matmul_bf16_cast(self: __torch__.Ops, a: Tensor, b: Tensor) -> Tensor:",
            "    return torch.to(torch.matmul(torch.to(a, 15), torch.to(b, 15)), 6)",
            "  def matmul_bf16_w(self: __torch__.Ops, a: Tensor, b: Tensor) -> Tensor:",
            "    return torch.to(torch.matmul(torch.to(a, 15), b), 6)",
            "  def matmul_keep(self: __torch__.Ops, a: Tensor, b: Tensor) -> Tensor:",
            "    return torch.matmul(a, b)",
            // --- whole blocks, one cast in and one cast out (weights pre-cast)
            "  def ff(self: __torch__.Ops, x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) -> Tensor:",
            "    c = torch.chunk(torch.linear(x, w1, b1), 2, -1)",
            "    return torch.linear(torch.mul(c[0], torch.gelu(c[1])), w2, b2)",
            "  def ff_bf16(self: __torch__.Ops, x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) -> Tensor:",
            "    c = torch.chunk(torch.linear(torch.to(x, 15), w1, b1), 2, -1)",
            "    return torch.to(torch.linear(torch.mul(c[0], torch.gelu(c[1])), w2, b2), 6)",
            "  def resnet(self: __torch__.Ops, x: Tensor, g1: Tensor, e1: Tensor, w1: Tensor, b1: Tensor, g2: Tensor,"
                    + " e2: Tensor, w2: Tensor, b2: Tensor) -> Tensor:",
            "    h = torch.conv2d(torch.silu(torch.group_norm(x, 32, g1, e1, 1.0e-05)), w1, b1,"
                    + " [1, 1], [1, 1], [1, 1], 1)",
            "    h = torch.conv2d(torch.silu(torch.group_norm(h, 32, g2, e2, 1.0e-05)), w2, b2,"
                    + " [1, 1], [1, 1], [1, 1], 1)",
            "    return torch.add(x, h)",
            "  def resnet_bf16(self: __torch__.Ops, x: Tensor, g1: Tensor, e1: Tensor, w1: Tensor, b1: Tensor,"
                    + " g2: Tensor, e2: Tensor, w2: Tensor, b2: Tensor) -> Tensor:",
            "    xb = torch.contiguous(torch.to(x, 15), memory_format=2)",
            "    h = torch.conv2d(torch.silu(torch.group_norm(xb, 32, g1, e1, 1.0e-05)), w1, b1,"
                    + " [1, 1], [1, 1], [1, 1], 1)",
            "    h = torch.conv2d(torch.silu(torch.group_norm(h, 32, g2, e2, 1.0e-05)), w2, b2,"
                    + " [1, 1], [1, 1], [1, 1], 1)",
            "    return torch.contiguous(torch.to(torch.add(xb, h), 6))",
            // --- attention
            "  def sdpa(self: __torch__.Ops, q: Tensor, k: Tensor, v: Tensor) -> Tensor:",
            "    return torch.scaled_dot_product_attention(q, k, v)",
            "  def sdpa_bf16_cast(self: __torch__.Ops, q: Tensor, k: Tensor, v: Tensor) -> Tensor:",
            "    y = torch.scaled_dot_product_attention(torch.to(q, 15), torch.to(k, 15), torch.to(v, 15))",
            "    return torch.to(y, 6)",
            "  def sdpa_keep(self: __torch__.Ops, q: Tensor, k: Tensor, v: Tensor) -> Tensor:",
            "    return torch.scaled_dot_product_attention(q, k, v)",
            "");

    private final NDManager manager;
    private final PtSymbolBlock ops;

    Bf16Experiment(NDManager manager, PtSymbolBlock ops) {
        this.manager = manager;
        this.ops = ops;
    }

    /** Loads the ops library into {@code manager}. */
    static PtSymbolBlock loadOps(NDManager manager) throws IOException {
        PtSymbolBlock ops = JniUtils.loadModule((PtNDManager) manager, new ByteArrayInputStream(archive(CODE)),
                true, false);
        JniUtils.enableInferenceMode(ops);
        return ops;
    }

    /** A TorchScript archive (zip, entries stored) whose only class is {@code __torch__.Ops} with {@code code}. */
    static byte[] archive(String code) throws IOException {
        byte[] dataPkl = ("\u0080\u0002c__torch__\nOps\nq\u0000)\u0081}(X\u0008\u0000\u0000\u0000trainingq\u0001"
                + "\u0088X\u0016\u0000\u0000\u0000_is_full_backward_hookq\u0002Nubq\u0003.")
                .getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            stored(zip, "ops/data.pkl", dataPkl);
            stored(zip, "ops/constants.pkl", "\u0080\u0002).".getBytes(StandardCharsets.ISO_8859_1));
            stored(zip, "ops/version", "10\n".getBytes(StandardCharsets.US_ASCII));
            stored(zip, "ops/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** An argument: an fp32 NDArray, an opaque IValue (possibly bf16), or a long. */
    private record Arg(NDArray array, IValue opaque, Long number) { }

    private static Arg of(NDArray a) { return new Arg(a, null, null); }

    private static Arg opaque(IValue v) { return new Arg(null, v, null); }

    private static Arg of(long n) { return new Arg(null, null, n); }

    /** A bf16 (or NHWC) copy made and kept inside TorchScript, as an opaque handle. */
    private IValue keep(String method, NDArray x) {
        try (IValue in = IValue.from((PtNDArray) x)) {
            return IValueUtils.runMethod(ops, method, in);
        }
    }

    /** {@code x} rounded to bf16 and widened back, in {@code into} (the cast happens inside TorchScript). */
    NDArray roundToBf16(NDArray x, NDManager into) {
        return call("round_trip_bf16", List.of(of(x)), into, false);
    }

    /** Calls {@code method}; the result is fp32 and returned in {@code into}, or null when {@code opaqueResult}. */
    private NDArray call(String method, List<Arg> args, NDManager into, boolean opaqueResult) {
        IValue[] in = new IValue[args.size()];
        boolean[] owned = new boolean[in.length];
        for (int i = 0; i < in.length; i++) {
            Arg a = args.get(i);
            if (a.array() != null) {
                in[i] = IValue.from((PtNDArray) a.array());
                owned[i] = true;
            } else if (a.opaque() != null) {
                in[i] = a.opaque();
            } else {
                in[i] = IValue.from(a.number());
                owned[i] = true;
            }
        }
        try (IValue out = IValueUtils.runMethod(ops, method, in)) {
            return opaqueResult ? null : out.toTensor((PtNDManager) into);
        } finally {
            for (int i = 0; i < in.length; i++) {
                if (owned[i]) {
                    in[i].close();
                }
            }
        }
    }

    /** One way of computing an op. */
    private record Variant(String name, String method, List<Arg> args, boolean opaqueResult) { }

    /** One op: its variants (the first is the fp32 reference), the fp32 work it represents, handles to free. */
    private record Case(String name, double gflop, List<Variant> variants, List<IValue> kept) { }

    private NDArray randn(double std, long... shape) {
        return manager.randomNormal(0f, (float) std, new Shape(shape), ai.djl.ndarray.types.DataType.FLOAT32);
    }

    /**
     * conv2d {@code cin→cout}, k×k, on {@code [n, cin, hw, hw]}. {@code all}: every layout/cast variant;
     * otherwise fp32, bf16 with the cast at the op boundary (weights pre-cast, NHWC), bf16 kernel only.
     */
    private Case conv(String name, long n, long c, long o, long hw, int k, int stride, boolean all) {
        long pad = k / 2;
        NDArray x = randn(1, n, c, hw, hw);
        NDArray w = randn(1 / Math.sqrt(c * k * k), o, c, k, k);
        NDArray b = randn(0.1, o);
        IValue wb = keep("keep_bf16", w);
        IValue bb = keep("keep_bf16", b);
        IValue wbn = keep("keep_bf16_nhwc", w);
        IValue xbn = keep("keep_bf16_nhwc", x);
        Variant fp32 = new Variant("fp32", "conv", List.of(of(x), of(w), of(b), of(stride), of(pad)), false);
        Variant wKeptNhwc = new Variant("bf16 w kept nhwc", "conv_bf16_w_nhwc",
                List.of(of(x), opaque(wbn), opaque(bb), of(stride), of(pad)), false);
        Variant kernel = new Variant("bf16 kernel only nhwc", "conv_keep",
                List.of(opaque(xbn), opaque(wbn), opaque(bb), of(stride), of(pad)), true);
        List<Variant> v = all ? List.of(fp32,
                new Variant("fp32 nhwc", "conv_nhwc", List.of(of(x), of(w), of(b), of(stride), of(pad)), false),
                new Variant("bf16 cast x,w", "conv_bf16_cast", List.of(of(x), of(w), of(b), of(stride), of(pad)),
                        false),
                new Variant("bf16 w kept", "conv_bf16_w", List.of(of(x), opaque(wb), opaque(bb), of(stride),
                        of(pad)), false),
                wKeptNhwc, kernel) : List.of(fp32, wKeptNhwc, kernel);
        long out = hw / stride;
        double gflop = 2.0 * n * o * c * k * k * out * out / 1e9;
        return new Case(name, gflop, v, List.of(wb, bb, wbn, xbn));
    }

    private Case linear(String name, long n, long tokens, long in, long out, boolean all) {
        NDArray x = randn(1, n, tokens, in);
        NDArray w = randn(1 / Math.sqrt(in), out, in);
        NDArray b = randn(0.1, out);
        IValue wb = keep("keep_bf16", w);
        IValue bb = keep("keep_bf16", b);
        IValue xb = keep("keep_bf16", x);
        Variant fp32 = new Variant("fp32", "linear", List.of(of(x), of(w), of(b)), false);
        Variant wKept = new Variant("bf16 w kept", "linear_bf16_w", List.of(of(x), opaque(wb), opaque(bb)), false);
        Variant kernel = new Variant("bf16 kernel only", "linear_keep", List.of(opaque(xb), opaque(wb), opaque(bb)),
                true);
        List<Variant> v = all ? List.of(fp32,
                new Variant("bf16 cast x,w", "linear_bf16_cast", List.of(of(x), of(w), of(b)), false),
                wKept, kernel) : List.of(fp32, wKept, kernel);
        return new Case(name, 2.0 * n * tokens * in * out / 1e9, v, List.of(wb, bb, xb));
    }

    private Case matmul(String name, long m, long k, long n) {
        NDArray a = randn(1, m, k);
        NDArray b = randn(1 / Math.sqrt(k), k, n);
        IValue ab = keep("keep_bf16", a);
        IValue bb = keep("keep_bf16", b);
        List<Variant> v = List.of(
                new Variant("fp32", "matmul", List.of(of(a), of(b)), false),
                new Variant("bf16 cast a,b", "matmul_bf16_cast", List.of(of(a), of(b)), false),
                new Variant("bf16 b kept", "matmul_bf16_w", List.of(of(a), opaque(bb)), false),
                new Variant("bf16 kernel only", "matmul_keep", List.of(opaque(ab), opaque(bb)), true));
        return new Case(name, 2.0 * m * k * n / 1e9, v, List.of(ab, bb));
    }

    private Case sdpa(String name, long n, long heads, long tokens, long kvTokens, long d) {
        NDArray q = randn(1, n, heads, tokens, d);
        NDArray k = randn(1, n, heads, kvTokens, d);
        NDArray val = randn(1, n, heads, kvTokens, d);
        IValue qb = keep("keep_bf16", q);
        IValue kb = keep("keep_bf16", k);
        IValue vb = keep("keep_bf16", val);
        List<Variant> v = List.of(
                new Variant("fp32", "sdpa", List.of(of(q), of(k), of(val)), false),
                new Variant("bf16 cast q,k,v", "sdpa_bf16_cast", List.of(of(q), of(k), of(val)), false),
                new Variant("bf16 kernel only", "sdpa_keep", List.of(opaque(qb), opaque(kb), opaque(vb)), true));
        return new Case(name, 4.0 * n * heads * tokens * kvTokens * d / 1e9, v, List.of(qb, kb, vb));
    }

    /** diffusers FeedForward with GEGLU on {@code [n, tokens, c]}: fp32 vs the whole block in bf16. */
    private Case ff(String name, long n, long tokens, long c) {
        NDArray x = randn(1, n, tokens, c);
        NDArray w1 = randn(1 / Math.sqrt(c), 8 * c, c);
        NDArray b1 = randn(0.1, 8 * c);
        NDArray w2 = randn(1 / Math.sqrt(4 * c), c, 4 * c);
        NDArray b2 = randn(0.1, c);
        List<IValue> k = List.of(keep("keep_bf16", w1), keep("keep_bf16", b1), keep("keep_bf16", w2),
                keep("keep_bf16", b2));
        List<Variant> v = List.of(
                new Variant("fp32 block", "ff", List.of(of(x), of(w1), of(b1), of(w2), of(b2)), false),
                new Variant("bf16 block, one cast in/out", "ff_bf16", List.of(of(x), opaque(k.get(0)),
                        opaque(k.get(1)), opaque(k.get(2)), opaque(k.get(3))), false));
        return new Case(name, 2.0 * n * tokens * (c * 8 * c + 4 * c * c) / 1e9, v, k);
    }

    /** ResnetBlock2D without the time embedding on {@code [n, c, hw, hw]}: fp32 vs the whole block in bf16. */
    private Case resnet(String name, long n, long c, long hw) {
        NDArray x = randn(1, n, c, hw, hw);
        NDArray g1 = randn(0.1, c).addi(1f);
        NDArray e1 = randn(0.1, c);
        NDArray w1 = randn(1 / Math.sqrt(c * 9.0), c, c, 3, 3);
        NDArray b1 = randn(0.1, c);
        NDArray g2 = randn(0.1, c).addi(1f);
        NDArray e2 = randn(0.1, c);
        NDArray w2 = randn(1 / Math.sqrt(c * 9.0), c, c, 3, 3);
        NDArray b2 = randn(0.1, c);
        List<IValue> k = List.of(keep("keep_bf16", g1), keep("keep_bf16", e1), keep("keep_bf16_nhwc", w1),
                keep("keep_bf16", b1), keep("keep_bf16", g2), keep("keep_bf16", e2), keep("keep_bf16_nhwc", w2),
                keep("keep_bf16", b2));
        List<Arg> bf = new ArrayList<>(List.of(of(x)));
        k.forEach(h -> bf.add(opaque(h)));
        List<Variant> v = List.of(
                new Variant("fp32 block", "resnet", List.of(of(x), of(g1), of(e1), of(w1), of(b1), of(g2), of(e2),
                        of(w2), of(b2)), false),
                new Variant("bf16 block nhwc, one cast in/out", "resnet_bf16", bf, false));
        return new Case(name, 2 * 2.0 * n * c * c * 9 * hw * hw / 1e9, v, k);
    }

    private Case cast(String name, long... shape) {
        NDArray x = randn(1, shape);
        List<Variant> v = List.of(
                new Variant("fp32 to nhwc copy", "to_nhwc", List.of(of(x)), false),
                new Variant("bf16 round trip", "round_trip_bf16", List.of(of(x)), false));
        return new Case(name, 0, v, List.of());
    }

    /** The op-level table (mode=ops). */
    static List<java.util.function.Function<Bf16Experiment, Case>> opCases() {
        return List.of(
                e -> e.conv("conv3x3 320->320 1x320x64x64", 1, 320, 320, 64, 3, 1, true),
                e -> e.conv("conv3x3 320->320 2x320x64x64", 2, 320, 320, 64, 3, 1, true),
                e -> e.conv("conv3x3 640->640 2x640x32x32", 2, 640, 640, 32, 3, 1, true),
                e -> e.conv("conv3x3 1280->1280 2x1280x16x16", 2, 1280, 1280, 16, 3, 1, true),
                e -> e.linear("linear 1x4096x320 -> 320 (to_q)", 1, 4096, 320, 320, true),
                e -> e.linear("linear 2x4096x320 -> 2560 (GEGLU proj)", 2, 4096, 320, 2560, true),
                e -> e.linear("linear 2x4096x1280 -> 320 (ff out)", 2, 4096, 1280, 320, true),
                e -> e.matmul("matmul 4096x320 @ 320x4096", 4096, 320, 4096),
                e -> e.sdpa("sdpa (1,8,4096,40) self", 1, 8, 4096, 4096, 40),
                e -> e.sdpa("sdpa (2,8,4096,40) self", 2, 8, 4096, 4096, 40),
                e -> e.sdpa("sdpa (2,8,4096,40) x (77) cross", 2, 8, 4096, 77, 40),
                e -> e.ff("block: GEGLU feed-forward 2x4096x320", 2, 4096, 320),
                e -> e.ff("block: GEGLU feed-forward 2x1024x640", 2, 1024, 640),
                e -> e.resnet("block: resnet 2x320x64x64 (GN-SiLU-conv x2 + skip)", 2, 320, 64),
                e -> e.resnet("block: resnet 2x640x32x32 (GN-SiLU-conv x2 + skip)", 2, 640, 32),
                e -> e.cast("cast 2x320x64x64 (cost per activation)", 2, 320, 64, 64));
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Times every variant (interleaved, order rotated); prints a table when {@code print}; returns medians. */
    double[] run(Case c, int reps, int warmup, boolean print) {
        int nv = c.variants().size();
        double[][] ms = new double[nv][reps];
        for (int r = -warmup; r < reps; r++) {
            for (int j = 0; j < nv; j++) {
                int vi = Math.floorMod(j + r, nv);
                Variant v = c.variants().get(vi);
                try (NDManager sub = manager.newSubManager()) {
                    long t0 = System.nanoTime();
                    call(v.method(), v.args(), sub, v.opaqueResult());
                    long t1 = System.nanoTime();
                    if (r >= 0) {
                        ms[vi][r] = (t1 - t0) / 1e6;
                    }
                }
            }
        }
        double[] medians = new double[nv];
        for (int i = 0; i < nv; i++) {
            medians[i] = median(ms[i]);
        }
        if (print) {
            printTable(c, ms, medians);
        }
        for (IValue k : c.kept()) {
            k.close();
        }
        return medians;
    }

    private void printTable(Case c, double[][] ms, double[] medians) {
        int nv = c.variants().size();
        System.out.printf(Locale.ROOT, "%n## %s  (%.2f GFLOP)%n", c.name(), c.gflop());
        System.out.printf(Locale.ROOT, "| variant | median ms | min | max | GFLOP/s | speed-up vs fp32 | max abs err"
                + " | max abs ref | rel RMS err |%n|---|---|---|---|---|---|---|---|---|%n");
        try (NDManager sub = manager.newSubManager()) {
            NDArray ref = call(c.variants().get(0).method(), c.variants().get(0).args(), sub, false);
            double refMax = ref.abs().max().getFloat();
            double refRms = Math.sqrt(ref.square().mean().getFloat());
            for (int i = 0; i < nv; i++) {
                Variant v = c.variants().get(i);
                double lo = Arrays.stream(ms[i]).min().orElse(0);
                double hi = Arrays.stream(ms[i]).max().orElse(0);
                String err = "–";
                String rms = "–";
                if (!v.opaqueResult() && i > 0) {
                    NDArray y = call(v.method(), v.args(), sub, false);
                    NDArray d = y.sub(ref);
                    err = String.format(Locale.ROOT, "%.3g", d.abs().max().getFloat());
                    rms = String.format(Locale.ROOT, "%.3g", Math.sqrt(d.square().mean().getFloat()) / refRms);
                }
                System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.0f | %.2f× | %s | %.3g | %s |%n",
                        v.name(), medians[i], lo, hi, c.gflop() / medians[i] * 1e3, medians[0] / medians[i], err,
                        refMax, rms);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // mode=unet: every conv / linear / attention of an SD-1.5 UNet, timed per distinct shape, summed by count

    /** A distinct op shape in the SD-1.5 UNet and how often one forward runs it. */
    private static final class UNetOp {
        final String category;
        final java.util.function.Function<Bf16Experiment, Case> make;
        int count;

        UNetOp(String category, java.util.function.Function<Bf16Experiment, Case> make) {
            this.category = category;
            this.make = make;
        }
    }

    /** The op inventory of SD-1.5's UNet (320/640/1280/1280, 2 layers, 8 heads, 77×768 context). */
    static Map<String, UNetOp> sd15Inventory(long batch, long latent) {
        Map<String, UNetOp> ops = new LinkedHashMap<>();
        class Inv {
            void conv(long cin, long cout, long hw, int k, int stride) {
                String key = String.format(Locale.ROOT, "conv%dx%d s%d %d->%d @%d", k, k, stride, cin, cout, hw);
                ops.computeIfAbsent(key, x -> new UNetOp(k == 3 ? "conv3x3" : "conv1x1",
                        e -> e.conv(key, batch, cin, cout, hw, k, stride, false))).count++;
            }

            void linear(long tokens, long cin, long cout) {
                String key = String.format(Locale.ROOT, "linear %dx%d %d->%d", batch, tokens, cin, cout);
                ops.computeIfAbsent(key, x -> new UNetOp("linear",
                        e -> e.linear(key, batch, tokens, cin, cout, false))).count++;
            }

            void sdpa(long tokens, long kv, long c) {
                String key = String.format(Locale.ROOT, "sdpa (%d,8,%d,%d) kv %d", batch, tokens, c / 8, kv);
                ops.computeIfAbsent(key, x -> new UNetOp(tokens == kv ? "sdpa self" : "sdpa cross",
                        e -> e.sdpa(key, batch, 8, tokens, kv, c / 8))).count++;
            }

            void resnet(long cin, long cout, long hw) {
                conv(cin, cout, hw, 3, 1);
                conv(cout, cout, hw, 3, 1);
                if (cin != cout) {
                    conv(cin, cout, hw, 1, 1);
                }
            }

            void transformer(long c, long hw) {
                long n = hw * hw;
                conv(c, c, hw, 1, 1);
                for (int i = 0; i < 4; i++) {
                    linear(n, c, c);        // attn1 q, k, v, out
                }
                sdpa(n, n, c);
                linear(n, c, c);            // attn2 q
                linear(77, 768, c);         // attn2 k
                linear(77, 768, c);         // attn2 v
                sdpa(n, 77, c);
                linear(n, c, c);            // attn2 out
                linear(n, c, 8 * c);        // GEGLU proj
                linear(n, 4 * c, c);        // ff out
                conv(c, c, hw, 1, 1);
            }
        }
        Inv inv = new Inv();
        long[] ch = {320, 640, 1280, 1280};
        long hw = latent;
        inv.conv(4, 320, hw, 3, 1);
        List<Long> skips = new ArrayList<>(List.of(320L));
        long c = 320;
        for (int i = 0; i < 4; i++) {
            for (int l = 0; l < 2; l++) {
                inv.resnet(c, ch[i], hw);
                c = ch[i];
                if (i < 3) {
                    inv.transformer(c, hw);
                }
                skips.add(c);
            }
            if (i < 3) {
                inv.conv(c, c, hw, 3, 2);
                hw /= 2;
                skips.add(c);
            }
        }
        inv.resnet(1280, 1280, hw);
        inv.transformer(1280, hw);
        inv.resnet(1280, 1280, hw);
        for (int i = 0; i < 4; i++) {
            long co = ch[3 - i];
            for (int l = 0; l < 3; l++) {
                long s = skips.remove(skips.size() - 1);
                inv.resnet(c + s, co, hw);
                c = co;
                if (i > 0) {
                    inv.transformer(c, hw);
                }
            }
            if (i < 3) {
                hw *= 2;
                inv.conv(c, c, hw, 3, 1);
            }
        }
        inv.conv(320, 4, latent, 3, 1);
        return ops;
    }

    static void unet(NDManager root, PtSymbolBlock ops, long batch, long latent, int reps, int warmup) {
        Map<String, UNetOp> inventory = sd15Inventory(batch, latent);
        String[] names = {"fp32", "bf16 cast at op boundary (weights pre-cast)", "bf16 kernel only"};
        Map<String, double[]> byCategory = new LinkedHashMap<>();
        Map<String, Double> flopByCategory = new LinkedHashMap<>();
        double[] total = new double[3];
        double flops = 0;
        System.out.printf(Locale.ROOT, "%n## SD-1.5 UNet, batch %d, latent %dx%d: every conv/linear/attention"
                + " (%d distinct shapes)%n| op | count | GFLOP each | fp32 ms | bf16 boundary ms | bf16 kernel ms |"
                + "%n|---|---|---|---|---|---|%n", batch, latent, latent, inventory.size());
        for (Map.Entry<String, UNetOp> e : inventory.entrySet()) {
            UNetOp op = e.getValue();
            double[] med;
            double gflop;
            try (NDManager m = root.newSubManager()) {
                Bf16Experiment ex = new Bf16Experiment(m, ops);
                Case c = op.make.apply(ex);
                gflop = c.gflop();
                med = ex.run(c, reps, warmup, false);
            }
            System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f | %.1f | %.1f |%n", e.getKey(), op.count, gflop,
                    med[0], med[1], med[2]);
            double[] cat = byCategory.computeIfAbsent(op.category, k -> new double[3]);
            for (int i = 0; i < 3; i++) {
                cat[i] += op.count * med[i];
                total[i] += op.count * med[i];
            }
            flopByCategory.merge(op.category, op.count * gflop, Double::sum);
            flops += op.count * gflop;
        }
        System.out.printf(Locale.ROOT, "%n| category | GFLOP | fp32 s | %s s | %s s | speed-up boundary"
                + " | speed-up kernel |"
                + "%n|---|---|---|---|---|---|---|%n", names[1], names[2]);
        for (Map.Entry<String, double[]> e : byCategory.entrySet()) {
            double[] t = e.getValue();
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.2f | %.2f× | %.2f× |%n", e.getKey(),
                    flopByCategory.get(e.getKey()), t[0] / 1e3, t[1] / 1e3, t[2] / 1e3, t[0] / t[1], t[0] / t[2]);
        }
        System.out.printf(Locale.ROOT, "| **all** | %.0f | %.2f | %.2f | %.2f | %.2f× | %.2f× |%n", flops,
                total[0] / 1e3, total[1] / 1e3, total[2] / 1e3, total[0] / total[1], total[0] / total[2]);
    }

    // ------------------------------------------------------------------------------------------------------
    // mode=tiny: numerics of a whole tiny-sd forward with bf16 rounding emulated, against the oracle

    /** Weights rounded to bf16 as they load (the cast happens inside TorchScript; DJL sees fp32 only). */
    private static final class Bf16RoundedSource implements TensorSource {
        private final TensorSource delegate;
        private final Bf16Experiment ex;

        Bf16RoundedSource(TensorSource delegate, Bf16Experiment ex) {
            this.delegate = delegate;
            this.ex = ex;
        }

        @Override
        public java.util.Set<String> keys() { return delegate.keys(); }

        @Override
        public TensorInfo info(String key) { return delegate.info(key); }

        @Override
        public NDArray load(String key, NDManager into) {
            NDArray x = delegate.load(key, into);
            if (x.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
                return x;
            }
            NDArray r = ex.roundToBf16(x, into);
            x.close();
            return r;
        }
    }

    /** Rounds every feature output and every attention q/k/v to bf16: activations as a bf16 network sees them. */
    private static HookSet activationRounding(UNet2DConditionModel unet, Bf16Experiment ex) {
        HookSet hooks = HookSet.empty();
        FeatureProcessor f = call -> call.setOutput(ex.roundToBf16(call.output(), call.manager()));
        AttentionProcessor a = call -> {
            call.setQuery(ex.roundToBf16(call.query(), call.manager()));
            call.setKey(ex.roundToBf16(call.key(), call.manager()));
            call.setValue(ex.roundToBf16(call.value(), call.manager()));
        };
        unet.featurePaths().forEach(p -> hooks.feature(p, f));
        unet.attentionPaths().forEach(p -> hooks.attention(p, a));
        return hooks;
    }

    static void tiny(NDManager root, PtSymbolBlock ops) throws Exception {
        Bf16Experiment ex = new Bf16Experiment(root, ops);
        Path unetDir = Oracle.tinySd().resolve("unet");
        UNetConfig config = UNetConfig.read(unetDir.resolve("config.json"));
        String[] names = {"b1_32x32_t1", "b1_32x32_t981", "b1_32x48_t981", "b2_32x32_t501", "b2_32x32_t981_21",
            "b2_32x48_t261"};
        double ulpRatio = Math.pow(2, 16);   // unit roundoff bf16 2^-8 over fp32 2^-24
        System.out.printf(Locale.ROOT, "%n## tiny-sd UNet vs oracle c_unet_*: max abs error (and / max |ref|)%n"
                + "scaled tol A = recommended_atol · 2^16; scaled tol B = measured fp32-vs-fp64 error · 2^16%n"
                + "| case | max abs ref | atol (fp32) | scaled tol A | scaled tol B | fp32 | bf16 weights"
                + " | bf16 weights + activations (emulated) |%n|---|---|---|---|---|---|---|---|%n");
        try (SafetensorsFile golden = SafetensorsFile.open(Oracle.goldenDir().resolve("golden.safetensors"));
                SafetensorsFile weights = SafetensorsFile.open(unetDir.resolve("diffusion_pytorch_model.safetensors"));
                UNet2DConditionModel fp32 = UNet2DConditionModel.load(config, weights, root);
                UNet2DConditionModel bf16w = UNet2DConditionModel.load(config, new Bf16RoundedSource(weights, ex),
                        root)) {
            HookSet rounding = activationRounding(bf16w, ex);
            for (String name : names) {
                JsonObject c = Oracle.goldenCase("c_unet_" + name);
                double atol = c.get("recommended_atol").getAsDouble();
                double fp64 = c.get("fp32_vs_fp64_max_abs").getAsDouble();
                try (NDManager m = root.newSubManager()) {
                    NDArray sample = golden.load("in.unet_" + name + "_sample", m);
                    NDArray t = golden.load("in.unet_" + name + "_timestep", m);
                    NDArray ctx = golden.load("in.unet_" + name + "_context", m);
                    NDArray expected = golden.load("out.unet_" + name + "_out", m);
                    double refMax = expected.abs().max().getFloat();
                    double e0 = Oracle.maxAbsDiff(fp32.forward(sample, t, ctx), expected);
                    double e1 = Oracle.maxAbsDiff(bf16w.forward(sample, t, ctx), expected);
                    double e2 = Oracle.maxAbsDiff(bf16w.forward(ex.roundToBf16(sample, m), t,
                            ex.roundToBf16(ctx, m), rounding, null), expected);
                    System.out.printf(Locale.ROOT,
                            "| %s | %.3g | %.3g | %.3g | %.3g | %.3g | %.3g (%.2g) | %.3g (%.2g) |%n",
                            name, refMax, atol, atol * ulpRatio, fp64 * ulpRatio, e0, e1, e1 / refMax, e2,
                            e2 / refMax);
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        opt.put("mode", "ops");
        opt.put("threads", "2");
        opt.put("reps", "7");
        opt.put("warmup", "2");
        opt.put("only", "");
        opt.put("batch", "2");
        opt.put("latent", "64");
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 0 || !opt.containsKey(a.substring(0, eq))) {
                throw new IllegalArgumentException("unknown argument '" + a + "'; expected key=value with key one of "
                        + opt.keySet());
            }
            opt.put(a.substring(0, eq), a.substring(eq + 1));
        }
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(Integer.parseInt(opt.get("threads")));
        JniUtils.setGradMode(false);
        Engine.getInstance().setRandomSeed(1234);
        int reps = Integer.parseInt(opt.get("reps"));
        int warmup = Integer.parseInt(opt.get("warmup"));
        System.out.printf("# bf16 inside TorchScript vs fp32 — PyTorch %s, %d intra-op threads, median of %d after %d"
                + " warm-up, %s%n", Engine.getEngine("PyTorch").getVersion(), JniUtils.getNumThreads(), reps, warmup,
                opt);
        try (NDManager root = NDManager.newBaseManager()) {
            PtSymbolBlock ops = loadOps(root);
            switch (opt.get("mode")) {
                case "ops" -> {
                    for (java.util.function.Function<Bf16Experiment, Case> make : opCases()) {
                        try (NDManager m = root.newSubManager()) {
                            Bf16Experiment ex = new Bf16Experiment(m, ops);
                            Case c = make.apply(ex);
                            if (c.name().contains(opt.get("only"))) {
                                ex.run(c, reps, warmup, true);
                            } else {
                                c.kept().forEach(IValue::close);
                            }
                        }
                    }
                }
                case "unet" -> unet(root, ops, Long.parseLong(opt.get("batch")), Long.parseLong(opt.get("latent")),
                        reps, warmup);
                case "tiny" -> tiny(root, ops);
                default -> throw new IllegalArgumentException("mode must be ops, unet or tiny, not " + opt.get("mode"));
            }
        }
    }
}
