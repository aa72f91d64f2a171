package atelier.runtime.verify;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDManager;

import com.google.gson.JsonObject;

/**
 * Runs reference cases against the Java networks and prints one line per case:
 * {@code PASS <id> max_abs=<x> tol=<y>}, {@code FAIL <id> max_abs=<x> tol=<y>} or {@code FAIL <id> error=<msg>},
 * each case with several outputs followed by indented lines per output, then exactly {@code N passed, M failed}.
 *
 * <p>Every manifest {@code golden*.json} in the golden folder is read. Cases are recognised by id prefix:
 * {@code a_} tokenizer, {@code b_} text encoder, {@code c_} UNet, {@code d_} VAE, {@code e_} scheduler tables,
 * steps and sampling, {@code f_} inversion, {@code g_} attention injection, {@code taef*}/{@code taesd*} tiny
 * autoencoders. Inputs, prompts, step counts, guidance, γ, τ and injected layers come from the manifest.
 * Networks load from the model folder (a diffusers layout); TAESD cases use their {@code weights} field,
 * relative to the manifest.
 */
public final class Verify {
    private Verify() { }

    /**
     * @param modelDir  a diffusers model folder, or null to use each manifest's {@code model_folder}
     * @param goldenDir the folder holding {@code golden*.json} and their tensor files
     * @return 0 if every case passed, 1 otherwise
     */
    public static int run(Path modelDir, Path goldenDir, PrintStream out) {
        return run(modelDir, goldenDir, out, false);
    }

    /**
     * As {@link #run(Path, Path, PrintStream)}; with {@code details}, every compared tensor of a case follows its
     * line, indented (the one-line-per-case format is then no longer kept).
     */
    public static int run(Path modelDir, Path goldenDir, PrintStream out, boolean details) {
        int passed = 0;
        int failed = 0;
        List<Path> manifests;
        try {
            manifests = GoldenManifest.find(goldenDir);
        } catch (IOException e) {
            out.println("FAIL manifest error=" + e.getMessage());
            out.println("0 passed, 1 failed");
            return 1;
        }
        if (manifests.isEmpty()) {
            out.println("FAIL manifest error=no golden*.json in " + goldenDir);
            out.println("0 passed, 1 failed");
            return 1;
        }
        try (NDManager root = atelier.runtime.device.Devices.newRunManager()) {
            for (Path json : manifests) {
                GoldenManifest manifest;
                try {
                    manifest = GoldenManifest.load(json);
                } catch (IOException | RuntimeException e) {
                    out.println("FAIL " + json.getFileName() + " error=" + e.getMessage());
                    failed++;
                    continue;
                }
                Path model = modelDir;
                if (model == null && manifest.root().has("model_folder")) {
                    model = manifest.dir().resolve(manifest.root().get("model_folder").getAsString()).normalize();
                }
                try (CaseRunner runner = new CaseRunner(manifest, model, root)) {
                    for (JsonObject c : manifest.cases()) {
                        String id = c.has("id") ? c.get("id").getAsString() : "(no id)";
                        CaseResult r = runner.run(id, c);
                        out.println(r.line());
                        if (details && r.checks().size() > 1) {
                            for (Check k : r.checks()) {
                                out.println("  " + (k.passed() ? "ok   " : "over ") + k.name() + " max_abs="
                                        + CaseResult.fmt(k.maxAbs()) + " tol=" + CaseResult.fmt(k.tol()));
                            }
                        }
                        out.flush();
                        if (r.passed()) {
                            passed++;
                        } else {
                            failed++;
                        }
                    }
                } finally {
                    manifest.close();
                }
            }
        }
        out.println(passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }

    /**
     * {@code Verify <modelDir|-> <goldenDir> [<goldenDir>…]}; {@code -} takes each manifest's model folder.
     * The exit status is 0 when every case passed.
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: Verify <modelDir|-> <goldenDir> [<goldenDir>...]");
            System.exit(2);
        }
        Path model = args[0].equals("-") ? null : Path.of(args[0]);
        int status = 0;
        for (int i = 1; i < args.length; i++) {
            status |= run(model, Path.of(args[i]), System.out);
        }
        System.exit(status);
    }
}
