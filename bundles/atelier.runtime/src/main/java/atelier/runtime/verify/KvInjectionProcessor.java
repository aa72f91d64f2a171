package atelier.runtime.verify;

import ai.djl.ndarray.NDArray;
import atelier.api.hooks.AttentionCall;
import atelier.api.hooks.AttentionProcessor;

/**
 * StyleID's self-attention injection (Chung et al., CVPR 2024), written with the public hook API as a strategy
 * would write it. At step i of the injected run, in a self-attention layer:
 * {@code Q' = γ·Q_content[i] + (1−γ)·to_q(h)}, {@code K' = K_style[i]}, {@code V' = V_style[i]} and the logits
 * are multiplied by the temperature τ: {@code softmax(τ·Q'K'ᵀ/√d)·V'}. Recorded rows are matched to the call's
 * rows by label (uncond with uncond, cond with cond). Steps with nothing recorded run unchanged.
 */
public final class KvInjectionProcessor implements AttentionProcessor {
    private final FeatureBank content;
    private final FeatureBank style;
    private final double gamma;
    private final double temperature;

    /**
     * @param content     holds {@code "q"} of the content run
     * @param style       holds {@code "k"} and {@code "v"} of the style run
     * @param gamma       query preservation γ in [0, 1]
     * @param temperature τ &gt; 0
     */
    public KvInjectionProcessor(FeatureBank content, FeatureBank style, double gamma, double temperature) {
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("query preservation gamma must be in [0, 1], was " + gamma);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be > 0, was " + temperature);
        }
        this.content = content;
        this.style = style;
        this.gamma = gamma;
        this.temperature = temperature;
    }

    @Override
    public void process(AttentionCall call) {
        if (!call.isSelfAttention()) {
            return;
        }
        String path = call.path();
        int i = call.step().index();
        if (!style.has(path, "k", i) || !style.has(path, "v", i) || !content.has(path, "q", i)) {
            return;
        }
        var rows = call.step().rows();
        NDArray qc = content.get(path, "q", i, rows, call.manager());
        NDArray q = qc.mul((float) gamma).add(call.query().mul((float) (1 - gamma)));
        call.setQuery(q);
        call.setKey(style.get(path, "k", i, rows, call.manager()));
        call.setValue(style.get(path, "v", i, rows, call.manager()));
        call.setLogitScale(call.logitScale() * temperature);
    }

    @Override
    public boolean replacesKeyValue() { return true; }

    @Override
    public String toString() {
        return "KvInjectionProcessor[gamma=" + gamma + ", temperature=" + temperature + "]";
    }
}
