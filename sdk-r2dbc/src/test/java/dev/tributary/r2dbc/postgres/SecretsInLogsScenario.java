package dev.tributary.r2dbc.postgres;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import reactor.core.publisher.Mono;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

import static dev.tributary.r2dbc.postgres.SecretsInLogsIT.ALICE_KEY;
import static dev.tributary.r2dbc.postgres.SecretsInLogsIT.CLEARTEXT_PASSWORD;
import static dev.tributary.r2dbc.postgres.SecretsInLogsIT.MD5_PASSWORD;
import static dev.tributary.r2dbc.postgres.SecretsInLogsIT.WRONG;

/**
 * The logging half of {@link SecretsInLogsIT}, run in a JVM of its own: r2dbc-postgresql decides
 * once per JVM, when its client class loads, whether to log the protocol at DEBUG
 * ({@code ReactorNettyClient.DEBUG_ENABLED}), so DEBUG must be on before any connection is made,
 * as in an application configured that way. Connects with right and wrong secrets through every
 * entry point, over plain TCP and TLS, makes configuration mistakes with secrets present, and
 * prints everything that was logged (with a {@link LogCapture}) and every {@code toString()} and
 * error, for the test to search.
 */
final class SecretsInLogsScenario {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private SecretsInLogsScenario() {
    }

    /**
     * @param args the embedded server's port
     */
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        List<String> printed = new ArrayList<>();
        int connected = 0;
        int denied = 0;
        try (LogCapture capture = LogCapture.start(Map.of(
                "ROOT", Level.DEBUG,
                "io.r2dbc.postgresql", Level.DEBUG,
                "reactor.netty", Level.TRACE,
                "io.netty", Level.DEBUG))) {
            for (Map.Entry<String, Supplier<ConnectionFactoryOptions>> configuration : configurations(port).entrySet()) {
                ConnectionFactoryOptions options = configuration.getValue().get();
                ConnectionFactory factory = ConnectionFactories.get(options);
                printed.add(configuration.getKey() + ": " + options + " / " + factory);
                SessionFacts session = SessionFacts.of(factory)
                        .onErrorResume(error -> {
                            printed.add(describe(error));
                            return Mono.empty();
                        })
                        .block(TIMEOUT);
                if (session != null) {
                    connected++;
                } else {
                    denied++;
                }
            }
            for (Supplier<ConnectionFactory> mistake : mistakes(port)) {
                try {
                    printed.add(String.valueOf(mistake.get()));
                } catch (RuntimeException error) {
                    printed.add(describe(error));
                }
            }
            printed.add(AlloyDbOptions.builder().server("h").user("u").password(CLEARTEXT_PASSWORD).toString());
            printed.add(BitioOptions.builder().apiKey(ALICE_KEY).toString());

            List<ILoggingEvent> events = capture.events();
            System.out.println("CONNECTED=" + connected);
            System.out.println("DENIED=" + denied);
            System.out.println("EVENTS=" + events.size());
            TreeSet<String> loggers = new TreeSet<>();
            events.forEach(event -> loggers.add(event.getLoggerName() + "@" + event.getLevel()));
            System.out.println("LOGGERS=" + loggers);
            System.out.println("---LOGGED---");
            capture.printable().forEach(System.out::println);
        }
        System.out.println("---PRINTED---");
        printed.forEach(System.out::println);
        System.out.println("---END---");
        System.exit(0);
    }

    private static String url(int port, String driver, String user, String secret, String path, String query) {
        return "r2dbc:" + driver + "://" + user + ":" + secret + "@127.0.0.1:" + port + "/" + path + query;
    }

    /** Every way in, with the right and a wrong secret, over plain TCP and TLS: 24 factories. */
    private static Map<String, Supplier<ConnectionFactoryOptions>> configurations(int port) {
        Map<String, Supplier<ConnectionFactoryOptions>> configurations = new LinkedHashMap<>();
        for (String secretKind : new String[]{"right", "wrong"}) {
            boolean right = secretKind.equals("right");
            String cleartext = right ? CLEARTEXT_PASSWORD : WRONG;
            String md5 = right ? MD5_PASSWORD : WRONG;
            String apiKey = right ? ALICE_KEY : WRONG;
            for (SSLMode mode : new SSLMode[]{SSLMode.DISABLE, SSLMode.REQUIRE}) {
                String query = "?sslmode=" + mode;
                String suffix = " (" + secretKind + ", " + mode + ")";
                configurations.put("postgresql URL, cleartext" + suffix,
                        () -> ConnectionFactoryOptions.parse(url(port, "postgresql", "app", cleartext, "postgres", query)));
                configurations.put("alloydb URL, cleartext" + suffix,
                        () -> ConnectionFactoryOptions.parse(url(port, "alloydb", "app", cleartext, "postgres", query)));
                configurations.put("alloydb builder, md5" + suffix,
                        () -> AlloyDbOptions.builder().server("127.0.0.1").port(port).user("md5_app").password(md5)
                                .database("postgres").sslMode(mode).build());
                configurations.put("alloydb connection string, md5" + suffix,
                        () -> AlloyDbOptions.fromConnectionString("Server=127.0.0.1;Port=" + port + ";Database=postgres;"
                                + "User=md5_app;Password=" + md5 + ";SSL Mode=" + mode));
                configurations.put("bitio URL, scram" + suffix,
                        () -> ConnectionFactoryOptions.parse(url(port, "bitio", "alice", apiKey, "alice/demo", query)));
                configurations.put("bitio builder, scram" + suffix,
                        () -> BitioOptions.builder().host("127.0.0.1").port(port).database("alice/demo").apiKey(apiKey)
                                .sslMode(mode).build());
            }
        }
        return configurations;
    }

    /** Configuration mistakes made while a secret is present. */
    private static List<Supplier<ConnectionFactory>> mistakes(int port) {
        return List.of(
                () -> ConnectionFactories.get(url(port, "alloydb", "app", CLEARTEXT_PASSWORD, "postgres", "?Integrated%20Security=true")),
                () -> ConnectionFactories.get(url(port, "alloydb", "app", CLEARTEXT_PASSWORD, "postgres", "?Password=" + WRONG)),
                () -> ConnectionFactories.get(url(port, "bitio", "alice", ALICE_KEY, "demo", "")),
                () -> ConnectionFactories.get(AlloyDbOptions.fromConnectionString("Server=h;Password=" + MD5_PASSWORD)),
                () -> ConnectionFactories.get(AlloyDbOptions.fromConnectionString("Server=h;User=a;Password " + MD5_PASSWORD)),
                () -> ConnectionFactories.get(AlloyDbOptions.fromConnectionString("Server=h;User=a;Password='" + MD5_PASSWORD)),
                () -> ConnectionFactories.get(BitioOptions.builder().database("alice/demo").apiKey(ALICE_KEY).port(port)
                        .option(Option.<String>valueOf("apiKey"), WRONG).build()));
    }

    private static String describe(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return error + "\n" + out;
    }
}
