package atelier.runtime.ops;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The fused ops as methods of a TorchScript module whose archive is written here, in Java, and compiled by the
 * loading libtorch (PLATFORM.md §A.3): one native call per op ({@code torch.scaled_dot_product_attention},
 * {@code torch.group_norm}, {@code torch.silu}, …). Arrays that are not PyTorch-engine arrays go to the DJL
 * composition.
 */
final class TorchScriptOps implements OpsBackend {
    /** The module source; every method is one fused op. */
    static final String SOURCE = String.join("\n",
            "class Ops(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  _is_full_backward_hook : Optional[bool]",
            "  def forward(self: __torch__.Ops, x: Tensor) -> Tensor:",
            "    return x",
            "  def sdpa(self: __torch__.Ops, q: Tensor, k: Tensor, v: Tensor, scale: float) -> Tensor:",
            "    return torch.scaled_dot_product_attention(q, k, v, None, 0.0, False, scale=scale)",
            "  def group_norm(self: __torch__.Ops, x: Tensor, groups: int, w: Tensor, b: Tensor, eps: float) -> Tensor:",
            "    return torch.group_norm(x, groups, w, b, eps)",
            "  def group_norm_silu(self: __torch__.Ops, x: Tensor, groups: int, w: Tensor, b: Tensor, eps: float)"
                    + " -> Tensor:",
            "    return torch.silu_(torch.group_norm(x, groups, w, b, eps))",
            "  def layer_norm(self: __torch__.Ops, x: Tensor, w: Tensor, b: Tensor, eps: float) -> Tensor:",
            "    return torch.layer_norm(x, [x.size(-1)], w, b, eps)",
            "  def silu(self: __torch__.Ops, x: Tensor) -> Tensor:",
            "    return torch.silu(x)",
            "  def gelu(self: __torch__.Ops, x: Tensor) -> Tensor:",
            "    return torch.gelu(x)",
            "  def quick_gelu(self: __torch__.Ops, x: Tensor) -> Tensor:",
            "    return x * torch.sigmoid(x * 1.702)",
            "");

    private static final String DATA_PKL = "\u0080\u0002c__torch__\nOps\nq\u0000)\u0081}(X\u0008\u0000\u0000\u0000"
            + "trainingq\u0001\u0088X\u0016\u0000\u0000\u0000_is_full_backward_hookq\u0002Nubq\u0003.";
    private static final String CONSTANTS_PKL = "\u0080\u0002).";

    private final NDManager owner;
    private final PtSymbolBlock module;

    private TorchScriptOps(NDManager owner, PtSymbolBlock module) {
        this.owner = owner;
        this.module = module;
    }

    /** Builds and loads the library; throws if this engine cannot. */
    static TorchScriptOps load() throws IOException {
        NDManager base = NDManager.newBaseManager();
        if (!(base instanceof PtNDManager)) {
            base.close();
            throw new IOException("the default engine is " + base.getEngine().getEngineName() + ", not PyTorch");
        }
        try {
            PtSymbolBlock block = JniUtils.loadModule((PtNDManager) base, new ByteArrayInputStream(archive()), true,
                    false);
            JniUtils.enableInferenceMode(block);
            TorchScriptOps ops = new TorchScriptOps(base, block);
            ops.selfTest();
            return ops;
        } catch (IOException | RuntimeException | LinkageError e) {
            base.close();
            throw e;
        }
    }

    /** Calls every method once on a tiny input so a broken archive fails here, not in a model. */
    private void selfTest() {
        try (NDManager m = owner.newSubManager()) {
            NDArray x = m.arange(0f, 16f).reshape(1, 2, 2, 4);
            NDArray w = m.ones(new ai.djl.ndarray.types.Shape(2));
            NDArray b = m.zeros(new ai.djl.ndarray.types.Shape(2));
            silu(x);
            gelu(x);
            quickGelu(x);
            groupNorm(x, 1, w, b, 1e-5f);
            groupNormSilu(x, 1, w, b, 1e-5f);
            layerNorm(x.reshape(1, 8, 2), w, b, 1e-5f);
            sdpa(x, x, x, 0.5);
        }
    }

    /** The TorchScript archive: a zip of {@code ops/{data.pkl, constants.pkl, version, code/__torch__.py}}. */
    static byte[] archive() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            stored(zip, "ops/data.pkl", DATA_PKL.getBytes(StandardCharsets.ISO_8859_1));
            stored(zip, "ops/code/__torch__.py", SOURCE.getBytes(StandardCharsets.UTF_8));
            stored(zip, "ops/constants.pkl", CONSTANTS_PKL.getBytes(StandardCharsets.ISO_8859_1));
            // a recent format version: with an old one the upgraders rewrite calls to old operator schemas
            stored(zip, "ops/version", "10\n".getBytes(StandardCharsets.US_ASCII));
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

    @Override
    public String name() { return "torchscript"; }

    private static boolean pt(NDArray... xs) {
        for (NDArray x : xs) {
            if (!(x instanceof PtNDArray) || !(x.getManager() instanceof PtNDManager)) {
                return false;
            }
        }
        return true;
    }

    /** Runs one method; the result lands in the first argument's manager. */
    private NDArray call(String method, NDArray first, Object... args) {
        IValue[] in = new IValue[args.length];
        try {
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                if (a instanceof PtNDArray) {
                    in[i] = IValue.from((PtNDArray) a);
                } else if (a instanceof Integer || a instanceof Long) {
                    in[i] = IValue.from(((Number) a).longValue());
                } else {
                    in[i] = IValue.from(((Number) a).doubleValue());
                }
            }
            try (IValue out = IValueUtils.runMethod(module, method, in)) {
                return out.toTensor((PtNDManager) first.getManager());
            }
        } finally {
            for (IValue v : in) {
                if (v != null) {
                    v.close();
                }
            }
        }
    }

    @Override
    public NDArray silu(NDArray x) {
        return pt(x) ? call("silu", x, x) : DjlOps.INSTANCE.silu(x);
    }

    @Override
    public NDArray gelu(NDArray x) {
        return pt(x) ? call("gelu", x, x) : DjlOps.INSTANCE.gelu(x);
    }

    @Override
    public NDArray quickGelu(NDArray x) {
        return pt(x) ? call("quick_gelu", x, x) : DjlOps.INSTANCE.quickGelu(x);
    }

    @Override
    public NDArray groupNorm(NDArray x, int groups, NDArray weight, NDArray bias, float eps) {
        return pt(x, weight, bias) ? call("group_norm", x, x, groups, weight, bias, (double) eps)
                : DjlOps.INSTANCE.groupNorm(x, groups, weight, bias, eps);
    }

    @Override
    public NDArray groupNormSilu(NDArray x, int groups, NDArray weight, NDArray bias, float eps) {
        return pt(x, weight, bias) ? call("group_norm_silu", x, x, groups, weight, bias, (double) eps)
                : DjlOps.INSTANCE.groupNormSilu(x, groups, weight, bias, eps);
    }

    @Override
    public NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
        return pt(x, weight, bias) ? call("layer_norm", x, x, weight, bias, (double) eps)
                : DjlOps.INSTANCE.layerNorm(x, weight, bias, eps);
    }

    @Override
    public NDArray sdpa(NDArray q, NDArray k, NDArray v, double scale) {
        return pt(q, k, v) ? call("sdpa", q, q, k, v, scale) : DjlOps.INSTANCE.sdpa(q, k, v, scale);
    }
}
