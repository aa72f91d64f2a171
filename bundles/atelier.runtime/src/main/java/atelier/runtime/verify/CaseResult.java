package atelier.runtime.verify;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of one case: its checks, or the error that stopped it.
 *
 * @param id     the case id
 * @param checks the compared outputs (empty when {@code error} is set)
 * @param error  why the case could not be run, or null
 */
public record CaseResult(String id, List<Check> checks, String error) {
    public CaseResult {
        checks = List.copyOf(checks);
    }

    static CaseResult failed(String id, String error) {
        return new CaseResult(id, List.of(), error);
    }

    public boolean passed() {
        return error == null && !checks.isEmpty() && checks.stream().allMatch(Check::passed);
    }

    /** The check closest to (or furthest beyond) its tolerance. */
    public Check worst() {
        return checks.stream().max(Comparator.comparingDouble(Check::ratio)).orElse(null);
    }

    /** {@code PASS <id> max_abs=<x> tol=<y>}, {@code FAIL …} or {@code FAIL <id> error=<message>}. */
    public String line() {
        if (error != null) {
            return "FAIL " + id + " error=" + error.replace('\n', ' ');
        }
        if (checks.isEmpty()) {
            return "FAIL " + id + " error=nothing was compared";
        }
        Check w = worst();
        return (passed() ? "PASS " : "FAIL ") + id + " max_abs=" + fmt(w.maxAbs()) + " tol=" + fmt(w.tol());
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3e", v);
    }
}
