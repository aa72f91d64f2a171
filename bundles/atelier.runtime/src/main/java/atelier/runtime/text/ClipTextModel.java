package atelier.runtime.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import atelier.runtime.io.SafetensorsFile;
import atelier.runtime.io.TensorSource;
import atelier.runtime.nn.Weights;
import atelier.runtime.ops.Ops;

/**
 * CLIP's text transformer ({@code CLIPTextModel}): token + position embeddings, pre-LN transformer layers with
 * causal self-attention, final layer norm. Weights load by Hugging Face key names
 * ({@code text_model.encoder.layers.N.self_attn.q_proj.weight}, …); extra tensors are ignored, a missing one or
 * a wrong shape is an error naming the key and both shapes.
 *
 * <p>The weights live in the model's own manager, closed by {@link #close()}. Each {@link #encode} runs in a
 * sub-manager of the input's manager; only the two outputs are kept, in the input's manager.
 */
public final class ClipTextModel implements AutoCloseable {
    private static final String PREFIX = "text_model.";

    private final ClipTextConfig config;
    private final NDManager manager;
    private final NDArray tokenEmbedding;
    private final NDArray positionEmbedding;
    private final List<Layer> layers;
    private final NDArray finalNormWeight;
    private final NDArray finalNormBias;

    private record Layer(NDArray ln1w, NDArray ln1b, NDArray qw, NDArray qb, NDArray kw, NDArray kb, NDArray vw,
            NDArray vb, NDArray ow, NDArray ob, NDArray ln2w, NDArray ln2b, NDArray fc1w, NDArray fc1b,
            NDArray fc2w, NDArray fc2b) { }

    private ClipTextModel(ClipTextConfig config, TensorSource source, String prefix, NDManager parent) {
        this.config = config;
        this.manager = parent.newSubManager();
        try {
            Weights w = new Weights(source, prefix, manager);
            long c = config.hiddenSize();
            long ff = config.intermediateSize();
            Weights emb = w.sub("embeddings");
            tokenEmbedding = emb.get("token_embedding.weight", config.vocabSize(), c);
            positionEmbedding = emb.get("position_embedding.weight", config.maxPositionEmbeddings(), c);
            layers = new ArrayList<>();
            for (int i = 0; i < config.numHiddenLayers(); i++) {
                Weights l = w.sub("encoder.layers." + i);
                Weights a = l.sub("self_attn");
                layers.add(new Layer(
                        l.get("layer_norm1.weight", c), l.get("layer_norm1.bias", c),
                        a.get("q_proj.weight", c, c), a.get("q_proj.bias", c),
                        a.get("k_proj.weight", c, c), a.get("k_proj.bias", c),
                        a.get("v_proj.weight", c, c), a.get("v_proj.bias", c),
                        a.get("out_proj.weight", c, c), a.get("out_proj.bias", c),
                        l.get("layer_norm2.weight", c), l.get("layer_norm2.bias", c),
                        l.get("mlp.fc1.weight", ff, c), l.get("mlp.fc1.bias", ff),
                        l.get("mlp.fc2.weight", c, ff), l.get("mlp.fc2.bias", c)));
            }
            finalNormWeight = w.get("final_layer_norm.weight", c);
            finalNormBias = w.get("final_layer_norm.bias", c);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Loads {@code config.json} and {@code model.safetensors} from a Hugging Face {@code text_encoder} folder.
     *
     * @param parent the weights go into a sub-manager of it, closed by {@link #close()}
     */
    public static ClipTextModel load(Path textEncoderDir, NDManager parent) {
        Path configFile = textEncoderDir.resolve("config.json");
        Path weightsFile = textEncoderDir.resolve("model.safetensors");
        for (Path p : List.of(configFile, weightsFile)) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("text encoder folder " + textEncoderDir + " has no " + p.getFileName());
            }
        }
        ClipTextConfig config = ClipTextConfig.read(configFile);
        try (SafetensorsFile file = SafetensorsFile.open(weightsFile)) {
            return load(config, file, parent);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + weightsFile, e);
        }
    }

    /**
     * Builds the model from any tensor source (keys with or without the {@code text_model.} prefix). The
     * tensors are copied or mapped into the model's manager; the source may be closed afterwards.
     */
    public static ClipTextModel load(ClipTextConfig config, TensorSource source, NDManager parent) {
        String prefix = source.contains(PREFIX + "embeddings.token_embedding.weight")
                || !source.contains("embeddings.token_embedding.weight") ? PREFIX : "";
        return new ClipTextModel(config, source, prefix, parent);
    }

    /**
     * A model with seeded random weights (normal, std 0.02; layer norms near identity): for tests and
     * benchmarks that need the shapes of a real model but not its weights.
     */
    public static ClipTextModel random(ClipTextConfig config, NDManager parent, long seed) {
        Random rnd = new Random(seed);
        long c = config.hiddenSize();
        long ff = config.intermediateSize();
        try (RandomTensorSource src = new RandomTensorSource(rnd)) {
            src.normal(PREFIX + "embeddings.token_embedding.weight", 0.02f, config.vocabSize(), c);
            src.normal(PREFIX + "embeddings.position_embedding.weight", 0.02f, config.maxPositionEmbeddings(), c);
            for (int i = 0; i < config.numHiddenLayers(); i++) {
                String l = PREFIX + "encoder.layers." + i + ".";
                for (String ln : List.of("layer_norm1", "layer_norm2")) {
                    src.around(l + ln + ".weight", 1f, 0.02f, c);
                    src.normal(l + ln + ".bias", 0.02f, c);
                }
                for (String p : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
                    src.normal(l + "self_attn." + p + ".weight", 0.02f, c, c);
                    src.normal(l + "self_attn." + p + ".bias", 0.02f, c);
                }
                src.normal(l + "mlp.fc1.weight", 0.02f, ff, c);
                src.normal(l + "mlp.fc1.bias", 0.02f, ff);
                src.normal(l + "mlp.fc2.weight", 0.02f, c, ff);
                src.normal(l + "mlp.fc2.bias", 0.02f, c);
            }
            src.around(PREFIX + "final_layer_norm.weight", 1f, 0.02f, c);
            src.normal(PREFIX + "final_layer_norm.bias", 0.02f, c);
            return load(config, src, parent);
        }
    }

    public ClipTextConfig config() { return config; }

    /**
     * Runs the encoder.
     *
     * @param ids token ids, int64 (or int32) {@code [B, T]} with {@code T ≤ max_position_embeddings}
     * @return last hidden state {@code [B, T, hidden]} and pooled output {@code [B, hidden]}, both in the
     *         manager of {@code ids}
     */
    public TextEncoding encode(NDArray ids) {
        Shape s = ids.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("token ids must be [batch, length], got shape " + s);
        }
        if (ids.getDataType() != DataType.INT64 && ids.getDataType() != DataType.INT32) {
            throw new IllegalArgumentException("token ids must be int64 or int32, got " + ids.getDataType());
        }
        int batch = (int) s.get(0);
        int len = (int) s.get(1);
        if (len < 1 || len > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("token ids have length " + len + " but the model accepts 1.."
                    + config.maxPositionEmbeddings());
        }
        NDManager caller = ids.getManager();
        try (NDManager step = caller.newSubManager()) {
            ids.tempAttach(step);
            long[] idValues = ids.toType(DataType.INT64, false).toLongArray();
            for (long id : idValues) {
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.."
                            + (config.vocabSize() - 1) + ")");
                }
            }
            NDArray longIds = step.create(idValues, s);
            NDArray x = Embedding.embedding(longIds, tokenEmbedding, SparseFormat.DENSE).singletonOrThrow();
            x.attach(step);
            NDArray pos = positionEmbedding.get(new NDIndex("0:{}", len));
            pos.attach(step);
            x = x.add(pos);
            NDArray mask = causalMask(step, len);
            for (Layer layer : layers) {
                x = layer(layer, x, mask);
            }
            NDArray hidden = Ops.layerNorm(x, finalNormWeight, finalNormBias, (float) config.layerNormEps());
            NDArray pooled = pool(step, hidden, idValues, batch, len);
            hidden.attach(caller);
            pooled.attach(caller);
            return new TextEncoding(hidden, pooled);
        }
    }

    private NDArray layer(Layer l, NDArray x, NDArray mask) {
        float eps = (float) config.layerNormEps();
        NDArray h = Ops.layerNorm(x, l.ln1w(), l.ln1b(), eps);
        x = x.add(attention(l, h, mask));
        h = Ops.layerNorm(x, l.ln2w(), l.ln2b(), eps);
        h = linear(h, l.fc1w(), l.fc1b());
        h = "gelu".equals(config.hiddenAct()) ? Ops.gelu(h) : Ops.quickGelu(h);
        return x.add(linear(h, l.fc2w(), l.fc2b()));
    }

    private NDArray attention(Layer l, NDArray h, NDArray mask) {
        Shape s = h.getShape();
        long b = s.get(0);
        long t = s.get(1);
        int heads = config.numAttentionHeads();
        int d = config.headDim();
        NDArray q = heads(linear(h, l.qw(), l.qb()), b, t, heads, d);
        NDArray k = heads(linear(h, l.kw(), l.kb()), b, t, heads, d);
        NDArray v = heads(linear(h, l.vw(), l.vb()), b, t, heads, d);
        NDArray logits = q.matMul(k.transpose(0, 1, 3, 2)).muli((float) (1.0 / Math.sqrt(d))).addi(mask);
        NDArray out = logits.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * d);
        return linear(out, l.ow(), l.ob());
    }

    private static NDArray heads(NDArray x, long b, long t, int heads, int d) {
        return x.reshape(b, t, heads, d).transpose(0, 2, 1, 3);
    }

    private static NDArray linear(NDArray x, NDArray w, NDArray bias) {
        return Linear.linear(x, w, bias).singletonOrThrow();
    }

    /** {@code [T, T]} additive mask: 0 on and below the diagonal, the lowest float above it. */
    private static NDArray causalMask(NDManager m, int len) {
        float[] mask = new float[len * len];
        for (int i = 0; i < len; i++) {
            for (int j = i + 1; j < len; j++) {
                mask[i * len + j] = -Float.MAX_VALUE;
            }
        }
        return m.create(mask, new Shape(len, len));
    }

    /**
     * The hidden state at the end-of-text token: with {@code eos_token_id == 2} (configs written before the
     * tokenizer's real eos id was recorded) at the largest id, else at the first {@code eos_token_id}.
     */
    private NDArray pool(NDManager m, NDArray hidden, long[] ids, int batch, int len) {
        NDList rows = new NDList(batch);
        for (int b = 0; b < batch; b++) {
            int at = 0;
            if (config.eosTokenId() == 2) {
                for (int i = 1; i < len; i++) {
                    if (ids[b * len + i] > ids[b * len + at]) {
                        at = i;
                    }
                }
            } else {
                for (int i = 0; i < len; i++) {
                    if (ids[b * len + i] == config.eosTokenId()) {
                        at = i;
                        break;
                    }
                }
            }
            rows.add(hidden.get(new NDIndex("{}, {}", b, at)));
        }
        NDArray pooled = NDArrays.stack(rows);
        pooled.attach(m);
        return pooled;
    }

    @Override
    public void close() {
        manager.close();
    }
}
