package atelier.host.models;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Hashing helpers: SHA-256 of files and the git blob SHA-1 the hub reports for small (non-LFS) files. */
public final class Digests {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern SHA1 = Pattern.compile("[0-9a-fA-F]{40}");
    private static final int BUFFER = 1 << 20;

    private Digests() { }

    /** Whether {@code s} is 64 hex digits. */
    public static boolean isSha256(String s) {
        return s != null && SHA256.matcher(s).matches();
    }

    /** Whether {@code s} is 40 hex digits. */
    public static boolean isSha1(String s) {
        return s != null && SHA1.matcher(s).matches();
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest newSha256() {
        return newDigest("SHA-256");
    }

    /** Lower-case hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = newSha256();
        feed(md, file, Long.MAX_VALUE);
        return hex(md.digest());
    }

    /**
     * Git's object id of the file as a blob: SHA-1 of {@code "blob <size>\0"} followed by the bytes. The hub
     * reports it as the ETag of files kept in git rather than LFS.
     */
    public static String gitBlobSha1(Path file) throws IOException {
        MessageDigest md = newDigest("SHA-1");
        md.update(("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
        feed(md, file, Long.MAX_VALUE);
        return hex(md.digest());
    }

    /** Feeds up to {@code limit} leading bytes of {@code file} into {@code md}; returns how many. */
    public static long feed(MessageDigest md, Path file, long limit) throws IOException {
        byte[] buf = new byte[BUFFER];
        long total = 0;
        try (InputStream in = Files.newInputStream(file)) {
            while (total < limit) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, limit - total));
                if (n < 0) {
                    break;
                }
                md.update(buf, 0, n);
                total += n;
            }
        }
        return total;
    }

    /** Lower-case hex of bytes. */
    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is not available in this JVM", e);
        }
    }
}
