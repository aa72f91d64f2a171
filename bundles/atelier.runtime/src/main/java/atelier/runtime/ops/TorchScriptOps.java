package atelier.runtime.ops;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The fused ops as methods of a TorchScript module whose archive is written here, in Java, and compiled by the
 * loading libtorch (PLATFORM.md §A.3): one native call per op ({@code torch.scaled_dot_product_attention},
 * {@code torch.group_norm}, {@code torch.silu}, …), selected by an op code in the module's {@code forward}. Arrays that are not PyTorch-engine arrays go to the DJL
 * composition.
 */
final class TorchScriptOps implements OpsBackend {
    private static final int SDPA = 0;
    private static final int GROUP_NORM = 1;
    private static final int GROUP_NORM_SILU = 2;
    private static final int LAYER_NORM = 3;
    private static final int SILU = 4;
    private static final int GELU = 5;
    private static final int QUICK_GELU = 6;

    /**
     * The module source. Everything goes through {@code forward}, selected by an op code, because that is the
     * entry DJL runs outside {@code InferenceMode} (see {@link #call}); scalars travel as 0-d tensors.
     */
    static final String SOURCE = String.join("\n",
            "class Ops(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  _is_full_backward_hook : Optional[bool]",
            "  def forward(self: __torch__.Ops, code: Tensor, a: Tensor, b: Tensor, c: Tensor, f: Tensor) -> Tensor:",
            "    op = int(code[0])",
            "    if op == " + SDPA + ":",
            "      return torch.scaled_dot_product_attention(a, b, c, None, 0.0, False, scale=float(f))",
            "    elif op == " + GROUP_NORM + ":",
            "      return torch.group_norm(a, int(code[1]), b, c, float(f))",
            "    elif op == " + GROUP_NORM_SILU + ":",
            "      return torch.silu_(torch.group_norm(a, int(code[1]), b, c, float(f)))",
            "    elif op == " + LAYER_NORM + ":",
            "      return torch.layer_norm(a, [a.size(-1)], b, c, float(f))",
            "    elif op == " + SILU + ":",
            "      return torch.silu(a)",
            "    elif op == " + GELU + ":",
            "      return torch.gelu(a)",
            "    elif op == " + QUICK_GELU + ":",
            "      return a * torch.sigmoid(a * 1.702)",
            "    else:",
            "      return a",
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
            // no JniUtils.enableInferenceMode: results computed under InferenceMode are "inference tensors" that
            // refuse later in-place ops (addi, muli) outside it; nothing here requires grad, so no graph is built
            TorchScriptOps ops = new TorchScriptOps(base, block);
            ops.selfTest();
            return ops;
        } catch (IOException | RuntimeException | LinkageError e) {
            base.close();
            throw e;
        }
    }

    /**
     * Calls every method once on a tiny input so a broken archive fails here, not in a model, and checks that
     * results accept in-place updates like any other array.
     */
    private void selfTest() {
        try (NDManager m = owner.newSubManager()) {
            NDArray x = m.arange(0f, 16f).reshape(1, 2, 2, 4);
            silu(x).muli(2f);
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

    /**
     * Runs one op; the result lands in {@code a}'s manager. DJL's {@code runMethod} always runs under
     * {@code InferenceMode}, whose results refuse later in-place updates (addi, muli) outside it, so the call goes
     * through {@code forward} in "training" mode instead; nothing requires grad, so no graph is recorded.
     */
    private NDArray call(int op, long n, NDArray a, NDArray b, NDArray c, double f) {
        NDManager m = a.getManager();
        NDArray code = m.create(new long[] {op, n});
        NDArray scalar = m.create(f);
        try {
            NDList out = IValueUtils.forward(module, new NDList(code, a, b == null ? a : b, c == null ? a : c,
                    scalar), true);
            return out.singletonOrThrow();
        } finally {
            code.close();
            scalar.close();
        }
    }

    @Override
    public NDArray silu(NDArray x) {
        return pt(x) ? call(SILU, 0, x, null, null, 0) : DjlOps.INSTANCE.silu(x);
    }

    @Override
    public NDArray gelu(NDArray x) {
        return pt(x) ? call(GELU, 0, x, null, null, 0) : DjlOps.INSTANCE.gelu(x);
    }

    @Override
    public NDArray quickGelu(NDArray x) {
        return pt(x) ? call(QUICK_GELU, 0, x, null, null, 0) : DjlOps.INSTANCE.quickGelu(x);
    }

    @Override
    public NDArray groupNorm(NDArray x, int groups, NDArray weight, NDArray bias, float eps) {
        return pt(x, weight, bias) ? call(GROUP_NORM, groups, x, weight, bias, eps)
                : DjlOps.INSTANCE.groupNorm(x, groups, weight, bias, eps);
    }

    @Override
    public NDArray groupNormSilu(NDArray x, int groups, NDArray weight, NDArray bias, float eps) {
        return pt(x, weight, bias) ? call(GROUP_NORM_SILU, groups, x, weight, bias, eps)
                : DjlOps.INSTANCE.groupNormSilu(x, groups, weight, bias, eps);
    }

    @Override
    public NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
        return pt(x, weight, bias) ? call(LAYER_NORM, 0, x, weight, bias, eps)
                : DjlOps.INSTANCE.layerNorm(x, weight, bias, eps);
    }

    @Override
    public NDArray sdpa(NDArray q, NDArray k, NDArray v, double scale) {
        return pt(q, k, v) ? call(SDPA, 0, q, k, v, scale) : DjlOps.INSTANCE.sdpa(q, k, v, scale);
    }
}
