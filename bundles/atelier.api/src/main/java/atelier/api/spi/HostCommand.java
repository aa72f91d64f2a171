package atelier.api.spi;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/** An extra command a bundle offers to hosts (a menu entry in Fiji, a sub-command in the CLI). */
@ConsumerType
public interface HostCommand {
    String id();

    String label();

    /** Runs the command with key=value arguments; returns a message to show. */
    String run(Map<String, String> arguments) throws Exception;
}
