package atelier.host;

/**
 * A bundle the host refused to run because it embeds DJL or libtorch (docs/adr/0001).
 *
 * @param location     where it was installed from
 * @param symbolicName its Bundle-SymbolicName
 * @param reason       what was found, e.g. {@code contains ai/djl/engine/Engine.class}
 */
public record BundleRefusal(String location, String symbolicName, String reason) {

    /** A one-line message naming the bundle, for logs and the command line. */
    public String message() {
        return "Refused bundle " + symbolicName + " (" + location + "): it " + reason
                + ". DJL and libtorch are provided by the host; import ai.djl.* instead of embedding them.";
    }
}
