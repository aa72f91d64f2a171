package atelier.host.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class HeaderClauseTest {

    @Test
    void parsesExportPackageWithQuotedUsesAndSeveralPackagesPerClause() {
        List<HeaderClause> c = HeaderClause.parse(
                "org.slf4j;uses:=\"org.slf4j.event,org.slf4j.spi\";version=\"2.0.17\",a.b;a.c;version=1.0,plain");
        assertEquals(3, c.size());
        assertEquals(List.of("org.slf4j"), c.get(0).paths());
        assertEquals("2.0.17", c.get(0).attribute("version", null));
        assertEquals("org.slf4j.event,org.slf4j.spi", c.get(0).directives().get("uses"));
        assertEquals(List.of("a.b", "a.c"), c.get(1).paths());
        assertEquals("1.0", c.get(1).attribute("version", null));
        assertEquals(List.of("plain"), c.get(2).paths());
        assertEquals("0.0.0", c.get(2).attribute("version", "0.0.0"));
    }

    @Test
    void parsesBndRunbundlesWithSingleQuotedRanges() {
        List<HeaderClause> c = HeaderClause.parse("atelier.runtime;version='[0.1.0,0.1.1)',org.apache.felix.scr;version='[2.2.12,2.2.13)'");
        assertEquals(2, c.size());
        assertEquals("[0.1.0,0.1.1)", c.get(0).attribute("version", null));
        assertEquals("org.apache.felix.scr", c.get(1).paths().get(0));
    }

    @Test
    void typedAttributesDropTheType() {
        HeaderClause c = HeaderClause.parse("osgi.identity;version:Version=\"1.2.3\"").get(0);
        assertEquals("1.2.3", c.attribute("version", null));
    }

    @Test
    void emptyHeaderHasNoClausesAndUnbalancedQuotesAreAnError() {
        assertTrue(HeaderClause.parse(null).isEmpty());
        assertTrue(HeaderClause.parse("  ").isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HeaderClause.parse("a;version=\"1.0"));
        assertTrue(e.getMessage().contains("unbalanced quote"));
    }
}
