package atelier.itest.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

import atelier.api.StyleTransferService;
import atelier.api.spi.InjectionStrategy;

/** The service and the strategies as a bundle inside the host sees them. */
class ServicesInFrameworkTest {
    static final String LATENT_STATS_BUNDLE = "atelier.strategy.latentstats";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ServiceAware<StyleTransferService> service;

    @InjectService(filter = "(" + InjectionStrategy.ID_PROPERTY + "=latent-stats)", timeout = 30_000)
    ServiceAware<InjectionStrategy> latentStats;

    @InjectService(cardinality = 1, timeout = 30_000)
    ServiceAware<InjectionStrategy> strategies;

    @Test
    void testsRunInsideTheFramework() {
        Bundle self = FrameworkUtil.getBundle(getClass());
        assertNotNull(self, "test class not loaded by a bundle");
        assertEquals("atelier.itest.osgi", self.getSymbolicName());
        assertEquals(self.getBundleId(), context.getBundle().getBundleId());
        Bundle jupiter = FrameworkUtil.getBundle(Test.class);
        assertNotNull(jupiter, "the Jupiter API came from the class path, not from a bundle");
        assertEquals("junit-jupiter-api", jupiter.getSymbolicName());
        // atelier.api is shared through the system bundle (host class path), not a bundle of its own
        long apiProvider = self.adapt(BundleWiring.class).getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE).stream()
                .filter(w -> "atelier.api".equals(w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE)))
                .findFirst().orElseThrow(() -> new AssertionError("atelier.api not imported")).getProvider().getBundle().getBundleId();
        assertEquals(0L, apiProvider);
    }

    @Test
    void styleTransferServiceIsRegisteredAndListsLatentStats() {
        StyleTransferService s = service.getService();
        assertNotNull(s, "no StyleTransferService");
        ServiceReference<StyleTransferService> ref = service.getServiceReference();
        assertEquals("atelier.pipeline", ref.getBundle().getSymbolicName());
        assertTrue(s.strategies().stream().anyMatch(i -> i.id().equals("latent-stats") && i.bundle().equals(LATENT_STATS_BUNDLE)),
                s.strategies().toString());
    }

    @Test
    void latentStatsStrategyCarriesItsIdAndBundle() {
        assertEquals(1, latentStats.size(), "latent-stats services: " + latentStats.getServiceReferences());
        ServiceReference<InjectionStrategy> ref = latentStats.getServiceReference();
        assertEquals("latent-stats", ref.getProperty(InjectionStrategy.ID_PROPERTY));
        assertEquals(LATENT_STATS_BUNDLE, ref.getBundle().getSymbolicName());
        assertEquals(Bundle.ACTIVE, ref.getBundle().getState());
        assertEquals("latent-stats", latentStats.getService().spec().id());
    }

    @Test
    void everyStrategyServiceHasAnIdAndAnActiveBundle() {
        assertFalse(strategies.isEmpty());
        for (ServiceReference<InjectionStrategy> ref : strategies.getServiceReferences()) {
            Object id = ref.getProperty(InjectionStrategy.ID_PROPERTY);
            assertTrue(id instanceof String && !((String) id).isBlank(), "no " + InjectionStrategy.ID_PROPERTY + " on " + ref);
            assertNotNull(ref.getBundle(), "strategy " + id + " without a bundle");
            assertEquals(Bundle.ACTIVE, ref.getBundle().getState(), ref.getBundle().getSymbolicName());
        }
    }

    @Test
    void noBundleExportsAnInternalPackage() {
        List<String> offenders = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getBundleId() == 0) continue;   // the system bundle re-exports DJL as DJL ships it
            BundleRevision rev = b.adapt(BundleRevision.class);
            if (rev == null) continue;
            for (BundleCapability c : rev.getDeclaredCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
                String pkg = (String) c.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
                if (List.of(pkg.split("\\.")).contains("internal")) offenders.add(b.getSymbolicName() + ": " + pkg);
            }
        }
        assertEquals(List.of(), offenders);
        assertTrue(context.getBundles().length > 10, "too few bundles to mean anything");
    }
}
