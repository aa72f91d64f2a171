package atelier.host.framework;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends the framework's own log messages to SLF4J (logger {@code atelier.host.felix}). */
public final class FelixLogBridge extends org.apache.felix.framework.Logger {
    private static final Logger LOG = LoggerFactory.getLogger("atelier.host.felix");

    @Override
    protected void doLog(Bundle bundle, ServiceReference sr, int level, String msg, Throwable throwable) {
        String text = bundle != null ? "[" + bundle.getSymbolicName() + "] " + msg : msg;
        switch (level) {
            case LOG_ERROR -> LOG.error(text, throwable);
            case LOG_WARNING -> LOG.warn(text, throwable);
            case LOG_INFO -> LOG.info(text, throwable);
            default -> LOG.debug(text, throwable);
        }
    }
}
