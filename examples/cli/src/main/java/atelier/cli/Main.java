package atelier.cli;

import java.util.Arrays;

/** Entry point of the {@code atelier} launcher. */
public final class Main {
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private Main() { }

    public static void main(String[] args) {
        // logging is quiet by default (simplelogger.properties); --debug shows what DJL, Felix and the bundles say
        if (Arrays.asList(args).contains("--debug") && System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "info");
        }
        int code = AtelierCommand.commandLine(System.out, System.err).execute(args);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }
}
