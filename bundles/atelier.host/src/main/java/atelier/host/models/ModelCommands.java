package atelier.host.models;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import atelier.api.CancellationToken;

/**
 * The {@code atelier models list | pull NAME | verify [NAME]} commands, for a command line to forward to. Each
 * returns an exit code: {@value #OK} success, {@value #BAD_INPUT} bad input (unknown name or variant, checksum
 * failure, a different file in the way), {@value #FAILED} anything else (offline, hub error, missing files,
 * I/O, cancelled).
 */
public final class ModelCommands {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;

    private final ModelStore store;
    private final ModelDownloader downloader;

    /** Commands on the configured store ({@link ModelStore#defaultRoot()}) and hub. */
    public ModelCommands() {
        this(new ModelStore());
    }

    public ModelCommands(ModelStore store) {
        this(store, new ModelDownloader(store));
    }

    public ModelCommands(ModelStore store, ModelDownloader downloader) {
        this.store = Objects.requireNonNull(store);
        this.downloader = Objects.requireNonNull(downloader);
    }

    public ModelStore store() { return store; }

    /** The exit code for a failure. */
    public static int exitCode(ModelStoreException e) {
        return e.kind().isBadInput() ? BAD_INPUT : FAILED;
    }

    /** Prints every registered model: name, state, size on disk, location, description; then unregistered entries. */
    public int list(PrintStream out) {
        out.println("Model store: " + store.root() + " (" + store.rootSource() + ")");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "STATE", "ON DISK", "LOCATION", "DESCRIPTION"});
        for (ModelEntry e : store.registry().entries()) {
            ModelState st = store.state(e);
            String state = st.presence().name().toLowerCase(Locale.ROOT)
                    + (st.presence() == ModelState.Presence.PARTIAL
                    ? " (" + st.present().size() + "/" + e.files().size() + ")" : "");
            String desc = e.description() + (e.supported() ? ""
                    : " [" + (e.note() == null ? "not supported by the runtime yet" : e.note()) + "]");
            rows.add(new String[] {e.name(), state, st.bytes() > 0 ? Sizes.human(st.bytes()) : "-",
                store.folder(e).toString(), desc});
        }
        printTable(out, rows);
        try {
            List<String> other = store.unregisteredEntries();
            if (!other.isEmpty()) {
                out.println("Also in the store (use by name or path): " + String.join(", ", other));
            }
        } catch (IOException e) {
            out.println("(cannot list " + store.root() + ": " + e.getMessage() + ")");
        }
        return OK;
    }

    /** Pulls {@code name} in its default form. */
    public int pull(String name, ProgressSink sink) {
        return pull(name, null, sink, new CancellationToken());
    }

    /**
     * Downloads and verifies the model {@code name} ({@code variant} e.g. {@code fp16}, or {@code null}); progress
     * and messages go to {@code sink}, errors to {@link ProgressSink#error(String)}.
     */
    public int pull(String name, String variant, ProgressSink sink, CancellationToken cancel) {
        ProgressSink out = sink == null ? ProgressSink.NONE : sink;
        try {
            ModelEntry e = store.registry().require(name);
            out.message("pulling " + e.name() + " from " + store.hub().repoPage(e.repo()) + " into "
                    + store.folder(e) + (variant == null ? "" : " (" + variant + " variant)"));
            ModelDownloader.PullResult r = downloader.pull(e, variant, out, cancel);
            long fetched = r.files().stream().filter(f -> f.action() == ModelDownloader.Action.DOWNLOADED).count();
            long unverified = r.files().stream()
                    .filter(f -> f.action() == ModelDownloader.Action.KEPT_UNVERIFIED).count();
            out.message(e.name() + ": " + r.files().size() + " files in place (" + fetched + " downloaded"
                    + (unverified > 0 ? ", " + unverified + " not verified" : "") + ") at " + r.folder());
            return OK;
        } catch (ModelStoreException ex) {
            out.error("error: " + ex.getMessage());
            return exitCode(ex);
        } catch (RuntimeException ex) {
            out.error("error: pull of " + name + " failed: " + ex);
            return FAILED;
        }
    }

    /**
     * Checks the files of model {@code nameOrNull}, or of every registered model with at least one file present,
     * printing one line per file (OK / MISSING / MISMATCH / UNCHECKED).
     *
     * @return {@value #OK} when all checked files are OK or unchecked, {@value #BAD_INPUT} on an unknown name or
     * any mismatch, {@value #FAILED} when files are missing
     */
    public int verify(String nameOrNull, PrintStream out) {
        return verify(nameOrNull, false, out);
    }

    /**
     * As {@link #verify(String, PrintStream)}; {@code fresh} re-hashes every file instead of trusting digests
     * cached for files whose size and modification time are unchanged (a {@code --full} option).
     */
    public int verify(String nameOrNull, boolean fresh, PrintStream out) {
        ModelVerifier verifier = new ModelVerifier(store);
        List<ModelEntry> entries = new ArrayList<>();
        if (nameOrNull != null && !nameOrNull.isBlank()) {
            try {
                entries.add(store.registry().require(nameOrNull.strip()));
            } catch (ModelStoreException e) {
                out.println("error: " + e.getMessage());
                return BAD_INPUT;
            }
        } else {
            for (ModelEntry e : store.registry().entries()) {
                if (store.state(e).presence() != ModelState.Presence.MISSING) {
                    entries.add(e);
                }
            }
            if (entries.isEmpty()) {
                out.println("no registered model is in " + store.root() + "; nothing to verify");
                return OK;
            }
        }
        int mismatches = 0;
        int missing = 0;
        int unchecked = 0;
        for (ModelEntry e : entries) {
            out.println(e.name() + " (" + store.folder(e) + "):");
            for (FileCheck c : verifier.verify(e, fresh)) {
                String detail = switch (c.status()) {
                    case OK -> "sha256 " + c.actual();
                    case MISSING -> "not at " + c.location();
                    case MISMATCH -> c.actual() == null ? c.source()
                            : "sha256 " + c.actual() + ", expected " + c.expected() + " (" + c.source() + ")";
                    case UNCHECKED -> "sha256 " + c.actual() + " (" + c.source() + ")";
                };
                out.printf(Locale.ROOT, "  %-9s %s  %s%n", c.status(), c.path(), detail);
                if (c.status() == FileCheck.Status.MISMATCH) {
                    mismatches++;
                } else if (c.status() == FileCheck.Status.MISSING) {
                    missing++;
                } else if (c.status() == FileCheck.Status.UNCHECKED) {
                    unchecked++;
                }
            }
        }
        if (mismatches > 0) {
            out.println(mismatches + " file(s) differ from their recorded SHA-256: move them away and run"
                    + " `atelier models pull NAME` to fetch them again");
            return BAD_INPUT;
        }
        if (missing > 0) {
            out.println(missing + " file(s) missing: run `atelier models pull NAME` to fetch them");
            return FAILED;
        }
        out.println(unchecked == 0 ? "all files OK" : "no problems found; " + unchecked + " file(s) have no"
                + " recorded SHA-256 (placed by hand): `atelier models pull NAME` checks them against the hub");
        return OK;
    }

    private static void printTable(PrintStream out, List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] w = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols - 1; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                sb.append(r[i]);
                if (i < cols - 1) {
                    sb.append(" ".repeat(w[i] - r[i].length() + 2));
                }
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
