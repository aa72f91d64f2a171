package atelier.api.spi;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/** Presets and extra commands a bundle adds to every host's UI. Registered as an OSGi service. */
@ConsumerType
public interface UiContribution {
    List<Preset> presets();

    default List<HostCommand> commands() { return List.of(); }
}
