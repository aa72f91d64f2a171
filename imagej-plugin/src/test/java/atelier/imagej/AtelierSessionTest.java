package atelier.imagej;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import atelier.api.StyleTransferService;
import atelier.api.TransferException;

class AtelierSessionTest {

    @AfterEach
    void reset() {
        System.clearProperty(AtelierSession.SERVICE_PROPERTY);
        AtelierSession.useService(null);
    }

    @Test
    void aServiceSetFromCodeIsUsed() throws Exception {
        StyleTransferService fake = new FakeStyleTransferService();
        AtelierSession.useService(fake);
        assertSame(fake, AtelierSession.service());
        assertSame(fake, AtelierSession.service());
    }

    @Test
    void theSystemPropertyNamesAServiceClassInstantiatedOnce() throws Exception {
        System.setProperty(AtelierSession.SERVICE_PROPERTY, FakeStyleTransferService.class.getName());
        StyleTransferService first = AtelierSession.service();
        assertTrue(first instanceof FakeStyleTransferService);
        assertSame(first, AtelierSession.service());
    }

    @Test
    void aWrongClassInThePropertyIsReported() {
        System.setProperty(AtelierSession.SERVICE_PROPERTY, String.class.getName());
        TransferException e = assertThrows(TransferException.class, AtelierSession::service);
        assertEquals(TransferException.Kind.INTERNAL, e.kind());
        assertTrue(e.getMessage().contains(AtelierSession.SERVICE_PROPERTY) && e.getMessage().contains("String"),
                e.getMessage());
    }
}
