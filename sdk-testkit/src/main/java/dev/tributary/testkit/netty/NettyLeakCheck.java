package dev.tributary.testkit.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fails a test class when Netty reported a leaked buffer (a {@code ByteBuf} collected without
 * being released) while it ran. Netty only logs leaks; with this extension they fail the build.
 * Registered for every test class through JUnit's extension auto-detection
 * ({@code junit.jupiter.extensions.autodetection.enabled=true} in
 * {@code junit-platform.properties}); run tests with {@code -Dio.netty.leakDetection.level=paranoid}
 * so that every buffer is tracked. A buffer that leaked inside r2dbc-postgresql without ever
 * reaching this project's code is logged instead ({@link #isInsideR2dbcPostgresqlOnly}).
 */
public final class NettyLeakCheck implements AfterAllCallback {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NettyLeakCheck.class);

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    /** Created by JUnit. */
    public NettyLeakCheck() {
    }

    /**
     * Collects garbage, lets Netty's detectors look at what was collected, and fails if any leak
     * was reported since the last check.
     */
    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = new ArrayList<>();
        for (String leak : collectLeaks()) {
            if (isInsideR2dbcPostgresqlOnly(leak)) {
                LOG.warn("A buffer leaked inside r2dbc-postgresql, never handed to Tributary's code (pgjdbc/r2dbc-postgresql#580), in {}:\n{}",
                        context.getDisplayName(), leak);
            } else {
                leaks.add(leak);
            }
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty buffer leak(s) in " + context.getDisplayName() + ":\n"
                    + String.join("\n----\n", leaks));
        }
    }

    /**
     * Whether a leak is one of r2dbc-postgresql's own: a message buffer its decoder created that
     * never reached code of this project (no {@code dev.tributary} frame in any access record),
     * such as rows still queued inside the driver when a cancelled statement's connection closes
     * (pgjdbc/r2dbc-postgresql#580). Such leaks are logged, not failed, by {@link #afterAll};
     * the paths the SDK answers for are proven leak-free by tests that call {@link #collectLeaks()}
     * themselves ({@code SqlClientIT#cancellingWithPartialDemandLeaksNothing},
     * {@code R2dbcPostgresqlClosedConnectionLeakCanaryIT}), where nothing is exempt.
     *
     * @param leak a leak report from {@link #collectLeaks()}
     * @return whether the leaked buffer never left r2dbc-postgresql
     */
    public static boolean isInsideR2dbcPostgresqlOnly(String leak) {
        return leak.contains("io.r2dbc.postgresql.message.backend.") && !leak.contains("dev.tributary.");
    }

    /**
     * @return the leaks reported since the last call (and forgets them)
     */
    public static List<String> collectLeaks() {
        for (int round = 0; round < 5; round++) {
            System.gc();
            try {
                // let the reference handler enqueue what the collector found
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            // Detectors look at collected buffers when they track a new one.
            for (int i = 0; i < 64; i++) {
                ByteBuf probe = ByteBufAllocator.DEFAULT.directBuffer(8);
                probe.release();
                probe = ByteBufAllocator.DEFAULT.heapBuffer(8);
                probe.release();
            }
        }
        List<String> leaks = new ArrayList<>(LEAKS);
        LEAKS.clear();
        return leaks;
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {

        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {

        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add(resourceType + " leaked:" + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add(resourceType + " leaked (no records)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
