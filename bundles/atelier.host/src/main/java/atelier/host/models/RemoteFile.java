package atelier.host.models;

import java.net.URI;

/**
 * What the hub says about one file before it is downloaded.
 *
 * @param uri     where to download it
 * @param sha256  its SHA-256 when the hub published one (files kept in LFS), else {@code null}
 * @param gitSha1 its git blob id when the hub gave that instead (small files kept in git), else {@code null}
 * @param size    its size in bytes, or {@code -1}
 * @param commit  the commit the revision resolved to, or {@code null}
 */
public record RemoteFile(URI uri, String sha256, String gitSha1, long size, String commit) { }
