package dev.tributary.emulator.pgwire;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Captures what the gateway logs, down to DEBUG, while open: to prove that no password reaches a
 * log line or a logged exception. Restores the logger's level on close.
 */
final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level previousLevel;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String name) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        this.logger = context.getLogger(name);
        this.previousLevel = this.logger.getLevel();
        this.logger.setLevel(Level.DEBUG);
        this.appender.setContext(context);
        this.appender.start();
        this.logger.addAppender(this.appender);
    }

    /** @return a capture of the gateway's package, running */
    static LogCapture gateway() {
        return new LogCapture(PostgresGateway.class.getPackageName());
    }

    /** @return each event as an appender could print it: message, arguments, throwable with causes and frames */
    List<String> printable() {
        List<String> texts = new ArrayList<>();
        for (ILoggingEvent event : List.copyOf(this.appender.list)) {
            StringBuilder text = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
            if (event.getArgumentArray() != null) {
                for (Object argument : event.getArgumentArray()) {
                    text.append('\n').append(argument);
                }
            }
            if (event.getThrowableProxy() != null) {
                text.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
            texts.add(text.toString());
        }
        return texts;
    }

    @Override
    public void close() {
        this.logger.detachAppender(this.appender);
        this.appender.stop();
        this.logger.setLevel(this.previousLevel);
    }
}
