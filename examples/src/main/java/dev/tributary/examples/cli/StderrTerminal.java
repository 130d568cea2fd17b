package dev.tributary.examples.cli;

import org.jline.terminal.spi.SystemStream;
import org.jline.terminal.spi.TerminalProvider;

import java.util.Map;

/**
 * Whether the process's standard error is a terminal, asked of JLine's {@code exec} terminal
 * provider (it runs {@code test -t 2} on POSIX systems, and knows Cygwin and MSYS on Windows).
 * Anything it cannot tell counts as "not a terminal": job progress is then written one line per
 * state change instead of as a progress bar.
 */
final class StderrTerminal {

    private StderrTerminal() {
    }

    /**
     * @param environment the process environment ({@code TERM=dumb} is not a terminal for a progress bar)
     * @return whether stderr is an interactive terminal
     */
    static boolean isTerminal(Map<String, String> environment) {
        if ("dumb".equals(environment.get("TERM"))) {
            return false;
        }
        try {
            return TerminalProvider.load("exec").isSystemStream(SystemStream.Error);
        } catch (Exception | LinkageError cannotTell) {
            return false;
        }
    }
}
