package atelier.runtime.verify;

/**
 * One compared output of a case.
 *
 * @param name   the reference tensor's name
 * @param maxAbs largest absolute difference (NaN if the shapes differ or a value is not finite)
 * @param tol    the tolerance it must not exceed
 */
public record Check(String name, double maxAbs, double tol) {
    public boolean passed() { return maxAbs <= tol; }

    /** How close to failing: maxAbs / tol (infinite for a failure at zero tolerance). */
    double ratio() {
        if (Double.isNaN(maxAbs)) {
            return Double.POSITIVE_INFINITY;
        }
        return tol > 0 ? maxAbs / tol : (maxAbs == 0 ? 0 : Double.POSITIVE_INFINITY);
    }
}
