package dev.tributary.r2dbc.clickhouse;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The ByteHouse regions the official drivers know by name, and the gateway host each one stands
 * for. A region is a convenience alias for a host: newer tenants get a host of their own
 * ({@code tenant-<id>-<region>-public.bytehouse.volces.com}), which is given as the host instead.
 *
 * <table>
 *   <caption>Regions</caption>
 *   <tr><th>region</th><th>gateway host</th></tr>
 *   <tr><td>{@code AP-SOUTHEAST-1}</td><td>{@code gateway.aws-ap-southeast-1.bytehouse.cloud}</td></tr>
 *   <tr><td>{@code VOLCANO-CN-NORTH-1}</td><td>{@code bytehouse-cn-beijing.volces.com}</td></tr>
 *   <tr><td>{@code CN-NORTH-1}</td><td>{@code gateway.aws-cn-north-1.bytehouse.cn}</td></tr>
 *   <tr><td>{@code US-EAST-1}</td><td>{@code gateway.aws-us-east-1.bytehouse.cloud}</td></tr>
 *   <tr><td>{@code CN-BEIJING}</td><td>{@code bytehouse-cn-beijing.volces.com} (Volcano Engine)</td></tr>
 * </table>
 * Sources: the region tables hard-coded in ByteHouse's drivers: bytehouse-cloud/driver-java
 * ({@code com.bytedance.bytehouse.settings.ByteHouseRegion}), driver-go ({@code conn/region.go}),
 * driver-py and the bytehouse-sqlalchemy README ("ByteHouse Regions"). Those drivers speak the
 * native TCP protocol and list the gateways with port {@value #NATIVE_PORT}.
 * <p>
 * The HTTP interface: this driver speaks the ClickHouse HTTP interface, on port
 * {@value #HTTP_PORT} over TLS <em>of the same gateway host</em>. That is an assumption from
 * ByteHouse's documentation for Java users (JDBC over HTTP: the gateway host, port 8123,
 * {@code ssl=true&compress=0}); no driver lists separate HTTP hosts. Where it does not hold for a
 * tenant, give the host and port explicitly (an explicit host always wins over a region).
 */
public enum ByteHouseRegion {

    /** Singapore (AWS). */
    AP_SOUTHEAST_1("AP-SOUTHEAST-1", "gateway.aws-ap-southeast-1.bytehouse.cloud"),

    /** Beijing (Volcano Engine), as the Python drivers name it. */
    VOLCANO_CN_NORTH_1("VOLCANO-CN-NORTH-1", "bytehouse-cn-beijing.volces.com"),

    /** Beijing (AWS China). */
    CN_NORTH_1("CN-NORTH-1", "gateway.aws-cn-north-1.bytehouse.cn"),

    /** Virginia (AWS). */
    US_EAST_1("US-EAST-1", "gateway.aws-us-east-1.bytehouse.cloud"),

    /** Beijing (Volcano Engine), as the Java driver names it. */
    CN_BEIJING("CN-BEIJING", "bytehouse-cn-beijing.volces.com");

    /** The port of the native TCP protocol on the gateways, as the drivers list it. */
    public static final int NATIVE_PORT = 19000;

    /** The port of the ClickHouse HTTP interface (HTTPS) on the gateways. */
    public static final int HTTP_PORT = 8123;

    private final String regionName;
    private final String gatewayHost;

    ByteHouseRegion(String regionName, String gatewayHost) {
        this.regionName = regionName;
        this.gatewayHost = gatewayHost;
    }

    /**
     * Finds a region by its name, ignoring case, surrounding blanks, and {@code _} for {@code -}.
     *
     * @param name for example {@code AP-SOUTHEAST-1} or {@code ap-southeast-1}; not {@code null}
     * @return the region
     * @throws IllegalArgumentException if no region has that name; the message lists the known ones
     */
    public static ByteHouseRegion of(String name) {
        Objects.requireNonNull(name, "region");
        String wanted = name.trim().replace('_', '-').toUpperCase(Locale.ROOT);
        for (ByteHouseRegion region : values()) {
            if (region.regionName.equals(wanted)) {
                return region;
            }
        }
        throw new IllegalArgumentException("Unknown ByteHouse region '" + name.trim() + "'; the known regions are "
                + knownNames() + " (or give the host and port of your tenant instead of a region)");
    }

    /**
     * @return the known region names, comma-separated, for messages
     */
    static String knownNames() {
        return Arrays.stream(values()).map(ByteHouseRegion::regionName).collect(Collectors.joining(", "));
    }

    /**
     * @return the name the drivers and the console use, for example {@code AP-SOUTHEAST-1}
     */
    public String regionName() {
        return this.regionName;
    }

    /**
     * @return the gateway's DNS name, for example {@code gateway.aws-ap-southeast-1.bytehouse.cloud}
     */
    public String gatewayHost() {
        return this.gatewayHost;
    }

    @Override
    public String toString() {
        return this.regionName;
    }
}
