package dev.tributary.r2dbc.postgres;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Captures every logback event in memory while open: loggers set to the given levels, the root
 * logger's other appenders detached (the console would drown in TRACE), everything restored on
 * close. For one test at a time (test classes run one after another in this build).
 */
final class LogCapture implements AutoCloseable {

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger root = this.context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Map<String, Level> previousLevels = new LinkedHashMap<>();
    private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();

    private LogCapture(Map<String, Level> levels) {
        for (Iterator<Appender<ILoggingEvent>> it = this.root.iteratorForAppenders(); it.hasNext(); ) {
            this.detached.add(it.next());
        }
        this.detached.forEach(this.root::detachAppender);
        this.appender.setContext(this.context);
        this.appender.start();
        this.root.addAppender(this.appender);
        levels.forEach((name, level) -> {
            Logger logger = this.context.getLogger(name);
            this.previousLevels.put(name, logger.getLevel());
            logger.setLevel(level);
        });
    }

    /**
     * @param levels logger name ({@code ROOT} for the root) to level
     * @return a capture, running
     */
    static LogCapture start(Map<String, Level> levels) {
        return new LogCapture(levels);
    }

    /** @return the events so far */
    List<ILoggingEvent> events() {
        return List.copyOf(this.appender.list);
    }

    /**
     * @return for each event, everything an appender could print: the formatted and raw
     * message, each argument, and the throwable with its causes, suppressed exceptions and frames
     */
    List<String> printable() {
        List<String> texts = new ArrayList<>();
        for (ILoggingEvent event : events()) {
            StringBuilder text = new StringBuilder(event.getLoggerName()).append(' ')
                    .append(event.getFormattedMessage()).append('\n').append(event.getMessage());
            if (event.getArgumentArray() != null) {
                for (Object argument : event.getArgumentArray()) {
                    text.append('\n').append(argument);
                }
            }
            event.getMDCPropertyMap().forEach((k, v) -> text.append('\n').append(k).append('=').append(v));
            appendThrowable(text, event.getThrowableProxy());
            texts.add(text.toString());
        }
        return texts;
    }

    private static void appendThrowable(StringBuilder text, IThrowableProxy throwable) {
        if (throwable == null) {
            return;
        }
        text.append('\n').append(throwable.getClassName()).append(": ").append(throwable.getMessage());
        if (throwable.getStackTraceElementProxyArray() != null) {
            for (StackTraceElementProxy frame : throwable.getStackTraceElementProxyArray()) {
                text.append('\n').append(frame.getSTEAsString());
            }
        }
        appendThrowable(text, throwable.getCause());
        if (throwable.getSuppressed() != null) {
            for (IThrowableProxy suppressed : throwable.getSuppressed()) {
                appendThrowable(text, suppressed);
            }
        }
    }

    @Override
    public void close() {
        this.previousLevels.forEach((name, level) -> this.context.getLogger(name).setLevel(level));
        this.root.detachAppender(this.appender);
        this.appender.stop();
        this.detached.forEach(this.root::addAppender);
    }
}
