/**
 * Run feedback at the terminal: a progress bar redrawn on interactive stderr (plain lines in logs) and
 * Ctrl-C turned into a clean cancellation.
 */
package atelier.cli.progress;
