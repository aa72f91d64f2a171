package atelier.host.features;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.osgi.framework.Version;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * An OSGi R5 repository index ({@code index.xml} or {@code index.xml.gz}) as bnd-indexer writes it. Only the parts
 * an installer needs are read: identity, type, version and the content capability (url, SHA-256, size). Relative
 * URLs are resolved against the index's folder, so a feature folder can be copied anywhere.
 */
public final class RepositoryIndex {
    private final Path file;
    private final List<IndexedBundle> bundles;

    private RepositoryIndex(Path file, List<IndexedBundle> bundles) {
        this.file = file;
        this.bundles = bundles;
    }

    /** The index file this was read from. */
    public Path file() { return file; }

    /** All resources in the index. */
    public List<IndexedBundle> bundles() { return bundles; }

    /** The highest version of {@code run.symbolicName()} inside {@code run.range()}. */
    public Optional<IndexedBundle> best(RunBundle run) {
        return bundles.stream()
                .filter(b -> b.symbolicName().equals(run.symbolicName()) && run.range().includes(b.version()))
                .max(Comparator.comparing(IndexedBundle::version));
    }

    /** Reads {@code index.xml}, or {@code index.xml.gz} when only that exists, from a feature folder. */
    public static RepositoryIndex readFolder(Path folder) throws FeatureException {
        Path xml = folder.resolve("index.xml");
        if (Files.isRegularFile(xml)) return read(xml);
        Path gz = folder.resolve("index.xml.gz");
        if (Files.isRegularFile(gz)) return read(gz);
        throw new FeatureException("no index.xml in " + folder);
    }

    /** Reads one index file. */
    public static RepositoryIndex read(Path index) throws FeatureException {
        Document doc;
        try (InputStream raw = Files.newInputStream(index);
             InputStream in = index.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            doc = parser().parse(in);
        } catch (IOException | SAXException | ParserConfigurationException e) {
            throw new FeatureException("cannot read repository index " + index + ": " + e.getMessage(), e);
        }
        URI base = index.toAbsolutePath().getParent().toUri();
        List<IndexedBundle> out = new ArrayList<>();
        NodeList resources = doc.getDocumentElement().getElementsByTagNameNS("*", "resource");
        for (int i = 0; i < resources.getLength(); i++) {
            Element resource = (Element) resources.item(i);
            String bsn = null;
            String version = "0.0.0";
            String type = "osgi.bundle";
            String url = null;
            String sha = null;
            long size = -1;
            boolean contentSeen = false;   // a resource may list several contents; the first one is the jar
            NodeList caps = resource.getElementsByTagNameNS("*", "capability");
            for (int c = 0; c < caps.getLength(); c++) {
                Element cap = (Element) caps.item(c);
                String ns = cap.getAttribute("namespace");
                boolean firstContent = "osgi.content".equals(ns) && !contentSeen;
                if ("osgi.content".equals(ns)) contentSeen = true;
                NodeList attrs = cap.getElementsByTagNameNS("*", "attribute");
                for (int a = 0; a < attrs.getLength(); a++) {
                    Element attr = (Element) attrs.item(a);
                    String name = attr.getAttribute("name");
                    String value = attr.getAttribute("value");
                    if ("osgi.identity".equals(ns)) {
                        if ("osgi.identity".equals(name)) bsn = value;
                        else if ("version".equals(name)) version = value;
                        else if ("type".equals(name)) type = value;
                    } else if (firstContent) {
                        if ("osgi.content".equals(name)) sha = value.toLowerCase(Locale.ROOT);
                        else if ("url".equals(name)) url = value;
                        else if ("size".equals(name)) size = parseSize(value, index);
                    }
                }
            }
            if (bsn == null) continue;   // not a bundle (e.g. a plain jar); installers never pick it
            if (url == null || sha == null) {
                throw new FeatureException("index " + index + " lists " + bsn + " " + version + " without url or SHA-256");
            }
            Version v;
            try {
                v = Version.parseVersion(version);
            } catch (IllegalArgumentException e) {
                throw new FeatureException("index " + index + ": bad version '" + version + "' for " + bsn, e);
            }
            out.add(new IndexedBundle(bsn, v, "osgi.fragment".equals(type), base.resolve(url), sha, size));
        }
        return new RepositoryIndex(index, List.copyOf(out));
    }

    private static long parseSize(String value, Path index) throws FeatureException {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new FeatureException("index " + index + ": bad size '" + value + "'", e);
        }
    }

    private static DocumentBuilder parser() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setExpandEntityReferences(false);
        return f.newDocumentBuilder();
    }
}
