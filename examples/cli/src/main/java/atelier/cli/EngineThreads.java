package atelier.cli;

import java.util.List;

/**
 * Sets the engine's thread count. DJL reads {@code ai.djl.pytorch.num_threads} once, when the PyTorch engine
 * starts, so this must run before anything touches the engine (commands that set it never start the host).
 */
final class EngineThreads {
    static final String PROPERTY = "ai.djl.pytorch.num_threads";

    private EngineThreads() { }

    static void set(int threads) {
        if (threads < 1) {
            throw CliException.badInput("--threads must be at least 1, got " + threads);
        }
        System.setProperty(PROPERTY, Integer.toString(threads));
    }

    /** Finds {@code --threads N} or {@code --threads=N} in pass-through arguments and applies it. */
    static void fromArgs(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = null;
            if (a.equals("--threads")) {
                if (i + 1 >= args.size()) {
                    throw CliException.badInput("--threads needs a number");
                }
                value = args.get(i + 1);
            } else if (a.startsWith("--threads=")) {
                value = a.substring("--threads=".length());
            }
            if (value != null) {
                try {
                    set(Integer.parseInt(value.trim()));
                } catch (NumberFormatException e) {
                    throw CliException.badInput("--threads: '" + value + "' is not a whole number");
                }
            }
        }
    }
}
