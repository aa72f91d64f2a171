package atelier.itest.osgi.launch;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.engine.JupiterTestEngine;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs this bundle's test classes with the JUnit Platform launcher, from inside the framework, and returns one line
 * per test: {@code SUCCESSFUL|FAILED|ABORTED|SKIPPED Class#method}, failures followed by their stack trace.
 * The type is a {@link Supplier} of plain strings so a caller outside the framework needs no JUnit or bundle class.
 *
 * <p>The Jupiter engine is registered explicitly and every {@code ServiceLoader} auto-registration is off: inside
 * OSGi a bundle's class loader does not see other bundles' {@code META-INF/services}.
 */
public final class InFrameworkRunner implements Supplier<List<String>> {
    /** The test classes this bundle holds, loaded through the bundle's own class loader. */
    public static final List<String> TEST_CLASSES = List.of("atelier.itest.osgi.ServicesInFrameworkTest",
            "atelier.itest.osgi.HotSwapInFrameworkTest", "atelier.itest.osgi.TransferInFrameworkTest");

    @Override
    public List<String> get() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(InFrameworkRunner.class.getClassLoader());
        try {
            Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                    .enableTestEngineAutoRegistration(false)
                    .enableLauncherSessionListenerAutoRegistration(false)
                    .enableLauncherDiscoveryListenerAutoRegistration(false)
                    .enableTestExecutionListenerAutoRegistration(false)
                    .enablePostDiscoveryFilterAutoRegistration(false)
                    .addTestEngines(new JupiterTestEngine())
                    .build());
            LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
            TEST_CLASSES.forEach(c -> request.selectors(selectClass(InFrameworkRunner.class.getClassLoader(), c)));
            LauncherDiscoveryRequest discovery = request.build();
            Collector collector = new Collector();
            launcher.execute(discovery, collector);
            return Collections.unmodifiableList(collector.lines);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Keeps one line per finished or skipped test method, and a line for any container that failed. */
    private static final class Collector implements TestExecutionListener {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            lines.add("SKIPPED " + name(test) + ": " + reason);
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (test.isContainer() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) return;
            StringBuilder line = new StringBuilder(result.getStatus() + " " + name(test));
            result.getThrowable().ifPresent(t -> {
                StringWriter trace = new StringWriter();
                t.printStackTrace(new PrintWriter(trace));
                line.append(": ").append(trace);
            });
            lines.add(line.toString());
        }

        private static String name(TestIdentifier test) {
            return test.getSource().map(s -> {
                if (s instanceof org.junit.platform.engine.support.descriptor.MethodSource m) {
                    return simple(m.getClassName()) + "#" + m.getMethodName();
                }
                if (s instanceof org.junit.platform.engine.support.descriptor.ClassSource c) return simple(c.getClassName());
                return test.getDisplayName();
            }).orElse(test.getDisplayName());
        }

        private static String simple(String className) {
            return className.substring(className.lastIndexOf('.') + 1);
        }
    }
}
