package atelier.host.models;

import java.nio.file.Path;

/**
 * The result of checking one file of a model on disk.
 *
 * @param model    the model's name
 * @param path     the file's path in the model folder
 * @param location where it is (or belongs)
 * @param status   the verdict
 * @param expected the digest it should have, or {@code null} when nothing records one
 * @param actual   the digest it has, or {@code null} when missing or unreadable
 * @param source   where {@code expected} comes from ("registry", "manifest"), or a reason
 */
public record FileCheck(String model, String path, Path location, Status status, String expected, String actual,
                        String source) {

    /** Verdict for one file. */
    public enum Status {
        /** present with the expected SHA-256 */
        OK,
        /** not there */
        MISSING,
        /** present with another SHA-256 (or unreadable) */
        MISMATCH,
        /** present, but neither the registry nor a manifest records its SHA-256 (placed by hand) */
        UNCHECKED
    }
}
